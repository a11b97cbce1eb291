// The composition root: the only place that knows both the workflow and its storage (SQLite or
// PostgreSQL).

#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "server/program/app.hpp"
#include "server/program/command_line.hpp"
#include "server/program/config.hpp"
#include "server/security/crypto.hpp"
#include "server/program/demo_data.hpp"
#include "server/program/system_clock.hpp"
#include "storage/audit_anchors.hpp"
#include "storage/audit_chain.hpp"
#include "storage/audit_keys.hpp"
#include "storage/backup.hpp"
#include "storage/coordination.hpp"
#include "storage/engine.hpp"
#include "storage/migrations.hpp"
#include "storage/read_pool.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/writer.hpp"
#include "workflow/diagram.hpp"

namespace {

using joldama::server::CommandLine;
namespace server = joldama::server;
namespace storage = joldama::storage;

constexpr char const* kUsage = R"(Joldama — the hospitalization bureau.

Usage:
  joldama serve [--db FILE|URI] [--host 127.0.0.1] [--port 8080] [--web-root DIR] [--demo]
                [--threads N] [--config FILE] [--calendar FILE]
                                        serve the API and the UI; --db a SQLite file (the
                                        default) or a PostgreSQL URI, postgresql://…;
                                        --port 0 picks a free port;
                                        --demo fills an empty database with demo data
  joldama verify-audit --db FILE|URI [--key FILE] [--anchors FILE] [--public-key FILE]
                                        check the audit log's keyed hash chain, and that it
                                        agrees with the signed anchors (defaults: the files
                                        beside the database, when they exist)
  joldama rotate-audit-key --db FILE|URI [--key FILE] [--anchors FILE]
                                        a new audit key from the next event on (stop the
                                        server first)
  joldama backup --db FILE|URI --to FILE
                                        consistent online copy of the database (PostgreSQL:
                                        pg_dump's custom format, for pg_restore)
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

// The audit chain's keys (created at first start), the lock that a running server holds on
// them, and the anchor file.
struct AuditFiles {
  std::unique_ptr<storage::AuditKeys> keys;  // where the anchors and the stores find them
  storage::KeyFileLock lock;
  std::unique_ptr<storage::AnchorFile> anchors;
};

joldama::Result<AuditFiles> open_audit(std::string const& location,
                                       std::filesystem::path const& key_path,
                                       std::filesystem::path const& anchor_path,
                                       std::int64_t every) {
  std::int64_t next = 1;
  {
    auto db = storage::connect(location);
    if (!db) return db.error();
    if (auto s = storage::migrate(**db); !s) return s.error();
    auto seq = storage::next_audit_seq(**db);
    if (!seq) return seq.error();
    next = *seq;
  }
  auto keys = storage::AuditKeys::load_or_create(key_path, next);
  if (!keys) return keys.error();
  if (keys->keys().front().from_seq > next) {
    return joldama::make_error(
        joldama::Errc::Validation,
        fmt::format("{} belongs to another database: its first key applies from event {}, but "
                    "this log's next event is {}; move it away, or name the right one with "
                    "audit_key_file",
                    key_path.string(), keys->keys().front().from_seq, next));
  }
  auto lock = storage::KeyFileLock::take(key_path, storage::KeyFileLock::Mode::Shared);
  if (!lock) return lock.error();
  AuditFiles files{std::make_unique<storage::AuditKeys>(std::move(*keys)), std::move(*lock),
                   nullptr};
  auto anchors = storage::AnchorFile::open(anchor_path, *files.keys, every);
  if (!anchors) return anchors.error();
  files.anchors = std::move(*anchors);
  return files;
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
  auto icd10 = joldama::Icd10Catalogue::load(config->icd10);
  if (!icd10) return fail(icd10.error().message);

  std::error_code ec;
  for (auto const& file : {server::audit_key_file(*config), server::audit_anchor_file(*config)}) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  }
  if (!storage::names_postgres(config->db)) {
    std::filesystem::path const file{config->db};
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  }
  auto audit = open_audit(config->db, server::audit_key_file(*config),
                          server::audit_anchor_file(*config), config->audit_anchor_every);
  if (!audit) return fail(audit.error().message);
  storage::WriterOptions options{config->writer_max_batch};
  options.audit_keys = audit->keys.get();
  options.anchors = audit->anchors.get();
  auto writer = storage::open_writer(config->db, options);
  if (!writer) return fail(writer.error().message);
  auto reader =
      storage::open_read_pool(config->db, config->read_connections, audit->keys.get());
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
    auto seeded =
        server::seed_demo(**writer, **reader, clock, *calendar, *icd10, config->deadlines);
    if (!seeded) return fail(seeded.error().message);
    demo_created = *seeded;
    if (!demo_created) {
      fmt::print(stderr, "joldama: --demo: the database already holds data; left as it is\n");
    }
  }

  // What the other servers of a shared (PostgreSQL) database change, and whose turn it is to
  // sweep; on SQLite this server is the file's only one.
  auto coordination = storage::coordination_for(config->db);
  server::App app{*config,   clock,    *calendar, *icd10, **writer, **reader,
                  audit->anchors.get(), coordination.get()};
  auto port = app.start();
  if (!port) return fail(port.error().message);
  fmt::print("listening on http://{}:{}\n", config->host, *port);
  if (app.metrics_port() != 0) {
    auto const& listen = config->metrics_listen;
    fmt::print("metrics on http://{}:{}/metrics\n", listen.substr(0, listen.rfind(':')),
               app.metrics_port());
  }
  if (config->demo) {
    fmt::print("demo logins (password \"{}\"):\n", server::kDemoPassword);
    for (auto const& login : server::demo_logins()) {
      fmt::print("  {:<20} {:<11} {}\n", login.login, login.role, login.where);
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

// A path given with `flag`, else `fallback` when that file exists.
std::optional<std::filesystem::path> given_or_existing(CommandLine const& line,
                                                       std::string const& flag,
                                                       std::filesystem::path const& fallback) {
  if (auto given = line.option(flag)) return std::filesystem::path{*given};
  std::error_code ec;
  if (std::filesystem::exists(fallback, ec)) return fallback;
  return std::nullopt;
}

int verify_audit(CommandLine const& line) {
  auto const path = line.option("--db");
  if (!path) return fail("verify-audit needs --db FILE|URI");
  auto db = storage::connect(*path, storage::Access::ReadOnly);
  if (!db) return fail(db.error().message);

  storage::AuditEvidence evidence;
  auto const key_path = given_or_existing(line, "--key", server::beside(*path, ".audit-key"));
  std::optional<storage::AuditKeys> keys;
  if (key_path) {
    auto loaded = storage::AuditKeys::load(*key_path);
    if (!loaded) return fail(loaded.error().message);
    keys = std::move(*loaded);
    evidence.keys = &*keys;
  }
  std::vector<storage::NumberedAnchor> anchors;
  if (auto anchor_path = given_or_existing(line, "--anchors", server::beside(*path, ".anchors"))) {
    auto read = storage::read_anchors(*anchor_path);
    if (!read) return fail(read.error().message);
    anchors = std::move(*read);
    evidence.anchors = &anchors;
  }
  storage::PublicKeys public_keys;
  auto const public_fallback = key_path ? storage::AuditKeys::public_key_path(*key_path)
                                        : server::beside(*path, ".audit-key.pub");
  if (auto public_path = given_or_existing(line, "--public-key", public_fallback)) {
    auto read = storage::load_public_keys(*public_path);
    if (!read) return fail(read.error().message);
    public_keys = std::move(*read);
    evidence.public_keys = &public_keys;
  }

  auto result = storage::verify_audit(**db, evidence);
  if (!result) return fail(result.error().message);
  if (!result->ok) {
    fmt::print("broken at event {}: {} ({} events before it verify)\n", *result->broken_seq,
               result->reason, result->events);
    if (!keys && result->finding == storage::AuditFinding::Recomputed) {
      fmt::print("(checked without the audit key: give --key FILE if the log is keyed)\n");
    }
    return 1;
  }
  fmt::print("ok {} events", result->events);
  if (evidence.anchors) {
    fmt::print("; {} anchors agree{}", result->anchors,
               result->signatures_checked ? ", their signatures verified" : " (signatures not checked: give --public-key FILE)");
  }
  if (!keys) fmt::print(" (without the audit key: links and plain hashes only)");
  fmt::print("\n");
  return 0;
}

int rotate_audit_key(CommandLine const& line) {
  auto const path = line.option("--db");
  if (!path) return fail("rotate-audit-key needs --db FILE|URI");
  std::filesystem::path const key_path =
      line.option("--key").value_or(server::beside(*path, ".audit-key").string());
  std::filesystem::path const anchor_path =
      line.option("--anchors").value_or(server::beside(*path, ".anchors").string());
  auto lock = storage::KeyFileLock::take(key_path, storage::KeyFileLock::Mode::Exclusive);
  if (!lock) return fail(lock.error().message);
  auto keys = storage::AuditKeys::load(key_path);
  if (!keys) return fail(keys.error().message);
  auto db = storage::connect(*path);
  if (!db) return fail(db.error().message);
  auto next = storage::next_audit_seq(**db);
  if (!next) return fail(next.error().message);
  // The new key applies after the event that records it, which the old key still hashes.
  auto const old_id = keys->current().id;
  auto rotated = keys->rotate(*next + 1);
  if (!rotated) return fail(rotated.error().message);
  storage::SqliteStore store{**db, nullptr, &*keys};
  server::SystemClock clock;
  auto appended = storage::begin_write(**db);
  if (appended) {
    appended = store.append_audit(joldama::AuditEvent{
        clock.now(), "system", joldama::Role::System, "audit_key_rotated", std::nullopt,
        {{"previous_key_id", old_id}, {"key_id", rotated->id},
         {"from_seq", std::to_string(rotated->from_seq)}}});
  }
  if (appended) appended = (*db)->run("COMMIT");
  if (!appended) return fail(appended.error().message);
  auto anchors = storage::AnchorFile::open(anchor_path, *keys, 1);
  if (!anchors) return fail(anchors.error().message);
  if (auto s = (*anchors)->after_commit(**db, true); !s) return fail(s.error().message);
  fmt::print("key {} applies from event {}; copy {} off this machine\n", rotated->id,
             rotated->from_seq, storage::AuditKeys::public_key_path(key_path).string());
  return 0;
}

int backup(CommandLine const& line) {
  auto const from = line.option("--db");
  auto const to = line.option("--to");
  if (!from || !to) return fail("backup needs --db FILE|URI --to FILE");
  auto report = storage::backup_database(*from, *to);
  if (!report) return fail(report.error().message);
  if (storage::names_postgres(*from)) {
    fmt::print("backed up {} bytes to {} (pg_dump's custom format: restore with pg_restore)\n",
               report->bytes, *to);
  } else {
    fmt::print("backed up {} pages to {}\n", report->pages, *to);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Every file this program creates — the database and its log, backups, keys, anchors — is
  // readable by its owner only.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    fmt::print("{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  auto line = joldama::server::parse_command_line(
      args,
      {"--db", "--to", "--host", "--port", "--web-root", "--threads", "--config", "--calendar",
       "--key", "--anchors", "--public-key"},
      {"--demo"});
  if (!line) return fail(fmt::format("{}\n\n{}", line.error().message, kUsage));
  if (line->command == "serve") return serve(*line);
  if (line->command == "verify-audit") return verify_audit(*line);
  if (line->command == "backup") return backup(*line);
  if (line->command == "rotate-audit-key") return rotate_audit_key(*line);
  if (line->command == "workflow-diagram") {
    fmt::print("{}", joldama::state_diagram_mermaid());
    return 0;
  }
  return fail(fmt::format("unknown command `{}`\n\n{}", line->command, kUsage));
}
