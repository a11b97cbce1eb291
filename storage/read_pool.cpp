#include "storage/read_pool.hpp"

#include <fmt/format.h>

#include <exception>

#include "storage/migrations.hpp"

namespace joldama::storage {

Result<std::unique_ptr<ReadPool>> ReadPool::open(std::filesystem::path const& path,
                                                 std::size_t connections,
                                                 AuditKeys const* keys) {
  std::unique_ptr<ReadPool> pool{new ReadPool};
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadOnly);
    if (!db) return db.error();
    pool->idle_.push_back(std::make_unique<Connection>(std::move(*db), pool->listings_, keys));
  }
  // Refuse a database the writer has not brought to this program's schema.
  Status checked = pool->read([](StoreReads&) { return ok(); });
  if (!checked) return checked.error();
  auto& db = pool->idle_.front()->db;
  auto version = db.prepare("PRAGMA user_version");
  if (!version) return version.error();
  auto row = version->step();
  if (!row) return row.error();
  if (!*row || version->int32(0) != schema_version()) {
    return make_error(Errc::Unavailable, fmt::format("the database {} is not at schema version {}",
                                                     path.string(), schema_version()));
  }
  return pool;
}

Status ReadPool::read(Work const& work) {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock{mutex_};
    returned_.wait(lock, [&] { return !idle_.empty(); });
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  Status result = connection->db.run("BEGIN");
  if (result) {
    try {
      result = work(connection->store);
    } catch (std::exception const& e) {
      result = make_error(Errc::Internal, fmt::format("a query failed: {}", e.what()));
    }
    // A read changes nothing; ending it releases the snapshot.
    (void)connection->db.run("ROLLBACK");
  }
  {
    std::lock_guard lock{mutex_};
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
  return result;
}

}  // namespace joldama::storage
