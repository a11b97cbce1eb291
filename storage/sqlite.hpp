#pragma once
// SQLite behind the engine-neutral Database (storage/database.hpp): a thin RAII wrapper, the
// embedded default. A SqliteDatabase and its statements belong to one thread at a time.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/database.hpp"
#include "workflow/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace joldama::storage {

// A prepared SQLite statement, as SqliteDatabase caches it.
class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override;
  SqliteStatement(SqliteStatement const&) = delete;
  SqliteStatement& operator=(SqliteStatement const&) = delete;

  void bind_int64(int index, std::int64_t value) override;
  void bind_text(int index, std::string_view text) override;
  void bind_blob(int index, std::string_view bytes) override;
  void bind_null(int index) override;
  Result<bool> step() override;
  bool is_null(int column) const override;
  std::int64_t int64(int column) const override;
  std::string text(int column) const override;
  std::string blob(int column) const override { return text(column); }
  std::int64_t changes() const override { return changes_; }
  void reset() override;

 private:
  void remember(int rc) {
    if (rc != 0 && bind_error_ == 0) bind_error_ = rc;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = 0;
  std::int64_t changes_ = 0;
};

class SqliteDatabase final : public Database {
 public:
  enum class Access { ReadWrite, ReadOnly };

  // Opens (creating when ReadWrite) the file with the house settings: WAL, synchronous=FULL,
  // foreign keys, a busy timeout, defensive mode. ReadOnly connections refuse every write.
  // `cache_kib` is the page cache of this connection: the pages it keeps in memory instead of
  // asking the operating system for them again.
  static Result<SqliteDatabase> open(std::filesystem::path const& path, Access access,
                                     int cache_kib = kDefaultCacheKib);
  static constexpr int kDefaultCacheKib = 8 * 1024;

  SqliteDatabase(SqliteDatabase&& other) noexcept;
  SqliteDatabase& operator=(SqliteDatabase&& other) noexcept;
  SqliteDatabase(SqliteDatabase const&) = delete;
  SqliteDatabase& operator=(SqliteDatabase const&) = delete;
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::Sqlite; }
  Status exec(std::string_view sql) override;
  Result<Statement> prepare(std::string_view sql) override;
  bool in_transaction() const override;
  bool transaction_failed() const override { return false; }
  std::int64_t total_changes() const override;

  sqlite3* handle() const { return db_; }
  // The domain error for SQLite result code `rc` on this connection, with `context` prefixed.
  Error error(int rc, std::string_view context) const;

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  void close();

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

// The domain error code for a SQLite result code.
Errc errc_for(int sqlite_result_code);

// The domain error for SQLite result code `rc` on connection `db` (may be null), with `context`
// prefixed.
Error sqlite_error(sqlite3* db, int rc, std::string_view context);

}  // namespace joldama::storage
