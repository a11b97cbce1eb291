#include "storage/database.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace joldama::storage {

namespace {

// Steps `statement` to its end.
Status run_to_end(StatementImpl& statement) {
  for (;;) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) return ok();
  }
}

}  // namespace

Status StatementImpl::send() { return run_to_end(*this); }

Status Statement::run() { return run_to_end(*impl_); }

Status Database::run(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  return statement->run();
}

std::string render_marks(Dialect dialect, std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t at = 0;
  for (;;) {
    auto const open = sql.find("<<", at);
    if (open == std::string_view::npos) break;
    auto const close = sql.find(">>", open);
    if (close == std::string_view::npos) throw std::logic_error("a <<mark>> does not end");
    auto mark = sql.substr(open + 2, close - open - 2);
    std::string_view const names[] = {"sqlite:", "postgres:"};
    std::optional<Dialect> of;
    if (mark.starts_with(names[0])) of = Dialect::Sqlite;
    if (mark.starts_with(names[1])) of = Dialect::Postgres;
    out.append(sql.substr(at, open - at));
    if (!of) {
      out.append(sql.substr(open, close + 2 - open));  // not an engine's: left for the caller
    } else if (*of == dialect) {
      mark.remove_prefix(names[*of == Dialect::Sqlite ? 0 : 1].size());
      if (mark.starts_with(' ')) mark.remove_prefix(1);
      out.append(mark);
    }
    at = close + 2;
  }
  out.append(sql.substr(at));
  return out;
}

Error engine_error(Errc code, std::string_view context, std::string_view message) {
  if (code == Errc::StorageFull) {
    return make_error(code, fmt::format("the disk is full: nothing of this request was saved; "
                                        "try again later ({}: {})",
                                        context, message));
  }
  return make_error(code, fmt::format("{}: {}", context, message));
}

Result<std::int64_t> single_int64(Statement& statement) {
  auto row = statement.step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::Internal, "the statement gave no row");
  auto const value = statement.int64(0);
  // Ran to its end, so that the engine has done all of it (and counted its changes).
  if (auto rest = statement.run(); !rest) return rest.error();
  return value;
}

}  // namespace joldama::storage
