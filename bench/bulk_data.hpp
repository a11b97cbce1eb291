#pragma once
// A bureau of realistic size for the benchmarks and the torture test: the demo bureau, plus a
// polyclinic with a doctor and a commission in every region, a user at every demo hospital,
// and `referrals` referrals, each with its own patient, taken through the real workflow to the
// states a working bureau holds (most treated, the rest spread over every step) over the last
// `days` days. Commands go straight to the single writer, without HTTP, many to a commit, so a
// million referrals take minutes; the audit chain, the quota counters, the deadlines and the
// overdue marks are exactly what real use would have left.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "workflow/calendar.hpp"
#include "workflow/icd10.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/ports.hpp"

namespace joldama::bench {

struct BulkOptions {
  std::int64_t referrals = 10'000;
  int days = 120;                // how far back the oldest referral starts
  std::uint64_t seed = 2026;     // the same seed gives the same bureau
  std::size_t in_flight = 4096;  // commands queued at the writer at a time
};

struct BulkReport {
  std::int64_t referrals = 0;
  std::int64_t commands = 0;
  // Steps that no longer applied (a referral the quota sent to the waitlist stops there).
  std::int64_t skipped_steps = 0;
  // Failures other than those, by message: a healthy run has none.
  std::map<std::string, std::int64_t> failures;
  std::map<State, std::int64_t> by_state;
};

// Called now and then with the referrals whose commands have all been queued.
using BulkProgress = std::function<void(std::int64_t queued, std::int64_t total)>;

// Fills an empty database. `now` is when the bureau is looked at: every step happens before it.
Result<BulkReport> generate_bureau(Transactor& writer, Reader& reader, Timestamp now,
                                   WorkingCalendar const& calendar, Icd10Catalogue const& icd10,
                                   DeadlinePolicy const& policy, BulkOptions const& options,
                                   BulkProgress const& progress = {});

}  // namespace joldama::bench
