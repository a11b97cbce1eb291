#pragma once
// A bureau opened for a benchmark's own work straight on its database (a SQLite file or a
// PostgreSQL URI), without the server: the store, a workflow and lookups on the system clock, and
// the bureau's users as actors. The helpers that prepare a benchmark (patients, bookings) and the
// anchors (one transaction per request) share it.

#include <filesystem>
#include <memory>
#include <string_view>

#include "server/program/system_clock.hpp"
#include "storage/database.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/writer.hpp"
#include "workflow/lookup.hpp"
#include "workflow/services.hpp"

namespace joldama::bench {

class BenchBureau {
 public:
  static Result<std::unique_ptr<BenchBureau>> open(std::string const& location,
                                                   WorkingCalendar const& calendar,
                                                   Icd10Catalogue const& icd10,
                                                   DeadlinePolicy const& policy);

  storage::Database& db() { return *db_; }
  Store& store() { return store_; }
  Workflow const& workflow() const { return workflow_; }
  Lookup const& lookup() const { return lookup_; }

  // The user `login` as the actor of a command; NotFound naming the login.
  Result<Actor> actor(std::string_view login);

  // `work()` in one write transaction (the writers' lock taken, as a server's writer takes it),
  // rolled back when it fails.
  template <class Work>
  auto in_transaction(Work&& work) -> decltype(work()) {
    if (auto s = storage::begin_write(*db_); !s) return s.error();
    auto done = work();
    if (!done) {
      (void)db_->exec("ROLLBACK");
      return done;
    }
    if (auto s = db_->exec("COMMIT"); !s) return s.error();
    return done;
  }

  BenchBureau(std::unique_ptr<storage::Database> db, WorkingCalendar const& calendar,
              Icd10Catalogue const& icd10, DeadlinePolicy const& policy);
  BenchBureau(BenchBureau const&) = delete;
  BenchBureau& operator=(BenchBureau const&) = delete;

 private:
  std::unique_ptr<storage::Database> db_;
  storage::SqliteStore store_;
  server::SystemClock clock_;
  Workflow workflow_;
  Lookup lookup_;
};

}  // namespace joldama::bench
