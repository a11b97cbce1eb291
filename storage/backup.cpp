#include "storage/backup.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <system_error>
#include <thread>

#include "storage/sqlite.hpp"

namespace joldama::storage {

Result<BackupReport> backup_database(std::filesystem::path const& source,
                                     std::filesystem::path const& destination) {
  std::error_code ec;
  if (!std::filesystem::exists(source, ec)) {
    return make_error(Errc::NotFound, fmt::format("no database at {}", source.string()));
  }
  if (std::filesystem::exists(destination, ec)) {
    return make_error(Errc::Duplicate,
                      fmt::format("{} already exists; choose a new file", destination.string()));
  }
  auto const partial = std::filesystem::path{destination.string() + ".partial"};
  std::filesystem::remove(partial, ec);

  auto from = SqliteDatabase::open(source, SqliteDatabase::Access::ReadOnly);
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
      std::filesystem::remove(partial, ec);
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
  std::filesystem::rename(partial, destination, ec);
  if (ec) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot move the backup into place: {}", ec.message()));
  }
  return report;
}

}  // namespace joldama::storage
