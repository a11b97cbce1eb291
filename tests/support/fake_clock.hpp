#pragma once
// Instants and dates written as text, and the clock a test moves by hand.

#include <cstdlib>
#include <string_view>

#include "workflow/time.hpp"

namespace joldama::testing {

// The instant written in ISO 8601, for readable tests; aborts the test binary on a typo.
inline Timestamp at(std::string_view iso) {
  auto const t = parse_timestamp(iso);
  if (!t) std::abort();
  return *t;
}

inline Date day(std::string_view iso_date) {
  auto const d = parse_date(iso_date);
  if (!d) std::abort();
  return *d;
}

// A clock the test moves by hand.
using FakeClock = ManualClock;

}  // namespace joldama::testing
