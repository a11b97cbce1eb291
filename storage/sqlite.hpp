#pragma once
// A thin RAII wrapper over SQLite. Nothing here throws: failures come back as Result/Status with
// SQLite's message, mapped to the domain's error codes (a full disk is StorageFull, a busy or
// broken database Unavailable, a UNIQUE violation Duplicate, any other constraint Internal).
// A Database and its statements belong to one thread at a time.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "workflow/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace joldama::storage {

class Database;

// A prepared statement. Binding errors are remembered and reported by the next step().
// Statements from Database::prepare() are cached: destroying one resets it for reuse.
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, char const* text) { return bind(index, std::string_view{text}); }
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, std::optional<T> const& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances: true with a row to read, false when done.
  Result<bool> step();
  // Steps to the end, for statements that return no rows.
  Status run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  int int32(int column) const { return static_cast<int>(int64(column)); }
  std::string text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt, bool cached)
      : db_(db), stmt_(stmt), cached_(cached) {}
  void release();

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;
  int bind_error_ = 0;
};

class Database {
 public:
  enum class Access { ReadWrite, ReadOnly };

  // Opens (creating when ReadWrite) the file with the house settings: WAL, synchronous=FULL,
  // foreign keys, a busy timeout, defensive mode. ReadOnly connections refuse every write.
  // `cache_kib` is the page cache of this connection: the pages it keeps in memory instead of
  // asking the operating system for them again.
  static Result<Database> open(std::filesystem::path const& path, Access access,
                               int cache_kib = kDefaultCacheKib);
  static constexpr int kDefaultCacheKib = 8 * 1024;

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(Database const&) = delete;
  Database& operator=(Database const&) = delete;
  ~Database();

  // Runs SQL without parameters (one or more statements), parsing it each time.
  Status exec(std::string_view sql);
  // Runs one statement without parameters, prepared once and reused: for the transaction
  // control the writer and readers issue on every command.
  Status run(std::string_view sql);
  // A statement for `sql`, prepared once per connection and reused.
  Result<Statement> prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  // Rows inserted, updated or deleted through this connection since it opened.
  std::int64_t total_changes() const;
  bool in_transaction() const;
  sqlite3* handle() const { return db_; }

  // The domain error for SQLite result code `rc` on this connection, with `context` prefixed.
  Error error(int rc, std::string_view context) const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  void close();

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// The domain error code for a SQLite result code.
Errc errc_for(int sqlite_result_code);

}  // namespace joldama::storage
