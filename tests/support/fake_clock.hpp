#pragma once
// A clock the test moves by hand. Thread-safe.

#include <atomic>
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

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : millis_(to_millis(start)) {}
  Timestamp now() const override { return from_millis(millis_.load()); }
  void set(Timestamp t) { millis_.store(to_millis(t)); }
  template <class Duration>
  void advance(Duration d) {
    millis_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }

 private:
  std::atomic<std::int64_t> millis_;
};

}  // namespace joldama::testing
