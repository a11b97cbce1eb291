#pragma once
// Planned bookings for the confirmation benchmark: referrals on the planned route, each booked
// by the demo's doctor at one hospital on one of the coming working days, waiting for that
// hospital's confirmation — made before the clock starts, so that the benchmark measures the
// confirmations alone.

#include <string>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/ports.hpp"
#include "workflow/services.hpp"

namespace joldama::bench {

struct Bookings {
  std::string hospital_login;  // whose staff confirm them
  std::vector<Id> referrals;   // each at version 2, booking_requested
};

// Books `count` planned referrals at `hospital_login`'s hospital, spread over its planned
// profiles and the coming working days, and publishes places enough for all of them.
Result<Bookings> prepare_bookings(Store& store, Workflow const& workflow,
                                  WorkingCalendar const& calendar, Actor const& doctor,
                                  std::string const& hospital_login, std::size_t count);

}  // namespace joldama::bench
