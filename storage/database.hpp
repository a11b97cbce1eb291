#pragma once
// A connection to a database engine, as the store and the writer see it, whichever engine it
// is: SQLite in process (storage/sqlite.hpp) or PostgreSQL across a socket
// (storage/postgres.hpp). Nothing here throws: failures come back as Result/Status with the
// engine's message, mapped to the domain's error codes (a full disk is StorageFull, a busy or
// broken database Unavailable, a unique key taken Duplicate, any other constraint Internal).
// A Database and its statements belong to one thread at a time.
//
// SQL given to either engine names its parameters ?1, ?2, … (or ? for the next one); the
// PostgreSQL connection renders them as $1, $2, …. Where the engines' SQL differs, a statement
// says so in place: <<sqlite: TEXT>> is TEXT for SQLite alone, <<postgres: TEXT>> for
// PostgreSQL alone (render_marks), as the schema's description does (storage/schema.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workflow/result.hpp"

namespace joldama::storage {

enum class Dialect { Sqlite, Postgres };

// What an engine does with a prepared statement; Statement is the handle the store holds.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  // Parameters are 1-based. Binding errors are remembered and reported by the next step().
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
  virtual void bind_null(int index) = 0;
  virtual Result<bool> step() = 0;
  // Runs the statement to its end, or where the engine can, sends it and leaves its answer for
  // later (see Statement::send). The default runs it now.
  virtual Status send();
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t int64(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  // Rows the statement inserted, updated or deleted, once it has run to its end.
  virtual std::int64_t changes() const = 0;
  // Ready for the next use: rows and bindings dropped.
  virtual void reset() = 0;
};

// A prepared statement, cached by its connection: destroying the handle resets it for reuse.
class Statement {
 public:
  Statement() = default;
  explicit Statement(StatementImpl* impl) : impl_(impl) {}
  Statement(Statement&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept {
    if (this != &other) {
      release();
      impl_ = other.impl_;
      other.impl_ = nullptr;
    }
    return *this;
  }
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;
  ~Statement() { release(); }

  Statement& bind(int index, std::int64_t value) {
    impl_->bind_int64(index, value);
    return *this;
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text) {
    impl_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, char const* text) { return bind(index, std::string_view{text}); }
  Statement& bind_blob(int index, std::string_view bytes) {
    impl_->bind_blob(index, bytes);
    return *this;
  }
  Statement& bind_null(int index) {
    impl_->bind_null(index);
    return *this;
  }
  template <class T>
  Statement& bind(int index, std::optional<T> const& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances: true with a row to read, false when done.
  Result<bool> step() { return impl_->step(); }
  // Steps to the end, for statements that return no rows.
  Status run();
  // For a write whose answer the caller does not look at (no rows, no count of changes, no
  // error it turns into another): runs it, or on an engine across a socket sends it without
  // waiting, so that several travel together (PostgreSQL's pipeline). Its failure then fails
  // the next statement that waits for an answer, or Database::settle(): whichever comes first,
  // the command it belongs to fails, and its transaction with it.
  Status send() { return impl_->send(); }
  // Rows the statement changed, once run.
  std::int64_t changes() const { return impl_->changes(); }

  bool is_null(int column) const { return impl_->is_null(column); }
  std::int64_t int64(int column) const { return impl_->int64(column); }
  int int32(int column) const { return static_cast<int>(int64(column)); }
  std::string text(int column) const { return impl_->text(column); }
  std::string blob(int column) const { return impl_->blob(column); }
  std::optional<std::int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }
  std::optional<std::string> optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }

 private:
  void release() {
    if (impl_) impl_->reset();
    impl_ = nullptr;
  }
  StatementImpl* impl_ = nullptr;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // Runs SQL without parameters (one or more statements), parsing it each time.
  virtual Status exec(std::string_view sql) = 0;
  // A statement for `sql`, prepared once per connection and reused.
  virtual Result<Statement> prepare(std::string_view sql) = 0;
  // Runs one statement without parameters, prepared once and reused: for the transaction
  // control the writer and readers issue on every command.
  Status run(std::string_view sql);

  // Whether a transaction is open.
  virtual bool in_transaction() const = 0;
  // Whether the open transaction refuses every further statement until it is rolled back (to a
  // savepoint): PostgreSQL's after any statement failed; never SQLite's.
  virtual bool transaction_failed() const = 0;
  // Rows inserted, updated or deleted through this connection since it opened.
  virtual std::int64_t total_changes() const = 0;
  // Waits for the answers of every statement sent and not yet answered (Statement::send); the
  // first failure among them. The writer settles after each command, so that a command's
  // failure is its own.
  virtual Status settle() { return ok(); }
};

// `sql` with its <<sqlite: …>> and <<postgres: …>> marks rendered for `dialect`: the text of
// the dialect's own marks kept (without the space after the colon), the other's dropped. Other
// marks are left as they are. A mark ends at the first ">>": its text cannot hold one (write
// PostgreSQL's ->> as json_extract_path_text). Throws std::logic_error on a mark that does not
// end.
std::string render_marks(Dialect dialect, std::string_view sql);

// An engine's failure as the domain's error: `code` with the engine's `message` after what was
// being done (`context`); a full disk in the words the people who see it need.
Error engine_error(Errc code, std::string_view context, std::string_view message);

// The first column of the first row of `sql` (an INSERT … RETURNING id, say), which must give
// one; Internal when it gives none.
Result<std::int64_t> single_int64(Statement& statement);

}  // namespace joldama::storage
