#include "storage/backup.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

#include "storage/postgres.hpp"
#include "storage/sqlite.hpp"

extern char** environ;

namespace joldama::storage {

namespace {

// A PostgreSQL program (pg_dump, pg_restore): on the PATH, else the newest of Debian's.
std::string postgres_program(std::string const& name) {
  std::error_code ec;
  std::vector<std::filesystem::path> found;
  for (auto const& entry : std::filesystem::directory_iterator{"/usr/lib/postgresql", ec}) {
    auto candidate = entry.path() / "bin" / name;
    if (std::filesystem::exists(candidate, ec)) found.push_back(candidate);
  }
  if (found.empty()) return name;  // looked up on the PATH
  std::sort(found.begin(), found.end());
  return found.back().string();
}

// Runs `arguments` (the program first) without a shell; its exit status, or -1.
int run_program(std::vector<std::string> const& arguments) {
  std::vector<char*> argv;
  for (auto const& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<BackupReport> backup_postgres(std::string const& source,
                                     std::filesystem::path const& partial) {
  // One snapshot of the whole database, as the servers keep writing; the custom format, which
  // pg_restore reads (and checks) back.
  auto const dump = run_program({postgres_program("pg_dump"), "--format=custom",
                                 "--no-owner", "--file=" + partial.string(),
                                 "--dbname=" + source});
  if (dump != 0) {
    return make_error(Errc::Unavailable,
                      fmt::format("pg_dump failed (exit status {}); see its message above", dump));
  }
  auto const listed = run_program({postgres_program("pg_restore"), "--list",
                                   "--file=/dev/null", partial.string()});
  if (listed != 0) {
    return make_error(Errc::Internal, "pg_restore cannot read the dump back");
  }
  return BackupReport{};
}

// SQLite's backup API, page by page while the writer goes on, then an integrity check.
Result<BackupReport> backup_sqlite(std::string const& source,
                                   std::filesystem::path const& partial) {
  auto from = SqliteDatabase::open(std::filesystem::path{source}, SqliteDatabase::Access::ReadOnly);
  if (!from) return from.error();
  BackupReport report;
  {
    auto to = SqliteDatabase::open(partial, SqliteDatabase::Access::ReadWrite);
    if (!to) return to.error();
    sqlite3_backup* backup = sqlite3_backup_init(to->handle(), "main", from->handle(), "main");
    if (!backup) return to->error(sqlite3_errcode(to->handle()), "starting the backup");
    int rc = SQLITE_OK;
    do {
      rc = sqlite3_backup_step(backup, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
      }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    report.pages = sqlite3_backup_pagecount(backup);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      return make_error(errc_for(rc), fmt::format("the backup failed: {}", sqlite3_errstr(rc)));
    }
    auto check = to->prepare("PRAGMA integrity_check");
    if (!check) return check.error();
    auto row = check->step();
    if (!row) return row.error();
    if (!*row || check->text(0) != "ok") {
      return make_error(Errc::Internal, "the backup copy failed its integrity check");
    }
    // Leave a self-contained file: fold the WAL into the main file before handing it over.
    *check = Statement{};
    if (auto s = to->exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE"); !s) {
      return s.error();
    }
  }
  return report;
}

}  // namespace

Result<BackupReport> backup_database(std::string const& source,
                                     std::filesystem::path const& destination) {
  std::error_code ec;
  bool const postgres = is_postgres_url(source);
  if (!postgres && !std::filesystem::exists(source, ec)) {
    return make_error(Errc::NotFound, fmt::format("no database at {}", source));
  }
  if (std::filesystem::exists(destination, ec)) {
    return make_error(Errc::Duplicate,
                      fmt::format("{} already exists; choose a new file", destination.string()));
  }
  auto const partial = std::filesystem::path{destination.string() + ".partial"};
  std::filesystem::remove(partial, ec);
  auto report = postgres ? backup_postgres(source, partial) : backup_sqlite(source, partial);
  if (!report) {
    std::filesystem::remove(partial, ec);
    return report.error();
  }
  std::filesystem::rename(partial, destination, ec);
  if (ec) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot move the backup into place: {}", ec.message()));
  }
  report->bytes = static_cast<std::int64_t>(std::filesystem::file_size(destination, ec));
  return report;
}


}  // namespace joldama::storage
