#include "workflow/time.hpp"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.hpp"

namespace joldama {
namespace {

using testing::at;
using testing::day;

TEST(Time, LocalDatesAreReckonedInUtcPlusFive) {
  // 19:00 UTC is already midnight in Almaty.
  EXPECT_EQ(local_date(at("2026-03-20T18:59:59Z")), day("2026-03-20"));
  EXPECT_EQ(local_date(at("2026-03-20T19:00:00Z")), day("2026-03-21"));
  EXPECT_EQ(format_timestamp(start_of_local_day(day("2026-03-21"))), "2026-03-21T00:00:00+05:00");
  EXPECT_EQ(format_timestamp(end_of_local_day(day("2026-03-21"))), "2026-03-21T23:59:59+05:00");
  EXPECT_EQ(end_of_local_day(day("2026-03-21")) + std::chrono::milliseconds{1},
            start_of_local_day(day("2026-03-22")));
}

TEST(Time, TimestampsRoundTripWithAnyOffset) {
  EXPECT_EQ(format_timestamp(at("2026-11-22T09:05:07Z")), "2026-11-22T14:05:07+05:00");
  EXPECT_EQ(at("2026-11-22T14:05:07+05:00"), at("2026-11-22T09:05:07Z"));
  EXPECT_EQ(at("2026-11-22T12:05:07+03:00"), at("2026-11-22T09:05:07Z"));
  EXPECT_EQ(at("2026-11-22T09:05:07.250Z") - at("2026-11-22T09:05:07Z"),
            std::chrono::milliseconds{250});
  EXPECT_EQ(at("2026-11-22T14:05+05:00"), at("2026-11-22T09:05:00Z"));
}

TEST(Time, RefusesAmbiguousOrImpossibleInstants) {
  for (auto bad :
       {"2026-11-22T14:05:07", "2026-02-30T10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22",
        "2026-11-22T14:05:07+5:00", "2026-11-22T14:05:07Z junk", "tomorrow", ""}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

TEST(Time, DatesAreStrict) {
  EXPECT_EQ(format_date(day("2028-02-29")), "2028-02-29");
  for (auto bad :
       {"2026-02-29", "2026-13-01", "26-01-01", "2026-1-1", "2026-01-01T00:00", "1899-12-31"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace joldama
