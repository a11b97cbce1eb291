#pragma once
// Read-only connections for queries, so that reads never wait for the writer (SQLite's WAL, and
// PostgreSQL's snapshots, let readers see the last commit while the writer works). Each read runs
// in one read-only transaction: a consistent snapshot.

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/database.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

class ReadPool final : public Reader {
 public:
  // Opens `connections` read-only connections to an existing, migrated SQLite file. `keys`,
  // when given, must outlive the pool: the audit chain is verified with them.
  static Result<std::unique_ptr<ReadPool>> open(std::filesystem::path const& path,
                                                std::size_t connections,
                                                AuditKeys const* keys = nullptr);
  // The same on a PostgreSQL database (a libpq URI).
  static Result<std::unique_ptr<ReadPool>> open_postgres(std::string const& conninfo,
                                                         std::size_t connections,
                                                         AuditKeys const* keys = nullptr);

  // Borrows a connection (waiting for one if all are busy) and runs `work` in a read
  // transaction on it.
  Status read(Work const& work) override;

 private:
  struct Connection {
    Connection(std::unique_ptr<Database> database, ListingCache& listings, AuditKeys const* keys)
        : db(std::move(database)), store(*db, &listings, keys) {}
    std::unique_ptr<Database> db;
    SqliteStore store;
  };

  ReadPool() = default;
  // Refuses a database the writer has not brought to this program's schema.
  Status check_schema(std::string const& name);

  // Worklist rows shared by the connections: about 20 MB at most.
  ListingCache listings_{20'000};
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::string_view begin_ = "BEGIN";
};

}  // namespace joldama::storage
