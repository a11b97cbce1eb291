#pragma once
// Time in Joldama: instants are UTC milliseconds; calendar dates and working days are reckoned
// in Kazakhstan's single time zone, UTC+5 (since 1 March 2024). Nothing here reads the system
// clock: the current time always comes from an injected Clock.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace joldama {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using Date = std::chrono::sys_days;

inline constexpr std::chrono::hours kKazakhstanUtcOffset{5};

// The source of "now". Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

std::int64_t to_millis(Timestamp t);
Timestamp from_millis(std::int64_t millis);

// A clock that shows what it was last set to: for a scripted past (the demo data, the
// benchmarks' generator) and for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : millis_(to_millis(start)) {}
  Timestamp now() const override { return from_millis(millis_.load()); }
  void set(Timestamp t) { millis_.store(to_millis(t)); }
  template <class Duration>
  void advance(Duration d) {
    millis_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }

 private:
  std::atomic<std::int64_t> millis_;
};

// The calendar date in Kazakhstan at instant `t`.
Date local_date(Timestamp t);
// 00:00:00.000 and 23:59:59.999 of `d` in Kazakhstan.
Timestamp start_of_local_day(Date d);
Timestamp end_of_local_day(Date d);
int year_of(Date d);

// "YYYY-MM-DD".
std::string format_date(Date d);
// Strict "YYYY-MM-DD" of a real calendar date (no 30 February), years 1900..2999.
std::optional<Date> parse_date(std::string_view text);

// ISO 8601 in Kazakhstan time with its offset, to the second: "2026-11-22T14:05:09+05:00".
std::string format_timestamp(Timestamp t);

// The same text in a buffer of its own, for the many timestamps of a worklist.
struct TimestampText {
  char text[25];
  std::string_view view() const { return {text, sizeof text}; }
};
TimestampText timestamp_text(Timestamp t);
// ISO 8601 / RFC 3339 with a required offset ("Z" or "+HH:MM"); seconds and fractions optional.
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace joldama
