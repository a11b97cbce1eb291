#include "tests/support/test_engine.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "storage/engine.hpp"
#include "storage/postgres.hpp"

namespace joldama::testing {

namespace {

std::unique_ptr<storage::PgDatabase> maintenance() {
  auto db = storage::PgDatabase::open(postgres_cluster());
  if (!db) {
    throw std::runtime_error(fmt::format("the test cluster cannot be reached at {}: {}",
                                         postgres_cluster(), db.error().message));
  }
  return std::move(*db);
}

}  // namespace

bool on_postgres() {
  char const* engine = std::getenv("JOLDAMA_TEST_ENGINE");
  return engine && std::string_view{engine} == "postgres";
}

bool in_memory() {
  char const* engine = std::getenv("JOLDAMA_TEST_ENGINE");
  return engine && std::string_view{engine} == "memory";
}

std::string const& postgres_cluster() {
  static std::string const uri = [] {
    // As given, else the cluster ctest starts in the build folder (tests/CMakeLists.txt).
    char const* given = std::getenv("JOLDAMA_TEST_POSTGRES");
    if (given && *given) return std::string{given};
    return fmt::format("postgresql:///postgres?host={}/socket&user=joldama", JOLDAMA_TEST_CLUSTER);
  }();
  return uri;
}

std::string with_database(std::string const& uri, std::string const& name) {
  // postgresql://[who@][hosts]/DATABASE[?parameters]
  auto const hosts = uri.find("://");
  auto const slash = uri.find('/', hosts == std::string::npos ? 0 : hosts + 3);
  auto const query = uri.find('?');
  if (slash == std::string::npos) return uri + "/" + name;
  std::string out = uri.substr(0, slash + 1);
  out += name;
  if (query != std::string::npos) out += uri.substr(query);
  return out;
}

PostgresDatabase::PostgresDatabase(std::string const& copy_of) {
  static std::atomic<int> counter{0};
  name_ = fmt::format("joldama_test_{}_{}", ::getpid(), counter.fetch_add(1));
  auto db = maintenance();
  // The names are our own, never input.
  auto const create = copy_of.empty()
                          ? fmt::format("CREATE DATABASE {}", name_)
                          : fmt::format("CREATE DATABASE {} TEMPLATE {}", name_, copy_of);
  if (auto s = db->exec(create); !s) {
    throw std::runtime_error(fmt::format("creating {}: {}", name_, s.error().message));
  }
  uri_ = with_database(postgres_cluster(), name_);
}

PostgresDatabase::~PostgresDatabase() {
  try {
    (void)maintenance()->exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  } catch (...) {
    // The cluster went away first: nothing is left to drop.
  }
}

std::unique_ptr<storage::Database> open_database(std::string const& location) {
  auto db = storage::connect(location);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

std::unique_ptr<storage::Writer> start_writer(std::string const& location,
                                              storage::WriterOptions options) {
  auto writer = storage::open_writer(location, options);
  if (!writer) throw std::runtime_error(writer.error().message);
  return std::move(*writer);
}

void tamper_with_audit(std::string const& location, std::string const& sql) {
  auto db = open_database(location);
  auto const unguard = db->dialect() == storage::Dialect::Sqlite
                           ? "DROP TRIGGER IF EXISTS audit_is_append_only_update; "
                             "DROP TRIGGER IF EXISTS audit_is_append_only_delete;"
                           : "ALTER TABLE audit DISABLE TRIGGER USER";
  auto const unguarded = db->exec(unguard);
  ASSERT_TRUE(unguarded.has_value()) << unguarded.error().message;
  auto const done = db->exec(sql);
  EXPECT_TRUE(done.has_value()) << done.error().message;
}

}  // namespace joldama::testing
