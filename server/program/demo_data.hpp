#pragma once
// The demo bureau of the contract: users of every role, hospitals and polyclinics, quotas for
// every region × profile, and referrals in many states, created through the real workflow (so
// the audit chain, quota counters and deadlines are what real use would leave).

#include <string>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/icd10.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/ports.hpp"

namespace joldama::server {

inline constexpr char const* kDemoPassword = "joldama-demo";

struct DemoLogin {
  std::string login;
  std::string role;
  std::string where;
};

std::vector<DemoLogin> demo_logins();

// Fills an empty database; returns false (and changes nothing) when it already holds users or
// referrals.
Result<bool> seed_demo(Transactor& writer, Reader& reader, Clock const& clock,
                       WorkingCalendar const& calendar, Icd10Catalogue const& icd10,
                       DeadlinePolicy const& policy);

}  // namespace joldama::server
