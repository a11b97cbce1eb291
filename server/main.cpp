// The composition root: the only place that knows both the workflow and its SQLite storage.

#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "server/app.hpp"
#include "server/command_line.hpp"
#include "server/config.hpp"
#include "server/crypto.hpp"
#include "server/demo_data.hpp"
#include "server/system_clock.hpp"
#include "storage/audit_chain.hpp"
#include "storage/backup.hpp"
#include "storage/read_pool.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "workflow/diagram.hpp"

namespace {

using joldama::server::CommandLine;
namespace server = joldama::server;
namespace storage = joldama::storage;

constexpr char const* kUsage = R"(Joldama — the hospitalization bureau.

Usage:
  joldama serve [--db FILE] [--host 127.0.0.1] [--port 8080] [--web-root DIR] [--demo]
                [--threads N] [--config FILE] [--calendar FILE]
                                        serve the API and the UI; --port 0 picks a free port;
                                        --demo fills an empty database with demo data
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

// Every open connection holds a file descriptor: allow as many as the system lets this process
// have (the soft limit is often 1024, far below a Monday morning's connections).
void allow_many_connections() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int serve(CommandLine const& line) {
  allow_many_connections();
  // Signals are taken by sigwait below; block them before any thread starts, so that every
  // thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto config = server::config_from_command_line(line);
  if (!config) return fail(config.error().message);
  if (auto s = server::init_crypto(); !s) return fail(s.error().message);
  auto calendar = joldama::WorkingCalendar::load(config->calendar);
  if (!calendar) return fail(calendar.error().message);

  std::error_code ec;
  if (config->db.has_parent_path())
    std::filesystem::create_directories(config->db.parent_path(), ec);
  auto writer =
      storage::Writer::start(config->db, storage::WriterOptions{config->writer_max_batch});
  if (!writer) return fail(writer.error().message);
  auto reader = storage::ReadPool::open(config->db, config->read_connections);
  if (!reader) return fail(reader.error().message);

  server::SystemClock clock;
  if (!calendar->covers(joldama::local_date(clock.now()))) {
    fmt::print(stderr,
               "joldama: warning: {} does not cover this year; only weekends count as "
               "days off until it is updated\n",
               config->calendar.string());
  }
  bool demo_created = false;
  if (config->demo) {
    auto seeded = server::seed_demo(**writer, **reader, clock, *calendar, config->deadlines);
    if (!seeded) return fail(seeded.error().message);
    demo_created = *seeded;
    if (!demo_created) {
      fmt::print(stderr, "joldama: --demo: the database already holds data; left as it is\n");
    }
  }

  server::App app{*config, clock, *calendar, **writer, **reader};
  auto port = app.start();
  if (!port) return fail(port.error().message);
  fmt::print("listening on http://{}:{}\n", config->host, *port);
  if (config->demo) {
    fmt::print("demo logins (password \"{}\"):\n", server::kDemoPassword);
    for (auto const& login : server::demo_logins()) {
      fmt::print("  {:<18} {:<11} {}\n", login.login, login.role, login.where);
    }
  }
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  fmt::print(stderr, "joldama: {} received; finishing requests in flight\n",
             received == SIGINT ? "SIGINT" : "SIGTERM");
  app.stop();
  (*writer)->stop();
  fmt::print(stderr, "joldama: stopped; the database is closed\n");
  return 0;
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
  auto line = joldama::server::parse_command_line(
      args,
      {"--db", "--to", "--host", "--port", "--web-root", "--threads", "--config", "--calendar"},
      {"--demo"});
  if (!line) return fail(fmt::format("{}\n\n{}", line.error().message, kUsage));
  if (line->command == "serve") return serve(*line);
  if (line->command == "verify-audit") return verify_audit(*line);
  if (line->command == "backup") return backup(*line);
  if (line->command == "workflow-diagram") {
    fmt::print("{}", joldama::state_diagram_mermaid());
    return 0;
  }
  return fail(fmt::format("unknown command `{}`\n\n{}", line->command, kUsage));
}
