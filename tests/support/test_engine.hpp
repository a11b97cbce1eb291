#pragma once
// The engine the tests run against. SQLite files by default; with JOLDAMA_TEST_ENGINE=memory,
// the in-memory fake of the ports, for the suites that reach storage only through them (the
// workflow's); with JOLDAMA_TEST_ENGINE=postgres,
// databases of a throwaway PostgreSQL cluster, a fresh database for each test: the one ctest
// starts in the build folder for the suites it runs on PostgreSQL (tests/CMakeLists.txt), or
// the one JOLDAMA_TEST_POSTGRES names (a libpq URI of its maintenance database; start one with
// scripts/postgres-cluster).

#include <memory>
#include <string>

#include "storage/database.hpp"
#include "storage/writer.hpp"

namespace joldama::testing {

// Whether this run of the suite is on PostgreSQL.
bool on_postgres();

// Whether this run of the suite is on the in-memory fake of the ports
// (JOLDAMA_TEST_ENGINE=memory, tests/support/memory_store.hpp): no database at all.
bool in_memory();

// The cluster's URI.
std::string const& postgres_cluster();

// `uri` naming the database `name` instead of the one it names.
std::string with_database(std::string const& uri, std::string const& name);

// A new database of the cluster, empty or a copy of the database `copy_of` (which nothing may be
// connected to), dropped (with whatever is still connected to it) when this goes.
class PostgresDatabase {
 public:
  explicit PostgresDatabase(std::string const& copy_of = "");
  ~PostgresDatabase();
  PostgresDatabase(PostgresDatabase const&) = delete;
  PostgresDatabase& operator=(PostgresDatabase const&) = delete;

  std::string const& uri() const { return uri_; }
  std::string const& name() const { return name_; }

 private:
  std::string name_;
  std::string uri_;
};

// A connection to `location`: a PostgreSQL URI, or a SQLite file opened to read and write.
std::unique_ptr<storage::Database> open_database(std::string const& location);

// The writer of the database at `location` (either engine), started.
std::unique_ptr<storage::Writer> start_writer(std::string const& location,
                                              storage::WriterOptions options = {});

// What an attacker with the database's keys to the kingdom could do: turn off the audit log's
// refusal of updates and deletes (SQLite's triggers dropped, PostgreSQL's disabled), then run
// `sql`. Fails the test if it cannot.
void tamper_with_audit(std::string const& location, std::string const& sql);

}  // namespace joldama::testing
