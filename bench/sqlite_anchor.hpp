#pragma once
// The anchor that the write benchmark is measured against: what a plain design, one transaction
// per request, can do on this machine. It runs the very command the write benchmark sends (a
// doctor registers a referral, and the answer's view is read in the same transaction) straight
// on the engine, one client: on SQLite with the house settings (WAL, synchronous=FULL), BEGIN
// IMMEDIATE, the command, COMMIT; on PostgreSQL BEGIN, the command, COMMIT (synchronous_commit
// on); one after another, each durable before the next begins.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/icd10.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/model.hpp"
#include "workflow/result.hpp"

namespace joldama::bench {

struct AnchorReport {
  std::int64_t transactions = 0;
  double seconds = 0;
  double per_second = 0;
  double p99_ms = 0;
};

// Against a bureau made by generate_bureau (it needs the demo's "doctor"); adds a pool of
// patients, untimed, then the referrals it registers, each for a new (patient, profile).
Result<AnchorReport> run_sqlite_anchor(std::string const& db,
                                       std::chrono::milliseconds duration,
                                       WorkingCalendar const& calendar,
                                       Icd10Catalogue const& icd10,
                                       DeadlinePolicy const& policy);

// The same for the planned route's confirmations: `hospital_login`'s staff confirm the bookings
// (made by joldama-bench bookings) that still wait, one durable transaction each.
Result<AnchorReport> run_confirm_anchor(std::string const& db,
                                        std::chrono::milliseconds duration,
                                        std::vector<Id> const& bookings,
                                        std::string const& hospital_login,
                                        WorkingCalendar const& calendar,
                                        Icd10Catalogue const& icd10,
                                        DeadlinePolicy const& policy);

}  // namespace joldama::bench
