#include "storage/sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace joldama::storage {

namespace {

constexpr int kBusyTimeoutMs = 10'000;

}  // namespace

Errc errc_for(int rc) {
  // A write the file system refused: the disk (or the file size the system allows) is full.
  if (rc == SQLITE_IOERR_WRITE) return Errc::StorageFull;
  switch (rc & 0xFF) {
    case SQLITE_FULL: return Errc::StorageFull;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::Unavailable;
    case SQLITE_CONSTRAINT:
      return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ? Errc::Duplicate
                                                                                  : Errc::Internal;
    default: return Errc::Internal;
  }
}

// --- Statement ---------------------------------------------------------------------------------

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
  changes_ = 0;
}

void SqliteStatement::bind_int64(int index, std::int64_t value) {
  remember(sqlite3_bind_int64(stmt_, index, value));
}

void SqliteStatement::bind_text(int index, std::string_view text) {
  remember(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void SqliteStatement::bind_blob(int index, std::string_view bytes) {
  remember(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

void SqliteStatement::bind_null(int index) {
  remember(sqlite3_bind_null(stmt_, index));
}

Result<bool> SqliteStatement::step() {
  if (bind_error_ != 0) return sqlite_error(db_, bind_error_, "binding a parameter");
  int const rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    changes_ = sqlite3_changes64(db_);
    return false;
  }
  return sqlite_error(db_, rc, sqlite3_sql(stmt_));
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::text(int column) const {
  auto const* data = sqlite3_column_blob(stmt_, column);
  auto const size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string{static_cast<char const*>(data), static_cast<std::size_t>(size)}
              : std::string{};
}

// --- Database ----------------------------------------------------------------------------------

Result<SqliteDatabase> SqliteDatabase::open(std::filesystem::path const& path, Access access, int cache_kib) {
  // Once per process, before SQLite starts: no global memory statistics, which would take a
  // process-wide lock on every allocation of every connection.
  static int const configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* handle = nullptr;
  int const flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                    (access == Access::ReadWrite ? SQLITE_OPEN_CREATE : 0);
  int const rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  SqliteDatabase db{handle};
  if (rc != SQLITE_OK) {
    return make_error(errc_for(rc),
                      fmt::format("cannot open database {}: {}", path.string(),
                                  handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);
  // Defensive mode: no writable_schema tricks or shadow-table writes through this connection.
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  // journal_mode is persistent in the file; the writer sets it, readers only check.
  // temp_store=MEMORY: each command runs in a savepoint, whose journal of the pages it changes
  // would otherwise spill to a temporary file on every command.
  auto const settings = access == Access::ReadWrite
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                              " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                            : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                              " PRAGMA query_only=ON;";
  if (auto s = db.exec(settings); !s) return s.error();
  // A negative cache_size is in KiB; the value is our own integer, never input.
  if (auto s = db.exec(fmt::format("PRAGMA cache_size = -{}", std::max(cache_kib, 64))); !s) {
    return s.error();
  }
  return db;
}

SqliteDatabase::SqliteDatabase(SqliteDatabase&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

SqliteDatabase::~SqliteDatabase() {
  close();
}

void SqliteDatabase::close() {
  cache_.clear();  // finalizes every statement, before the connection closes
  if (db_) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Status SqliteDatabase::exec(std::string_view sql) {
  std::string const text{sql};
  char* message = nullptr;
  int const rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return ok();
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return make_error(errc_for(sqlite3_extended_errcode(db_)), detail);
}

Result<Statement> SqliteDatabase::prepare(std::string_view sql) {
  std::string key{sql};
  if (auto it = cache_.find(key); it != cache_.end()) return Statement{it->second.get()};
  auto const text = key.find("<<") == std::string::npos ? key : render_marks(Dialect::Sqlite, key);
  sqlite3_stmt* stmt = nullptr;
  int const rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, fmt::format("preparing `{}`", sql));
  auto const kept =
      cache_.emplace(std::move(key), std::make_unique<SqliteStatement>(db_, stmt)).first;
  return Statement{kept->second.get()};
}

std::int64_t SqliteDatabase::total_changes() const {
  return sqlite3_total_changes64(db_);
}

bool SqliteDatabase::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Error SqliteDatabase::error(int rc, std::string_view context) const {
  return sqlite_error(db_, rc, context);
}

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  int const code = db ? sqlite3_extended_errcode(db) : rc;
  auto const* message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return engine_error(errc_for(code != 0 ? code : rc), context, message);
}

}  // namespace joldama::storage
