#include "bench/bench_bureau.hpp"

#include <fmt/format.h>

#include "storage/engine.hpp"

namespace joldama::bench {

BenchBureau::BenchBureau(std::unique_ptr<storage::Database> db, WorkingCalendar const& calendar,
                         Icd10Catalogue const& icd10, DeadlinePolicy const& policy)
    : db_(std::move(db)),
      store_(*db_),
      workflow_(clock_, calendar, icd10, policy),
      lookup_(clock_) {}

Result<std::unique_ptr<BenchBureau>> BenchBureau::open(std::string const& location,
                                                       WorkingCalendar const& calendar,
                                                       Icd10Catalogue const& icd10,
                                                       DeadlinePolicy const& policy) {
  auto db = storage::connect(location);
  if (!db) return db.error();
  return std::make_unique<BenchBureau>(std::move(*db), calendar, icd10, policy);
}

Result<Actor> BenchBureau::actor(std::string_view login) {
  auto user = store_.find_user_by_login(login);
  if (!user) return user.error();
  if (!*user) return make_error(Errc::NotFound, fmt::format("the bureau has no user `{}`", login));
  return (*user)->actor();
}

}  // namespace joldama::bench
