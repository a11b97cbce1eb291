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

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cached_(other.cached_),
      bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    cached_ = other.cached_;
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() {
  release();
}

void Statement::release() {
  if (!stmt_) return;
  if (cached_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int const rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  int const rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int const rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  int const rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_ != 0) return db_->error(bind_error_, "binding a parameter");
  int const rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, sqlite3_sql(stmt_));
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return ok();
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  auto const* data = sqlite3_column_blob(stmt_, column);
  auto const size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string{static_cast<char const*>(data), static_cast<std::size_t>(size)}
              : std::string{};
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

// --- Database ----------------------------------------------------------------------------------

Result<Database> Database::open(std::filesystem::path const& path, Access access, int cache_kib) {
  // Once per process, before SQLite starts: no global memory statistics, which would take a
  // process-wide lock on every allocation of every connection.
  static int const configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* handle = nullptr;
  int const flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                    (access == Access::ReadWrite ? SQLITE_OPEN_CREATE : 0);
  int const rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  Database db{handle};
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

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

Database::~Database() {
  close();
}

void Database::close() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Status Database::exec(std::string_view sql) {
  std::string const text{sql};
  char* message = nullptr;
  int const rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return ok();
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return make_error(errc_for(sqlite3_extended_errcode(db_)), detail);
}

Status Database::run(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  return statement->run();
}

Result<Statement> Database::prepare(std::string_view sql) {
  std::string key{sql};
  if (auto it = cache_.find(key); it != cache_.end()) return Statement{this, it->second, true};
  sqlite3_stmt* stmt = nullptr;
  int const rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, fmt::format("preparing `{}`", sql));
  cache_.emplace(std::move(key), stmt);
  return Statement{this, stmt, true};
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

std::int64_t Database::total_changes() const {
  return sqlite3_total_changes64(db_);
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Error Database::error(int rc, std::string_view context) const {
  int const code = db_ ? sqlite3_extended_errcode(db_) : rc;
  auto const* message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  auto const errc = errc_for(code != 0 ? code : rc);
  if (errc == Errc::StorageFull) {
    return make_error(errc, fmt::format("the disk is full: nothing of this request was saved; "
                                        "try again later ({}: {})",
                                        context, message));
  }
  return make_error(errc, fmt::format("{}: {}", context, message));
}

}  // namespace joldama::storage
