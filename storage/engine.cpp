#include "storage/engine.hpp"

#include "storage/postgres.hpp"
#include "storage/sqlite.hpp"

namespace joldama::storage {

bool names_postgres(std::string const& location) {
  return is_postgres_url(location);
}

Result<std::unique_ptr<Writer>> open_writer(std::string const& location, WriterOptions options) {
  return names_postgres(location) ? Writer::start_postgres(location, options)
                                  : Writer::start(location, options);
}

Result<std::unique_ptr<ReadPool>> open_read_pool(std::string const& location,
                                                 std::size_t connections,
                                                 AuditKeys const* keys) {
  return names_postgres(location) ? ReadPool::open_postgres(location, connections, keys)
                                  : ReadPool::open(location, connections, keys);
}

Result<std::unique_ptr<Database>> connect(std::string const& location, Access access) {
  if (names_postgres(location)) {
    auto db = PgDatabase::open(location);
    if (!db) return db.error();
    if (access == Access::ReadOnly) {
      if (auto s = (*db)->exec("SET default_transaction_read_only = on"); !s) return s.error();
    }
    return std::unique_ptr<Database>{std::move(*db)};
  }
  auto db = SqliteDatabase::open(location, access == Access::ReadOnly
                                               ? SqliteDatabase::Access::ReadOnly
                                               : SqliteDatabase::Access::ReadWrite);
  if (!db) return db.error();
  return std::unique_ptr<Database>{std::make_unique<SqliteDatabase>(std::move(*db))};
}

}  // namespace joldama::storage
