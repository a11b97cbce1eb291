#include "storage/read_pool.hpp"

#include <fmt/format.h>

#include <exception>

#include "storage/migrations.hpp"
#include "storage/postgres.hpp"
#include "storage/sqlite.hpp"

namespace joldama::storage {

Result<std::unique_ptr<ReadPool>> ReadPool::open(std::filesystem::path const& path,
                                                 std::size_t connections,
                                                 AuditKeys const* keys) {
  std::unique_ptr<ReadPool> pool{new ReadPool};
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadOnly);
    if (!db) return db.error();
    pool->idle_.push_back(std::make_unique<Connection>(
        std::make_unique<SqliteDatabase>(std::move(*db)), pool->listings_, keys));
  }
  if (auto s = pool->check_schema(path.string()); !s) return s.error();
  return pool;
}

Result<std::unique_ptr<ReadPool>> ReadPool::open_postgres(std::string const& conninfo,
                                                          std::size_t connections,
                                                          AuditKeys const* keys) {
  std::unique_ptr<ReadPool> pool{new ReadPool};
  // A snapshot of the whole read, and a read that cannot write.
  pool->begin_ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    auto db = PgDatabase::open(conninfo);
    if (!db) return db.error();
    pool->idle_.push_back(std::make_unique<Connection>(std::move(*db), pool->listings_, keys));
  }
  if (auto s = pool->check_schema("the PostgreSQL database"); !s) return s.error();
  return pool;
}

Status ReadPool::check_schema(std::string const& name) {
  Status checked = read([](StoreReads&) { return ok(); });
  if (!checked) return checked.error();
  auto version = stored_schema_version(*idle_.front()->db);
  if (!version) return version.error();
  if (*version != schema_version()) {
    return make_error(Errc::Unavailable,
                      fmt::format("{} is at schema version {}, not {}", name, *version,
                                  schema_version()));
  }
  return ok();
}

Status ReadPool::read(Work const& work) {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock{mutex_};
    returned_.wait(lock, [&] { return !idle_.empty(); });
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  Status result = connection->db->run(begin_);
  if (result) {
    try {
      result = work(connection->store);
    } catch (std::exception const& e) {
      result = make_error(Errc::Internal, fmt::format("a query failed: {}", e.what()));
    }
  }
  // A read changes nothing; ending it releases the snapshot (and, on PostgreSQL, a transaction
  // a failed statement spoiled, or one whose connection broke).
  if (connection->db->in_transaction()) (void)connection->db->exec("ROLLBACK");
  {
    std::lock_guard lock{mutex_};
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
  return result;
}

}  // namespace joldama::storage
