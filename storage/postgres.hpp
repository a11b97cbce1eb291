#pragma once
// PostgreSQL behind the engine-neutral Database (storage/database.hpp), through libpq: the
// engine for several servers on one database. A PgDatabase and its statements belong to one
// thread at a time.
//
// Statements are prepared on the server once per connection and parameter types (an integer,
// a text, bytes or a null), and run with the extended protocol; parameters travel as text (bytes
// as bytes), results come back as text. A statement sent (Statement::send) goes in libpq's
// pipeline without waiting for its answer; the answers are read, in order, before the next
// statement that waits for one, or at settle(). A connection that broke (the server restarted, a
// standby was promoted) is opened again at the next statement outside a transaction; inside
// one, the transaction is lost and its command fails Unavailable, as the writer expects of a
// command that may run again.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/database.hpp"

struct pg_conn;
struct pg_result;

namespace joldama::storage {

class PgDatabase;

// `sql` with its parameters named ?N (or ? for the next) renamed $N, quoted text and comments
// left alone; `count` is set to the highest parameter number, and `used`, when given, says which
// of 1…count the text names (a statement may leave some out: SQLite's numbering allows it).
std::string postgres_parameters(std::string_view sql, int* count = nullptr,
                                std::vector<bool>* used = nullptr);

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgDatabase& db, std::string sql, std::vector<bool> used);
  ~PgStatement() override;
  PgStatement(PgStatement const&) = delete;
  PgStatement& operator=(PgStatement const&) = delete;

  void bind_int64(int index, std::int64_t value) override;
  void bind_text(int index, std::string_view text) override;
  void bind_blob(int index, std::string_view bytes) override;
  void bind_null(int index) override;
  Result<bool> step() override;
  Status send() override;
  bool is_null(int column) const override;
  std::int64_t int64(int column) const override;
  std::string text(int column) const override;
  std::string blob(int column) const override;
  std::int64_t changes() const override { return changes_; }
  void reset() override;

  std::string const& sql() const { return sql_; }

  // The connection was opened again: what was prepared on the old one is gone.
  void forget_prepared() { prepared_.clear(); }
  // A preparation sent in the pipeline failed: it is not there to be used.
  void forget_prepared(std::string const& signature) { prepared_.erase(signature); }

 private:
  enum class Kind : char { Null = 'n', Int = 'i', Text = 't', Bytes = 'b' };
  struct Parameter {
    Kind kind = Kind::Null;
    std::string value;
  };
  bool set(int index, Kind kind, std::string value);
  Result<bool> execute();
  Result<bool> execute_once();
  std::string signature() const;
  // The parameters as libpq takes them (pointers into parameters_, valid until they change).
  struct Wire {
    std::vector<char const*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Wire wire() const;
  std::vector<unsigned> types() const;

  PgDatabase& db_;
  std::string sql_;
  std::vector<Parameter> parameters_;
  std::vector<bool> used_;  // which parameters the text names
  std::string bind_error_;
  // The name prepared on the server for each signature of parameter kinds ("itn", …).
  std::unordered_map<std::string, std::string> prepared_;
  pg_result* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
  bool executed_ = false;
  std::int64_t changes_ = 0;
};

class PgDatabase final : public Database {
 public:
  // Connects with a libpq connection string or URI (postgresql://…), and sets the session as
  // the program expects it: UTC, UTF-8, no statement left waiting on a lock for ever.
  static Result<std::unique_ptr<PgDatabase>> open(std::string const& conninfo);
  ~PgDatabase() override;
  PgDatabase(PgDatabase const&) = delete;
  PgDatabase& operator=(PgDatabase const&) = delete;

  Dialect dialect() const override { return Dialect::Postgres; }
  Status exec(std::string_view sql) override;
  Result<Statement> prepare(std::string_view sql) override;
  bool in_transaction() const override;
  bool transaction_failed() const override;
  std::int64_t total_changes() const override { return total_changes_; }
  Status settle() override;

  pg_conn* handle() const { return conn_; }
  // Whether the connection is known to be broken.
  bool broken() const;
  // How often the connection was opened again after it broke.
  std::uint64_t reconnections() const { return reconnections_; }

  // For the statements: the connection, opened again first if it broke while no transaction
  // was open; Unavailable if it cannot be.
  Result<pg_conn*> usable();
  std::string next_statement_name();
  void count_changes(std::int64_t changes) { total_changes_ += changes; }
  // After each statement: whether a transaction is open, so that a connection that breaks
  // inside one is never silently opened again under the rest of it.
  void note_status();
  // A statement sent in the pipeline, whose answer (and, first, its preparation's, when
  // `prepared_as` is set) is still to be read.
  void sent(PgStatement* statement, std::string prepared_as);
  bool in_pipeline() const { return !pending_.empty(); }
  // The domain error for a failed result (or a failed connection, when `result` is null).
  Error error(pg_result const* result, std::string_view context) const;

 private:
  PgDatabase(pg_conn* conn, std::string conninfo) : conn_(conn), conninfo_(std::move(conninfo)) {}
  static Status configure(pg_conn* conn);
  Status exec_once(std::string_view sql);

  pg_conn* conn_;
  std::string conninfo_;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> cache_;
  std::uint64_t statement_names_ = 0;
  std::uint64_t reconnections_ = 0;
  std::int64_t total_changes_ = 0;
  bool was_in_transaction_ = false;
  struct Pending {
    PgStatement* statement;
    std::string prepared_as;  // the signature whose preparation was sent with it, if any
  };
  std::vector<Pending> pending_;
  // The connection broke inside a transaction: every statement fails until ROLLBACK.
  bool broken_in_transaction_ = false;
};

// The domain error code for a SQLSTATE.
Errc errc_for_sqlstate(std::string_view sqlstate);

// Whether `text` names a PostgreSQL database (a postgresql:// or postgres:// URI) rather than a
// SQLite file.
bool is_postgres_url(std::string_view text);

}  // namespace joldama::storage
