#include "storage/database.hpp"

namespace joldama::storage {

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return ok();
  }
}

Status Database::run(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  return statement->run();
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
