// The composition root: the only place that knows both the workflow and its SQLite storage.

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/command_line.hpp"
#include "storage/audit_chain.hpp"
#include "storage/backup.hpp"
#include "storage/sqlite.hpp"
#include "workflow/diagram.hpp"

namespace {

using joldama::server::CommandLine;
namespace storage = joldama::storage;

constexpr char const* kUsage = R"(Joldama — the hospitalization bureau.

Usage:
  joldama verify-audit --db FILE        check the audit log's hash chain
  joldama backup --db FILE --to FILE    consistent online copy of the database
  joldama workflow-diagram              the referral state machine (Mermaid), from the table
  joldama --help                        this text

Exit status: 0 success; 1 the audit chain is broken; 2 a usage or database error.
)";

int fail(std::string const& message) {
  fmt::print(stderr, "joldama: {}\n", message);
  return 2;
}

int verify_audit(CommandLine const& line) {
  auto const path = line.option("--db");
  if (!path) return fail("verify-audit needs --db FILE");
  auto db = storage::Database::open(*path, storage::Database::Access::ReadOnly);
  if (!db) return fail(db.error().message);
  auto result = storage::verify_audit(*db);
  if (!result) return fail(result.error().message);
  if (!result->ok) {
    fmt::print("broken at event {}: {} ({} events before it verify)\n", *result->broken_seq,
               result->reason, result->events);
    return 1;
  }
  fmt::print("ok {} events\n", result->events);
  return 0;
}

int backup(CommandLine const& line) {
  auto const from = line.option("--db");
  auto const to = line.option("--to");
  if (!from || !to) return fail("backup needs --db FILE --to FILE");
  auto report = storage::backup_database(*from, *to);
  if (!report) return fail(report.error().message);
  fmt::print("backed up {} pages to {}\n", report->pages, *to);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    fmt::print("{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  auto line = joldama::server::parse_command_line(args, {"--db", "--to"}, {});
  if (!line) return fail(fmt::format("{}\n\n{}", line.error().message, kUsage));
  if (line->command == "verify-audit") return verify_audit(*line);
  if (line->command == "backup") return backup(*line);
  if (line->command == "workflow-diagram") {
    fmt::print("{}", joldama::state_diagram_mermaid());
    return 0;
  }
  return fail(fmt::format("unknown command `{}`\n\n{}", line->command, kUsage));
}
