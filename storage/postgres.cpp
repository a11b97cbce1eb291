#include "storage/postgres.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace joldama::storage {

namespace {

// Parameter types as PostgreSQL numbers them (pg_type.oid): what a statement is prepared with.
constexpr Oid kInt8 = 20;
constexpr Oid kText = 25;
constexpr Oid kBytea = 17;

// Every session the program opens: times as UTC, texts as UTF-8, and no statement waiting for a
// lock for ever (another server's transaction holds the writers' lock for milliseconds). Each
// prepared statement is planned once for the session (a generic plan) rather than again at every
// run with its values: our statements name every filter they use (no `?1 IS NULL OR …`), so the
// plan would not change with the values, and planning a read of `referrals`, whose indexes the
// planner weighs one by one, cost more than running it (about a third of a read's time in
// PostgreSQL, measured; docs/performance.md).
constexpr char const* kSessionSettings =
    "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; SET lock_timeout = '60s'; "
    "SET idle_in_transaction_session_timeout = '300s'; SET plan_cache_mode = force_generic_plan";

bool starts_with_word(std::string_view sql, std::string_view word);

// The rows a statement of `sql` wrote, from its result: a SELECT reports the rows it returned
// as tuples too, and only what a statement wrote counts as changes.
std::int64_t rows_written(pg_result const* result, std::string_view sql) {
  if (starts_with_word(sql, "SELECT") || starts_with_word(sql, "WITH")) return 0;
  char const* tuples = PQcmdTuples(const_cast<pg_result*>(result));
  std::int64_t changes = 0;
  if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), changes);
  return changes;
}

bool starts_with_word(std::string_view sql, std::string_view word) {
  auto const first = sql.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  sql.remove_prefix(first);
  if (sql.size() < word.size()) return false;
  return std::equal(word.begin(), word.end(), sql.begin(),
                    [](char a, char b) { return a == (b >= 'a' && b <= 'z' ? b - 32 : b); });
}

}  // namespace

std::string postgres_parameters(std::string_view sql, int* count, std::vector<bool>* used) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  std::vector<bool> named;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char const c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted text or a quoted name, to its closing quote (a doubled quote stays inside).
      auto const end = sql.find(c, i + 1);
      auto const stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      auto const end = sql.find('\n', i);
      auto const stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto const end = sql.find("*/", i + 2);
      auto const stop = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      std::size_t digits = i + 1;
      while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
      int number = highest + 1;  // a bare ? is the next after the highest so far, as in SQLite
      if (digits > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + digits, number);
      }
      highest = std::max(highest, number);
      if (number >= 1) {
        if (named.size() < static_cast<std::size_t>(number)) named.resize(number, false);
        named[static_cast<std::size_t>(number - 1)] = true;
      }
      out += '$';
      out += std::to_string(number);
      i = digits - 1;
    } else {
      out += c;
    }
  }
  if (count) *count = highest;
  if (used) {
    named.resize(static_cast<std::size_t>(highest), false);
    *used = std::move(named);
  }
  return out;
}

Errc errc_for_sqlstate(std::string_view state) {
  if (state == "23505") return Errc::Duplicate;                       // unique_violation
  if (state.starts_with("23")) return Errc::Internal;                 // other constraints
  if (state == "53100") return Errc::StorageFull;                     // disk_full
  if (state == "40001" || state == "40P01") return Errc::Unavailable;  // serialization, deadlock
  if (state.starts_with("08") || state.starts_with("57") || state.starts_with("53") ||
      state == "55P03" || state == "25P03" || state == "25006") {
    // The connection, the server going down, out of resources, a lock not had in time, a
    // transaction idle too long, a write on a standby: nothing was written, try again.
    return Errc::Unavailable;
  }
  return Errc::Internal;
}

bool is_postgres_url(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

// --- Statement ---------------------------------------------------------------------------------

PgStatement::PgStatement(PgDatabase& db, std::string sql, std::vector<bool> used)
    : db_(db), sql_(std::move(sql)), parameters_(used.size()), used_(std::move(used)) {}

PgStatement::~PgStatement() {
  if (result_) PQclear(result_);
}

void PgStatement::reset() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  rows_ = 0;
  executed_ = false;
  changes_ = 0;
  bind_error_.clear();
  for (auto& p : parameters_) {
    p.kind = Kind::Null;
    p.value.clear();
  }
}

bool PgStatement::set(int index, Kind kind, std::string value) {
  if (index < 1 || static_cast<std::size_t>(index) > parameters_.size()) {
    if (bind_error_.empty()) {
      bind_error_ = fmt::format("parameter {} of a statement with {}", index, parameters_.size());
    }
    return false;
  }
  auto& p = parameters_[static_cast<std::size_t>(index - 1)];
  p.kind = kind;
  p.value = std::move(value);
  return true;
}

void PgStatement::bind_int64(int index, std::int64_t value) {
  set(index, Kind::Int, std::to_string(value));
}

void PgStatement::bind_text(int index, std::string_view text) {
  set(index, Kind::Text, std::string{text});
}

void PgStatement::bind_blob(int index, std::string_view bytes) {
  set(index, Kind::Bytes, std::string{bytes});
}

void PgStatement::bind_null(int index) {
  set(index, Kind::Null, {});
}

Result<bool> PgStatement::execute() {
  if (!bind_error_.empty()) {
    return make_error(Errc::Internal, fmt::format("binding {}: {}", bind_error_, sql_));
  }
  // Outside a transaction, a connection found broken is opened again and the statement sent
  // once more: what was sent on a dead connection never ran, and the only statements this
  // program runs outside a transaction open one (or only read).
  bool const outside_transaction = !db_.in_transaction();
  auto ran = execute_once();
  if (!ran && outside_transaction && db_.broken()) ran = execute_once();
  return ran;
}

std::string PgStatement::signature() const {
  std::string out;
  out.reserve(parameters_.size());
  for (auto const& p : parameters_) out += static_cast<char>(p.kind);
  return out;
}

std::vector<unsigned> PgStatement::types() const {
  std::vector<unsigned> out;
  out.reserve(parameters_.size());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    auto const kind = parameters_[i].kind;
    // A null the server infers the type of from where it stands; one the text never names has
    // nowhere to stand, and any type does.
    out.push_back(kind == Kind::Int     ? kInt8
                  : kind == Kind::Text  ? kText
                  : kind == Kind::Bytes ? kBytea
                  : used_[i]            ? Oid{0}
                                        : kText);
  }
  return out;
}

PgStatement::Wire PgStatement::wire() const {
  Wire w;
  w.values.reserve(parameters_.size());
  w.lengths.reserve(parameters_.size());
  w.formats.reserve(parameters_.size());
  for (auto const& p : parameters_) {
    w.values.push_back(p.kind == Kind::Null ? nullptr : p.value.c_str());
    w.lengths.push_back(static_cast<int>(p.value.size()));
    w.formats.push_back(p.kind == Kind::Bytes ? 1 : 0);
  }
  return w;
}

Status PgStatement::send() {
  if (!bind_error_.empty()) {
    return make_error(Errc::Internal, fmt::format("binding {}: {}", bind_error_, sql_));
  }
  auto conn = db_.usable();
  if (!conn) return conn.error();
  if (!db_.in_pipeline() && PQenterPipelineMode(*conn) != 1) {
    return db_.error(nullptr, "entering the pipeline");
  }
  auto const kinds = signature();
  auto named = prepared_.find(kinds);
  std::string prepared_as;
  if (named == prepared_.end()) {
    // Prepared in the pipeline too, ahead of its first use.
    auto name = db_.next_statement_name();
    auto const parameter_types = types();
    if (PQsendPrepare(*conn, name.c_str(), sql_.c_str(), static_cast<int>(parameter_types.size()),
                      parameter_types.data()) != 1) {
      return db_.error(nullptr, fmt::format("preparing `{}`", sql_));
    }
    named = prepared_.emplace(kinds, std::move(name)).first;
    prepared_as = kinds;
  }
  auto const w = wire();
  if (PQsendQueryPrepared(*conn, named->second.c_str(), static_cast<int>(w.values.size()),
                          w.values.data(), w.lengths.data(), w.formats.data(), 0) != 1) {
    return db_.error(nullptr, sql_);
  }
  db_.sent(this, std::move(prepared_as));
  return ok();
}

Result<bool> PgStatement::execute_once() {
  // What was sent before must be answered first: its failure is this one's.
  if (auto settled = db_.settle(); !settled) return settled.error();
  auto conn = db_.usable();
  if (!conn) return conn.error();
  auto const kinds = signature();
  auto named = prepared_.find(kinds);
  if (named == prepared_.end()) {
    auto const parameter_types = types();
    auto name = db_.next_statement_name();
    PGresult* made = PQprepare(*conn, name.c_str(), sql_.c_str(),
                               static_cast<int>(parameter_types.size()), parameter_types.data());
    bool const prepared = made && PQresultStatus(made) == PGRES_COMMAND_OK;
    auto failure = prepared ? Error{} : db_.error(made, fmt::format("preparing `{}`", sql_));
    PQclear(made);
    db_.note_status();
    if (!prepared) return failure;
    named = prepared_.emplace(kinds, std::move(name)).first;
  }
  auto const w = wire();
  result_ = PQexecPrepared(*conn, named->second.c_str(), static_cast<int>(w.values.size()),
                           w.values.data(), w.lengths.data(), w.formats.data(), 0);
  db_.note_status();
  auto const status = result_ ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    auto failure = db_.error(result_, sql_);
    PQclear(result_);
    result_ = nullptr;
    return failure;
  }
  rows_ = status == PGRES_TUPLES_OK ? PQntuples(result_) : 0;
  changes_ = rows_written(result_, sql_);
  db_.count_changes(changes_);
  return true;
}

Result<bool> PgStatement::step() {
  if (!executed_) {
    auto ran = execute();
    if (!ran) return ran.error();
    executed_ = true;
    row_ = -1;
  }
  if (row_ + 1 < rows_) {
    ++row_;
    return true;
  }
  return false;
}

bool PgStatement::is_null(int column) const {
  return PQgetisnull(result_, row_, column) != 0;
}

std::int64_t PgStatement::int64(int column) const {
  char const* value = PQgetvalue(result_, row_, column);
  // A truth value (EXISTS, a comparison) reads as SQLite gives it: 1 or 0.
  if (value && value[0] == 't' && value[1] == '\0') return 1;
  if (value && value[0] == 'f' && value[1] == '\0') return 0;
  std::int64_t number = 0;
  if (value) std::from_chars(value, value + PQgetlength(result_, row_, column), number);
  return number;
}

std::string PgStatement::text(int column) const {
  char const* value = PQgetvalue(result_, row_, column);
  return value ? std::string{value, static_cast<std::size_t>(PQgetlength(result_, row_, column))}
               : std::string{};
}

std::string PgStatement::blob(int column) const {
  auto const* value = reinterpret_cast<unsigned char const*>(PQgetvalue(result_, row_, column));
  if (!value) return {};
  std::size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(value, &length);
  if (!bytes) return {};
  std::string out{reinterpret_cast<char const*>(bytes), length};
  PQfreemem(bytes);
  return out;
}

// --- Database ----------------------------------------------------------------------------------

Result<std::unique_ptr<PgDatabase>> PgDatabase::open(std::string const& conninfo) {
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (!conn) return make_error(Errc::Unavailable, "cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<PgDatabase> db{new PgDatabase(conn, conninfo)};
  if (PQstatus(conn) != CONNECTION_OK) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot connect to PostgreSQL: {}", PQerrorMessage(conn)));
  }
  if (auto s = configure(conn); !s) return s.error();
  return db;
}

PgDatabase::~PgDatabase() {
  cache_.clear();
  if (conn_) PQfinish(conn_);
}

Status PgDatabase::configure(pg_conn* conn) {
  PGresult* result = PQexec(conn, kSessionSettings);
  bool const done = result && PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string const message = done ? "" : PQerrorMessage(conn);
  PQclear(result);
  if (!done) return make_error(Errc::Unavailable, fmt::format("configuring the session: {}", message));
  return ok();
}

Result<pg_conn*> PgDatabase::usable() {
  if (PQstatus(conn_) == CONNECTION_OK) return conn_;
  if (broken_in_transaction_) {
    return make_error(Errc::Unavailable,
                      "the connection to PostgreSQL broke during a transaction; it was undone");
  }
  // Broken while no transaction was open: open it again (any of the URI's hosts that takes
  // writes, after a standby's promotion), and prepare the statements afresh.
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return make_error(Errc::Unavailable,
                      fmt::format("the connection to PostgreSQL broke: {}", PQerrorMessage(conn_)));
  }
  if (auto s = configure(conn_); !s) return s.error();
  for (auto& [sql, statement] : cache_) statement->forget_prepared();
  ++reconnections_;
  return conn_;
}

std::string PgDatabase::next_statement_name() {
  return fmt::format("j{}", ++statement_names_);
}

void PgDatabase::note_status() {
  auto const status = PQtransactionStatus(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    if (was_in_transaction_) broken_in_transaction_ = true;
    return;
  }
  was_in_transaction_ = status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
                        status == PQTRANS_ACTIVE;
}

Status PgDatabase::exec(std::string_view sql) {
  if (broken_in_transaction_ && starts_with_word(sql, "ROLLBACK")) {
    // The transaction died with the connection: there is nothing left to undo.
    broken_in_transaction_ = false;
    was_in_transaction_ = false;
    return ok();
  }
  // As a statement does (PgStatement::execute): outside a transaction, once more on a
  // connection opened again.
  bool const outside_transaction = !in_transaction();
  auto done = exec_once(sql);
  if (!done && outside_transaction && broken()) done = exec_once(sql);
  return done;
}

Status PgDatabase::exec_once(std::string_view sql) {
  if (auto settled = settle(); !settled) return settled;
  auto conn = usable();
  if (!conn) return conn.error();
  std::string const text{sql};
  PGresult* result = PQexec(*conn, text.c_str());
  auto const status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  bool const done = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  auto failure = done ? Error{} : error(result, text);
  PQclear(result);
  note_status();
  if (!done) return failure;
  return ok();
}

Result<Statement> PgDatabase::prepare(std::string_view sql) {
  std::string key{sql};
  if (auto it = cache_.find(key); it != cache_.end()) return Statement{it->second.get()};
  std::vector<bool> used;
  auto rendered = postgres_parameters(render_marks(Dialect::Postgres, sql), nullptr, &used);
  auto const kept =
      cache_.emplace(std::move(key),
                     std::make_unique<PgStatement>(*this, std::move(rendered), std::move(used)))
          .first;
  return Statement{kept->second.get()};
}

void PgDatabase::sent(PgStatement* statement, std::string prepared_as) {
  pending_.push_back(Pending{statement, std::move(prepared_as)});
}

Status PgDatabase::settle() {
  if (pending_.empty()) {
    // Entered, and nothing in it (what was to be sent failed to go): left at once.
    if (conn_ && PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) (void)PQexitPipelineMode(conn_);
    return ok();
  }
  std::vector<Pending> pending;
  pending.swap(pending_);
  Status first_failure = ok();
  auto const fail = [&](Error error) {
    if (first_failure) first_failure = std::move(error);
  };
  if (PQpipelineSync(conn_) != 1) {
    fail(error(nullptr, "sending the pipeline"));
  } else {
    // Each statement's answers, in the order they were sent: its preparation's (when sent with
    // it), then its own; each followed by a null; then the pipeline's end.
    for (auto const& entry : pending) {
      for (int answer = entry.prepared_as.empty() ? 1 : 0; answer < 2; ++answer) {
        PGresult* result = PQgetResult(conn_);
        if (!result) {
          fail(error(nullptr, "reading the pipeline's answers"));
          break;
        }
        auto const status = PQresultStatus(result);
        if (status == PGRES_FATAL_ERROR) {
          fail(error(result, answer == 0 ? "preparing a statement sent in the pipeline"
                                         : "a statement sent in the pipeline"));
          if (answer == 0) entry.statement->forget_prepared(entry.prepared_as);
        } else if (status == PGRES_PIPELINE_ABORTED) {
          if (answer == 0) entry.statement->forget_prepared(entry.prepared_as);
          fail(make_error(Errc::Internal, "a statement sent in the pipeline was not run"));
        } else if (answer == 1) {
          count_changes(rows_written(result, entry.statement->sql()));
        }
        PQclear(result);
        while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);  // to the null
      }
    }
    for (;;) {
      PGresult* result = PQgetResult(conn_);
      if (!result) {
        if (PQstatus(conn_) != CONNECTION_OK) break;
        continue;
      }
      bool const end = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
      PQclear(result);
      if (end) break;
    }
  }
  if (PQstatus(conn_) == CONNECTION_OK) (void)PQexitPipelineMode(conn_);
  note_status();
  return first_failure;
}

bool PgDatabase::broken() const {
  return PQstatus(conn_) != CONNECTION_OK;
}

bool PgDatabase::in_transaction() const {
  if (broken_in_transaction_) return true;  // until the caller rolls it back
  auto const status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool PgDatabase::transaction_failed() const {
  return broken_in_transaction_ || PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Error PgDatabase::error(pg_result const* result, std::string_view context) const {
  if (PQstatus(conn_) != CONNECTION_OK) {
    return make_error(Errc::Unavailable,
                      fmt::format("{}: the connection to PostgreSQL broke: {}", context,
                                  PQerrorMessage(conn_)));
  }
  char const* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return engine_error(state ? errc_for_sqlstate(state) : Errc::Unavailable, context, message);
}

}  // namespace joldama::storage
