#include "workflow/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/fake_clock.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

using testing::day;
using testing::kazakhstan_calendar;

TEST(Calendar, ShippedFileCoversTwentyTwentyFiveToTwentyTwentySeven) {
  auto const& calendar = kazakhstan_calendar();
  EXPECT_LE(calendar.first_year(), 2025);
  EXPECT_GE(calendar.last_year(), 2027);
}

TEST(Calendar, NauryzIsThreeDaysAndWeekendDaysAreCarriedOver) {
  auto const& calendar = kazakhstan_calendar();
  for (auto d : {"2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25"}) {
    EXPECT_FALSE(calendar.is_working_day(day(d))) << d;
  }
  EXPECT_TRUE(calendar.is_working_day(day("2026-03-20")));
  EXPECT_TRUE(calendar.is_working_day(day("2026-03-26")));
  // 2025: 21 March was a Friday; the Saturday and Sunday carry to Monday and Tuesday.
  EXPECT_FALSE(calendar.is_working_day(day("2025-03-21")));
  EXPECT_FALSE(calendar.is_working_day(day("2025-03-24")));
  EXPECT_FALSE(calendar.is_working_day(day("2025-03-25")));
  EXPECT_TRUE(calendar.is_working_day(day("2025-03-26")));
}

TEST(Calendar, NewYear) {
  auto const& calendar = kazakhstan_calendar();
  EXPECT_FALSE(calendar.is_working_day(day("2026-01-01")));
  EXPECT_FALSE(calendar.is_working_day(day("2026-01-02")));
  EXPECT_TRUE(calendar.is_working_day(day("2026-01-05")));
  EXPECT_FALSE(calendar.is_working_day(day("2026-01-07")));  // Orthodox Christmas
  // 2 January 2027 is a Saturday: Monday the 4th is off.
  EXPECT_FALSE(calendar.is_working_day(day("2027-01-04")));
}

TEST(Calendar, ADayMovedByOrderSwapsADayOffAndAWorkingDay) {
  auto const& calendar = kazakhstan_calendar();
  // 2025: the day off of Sunday 5 January moved to Friday 3 January, by an order of the Minister
  // of Labour (not a government decree).
  EXPECT_FALSE(calendar.is_working_day(day("2025-01-03")));
  EXPECT_TRUE(calendar.is_working_day(day("2025-01-05")));
  EXPECT_FALSE(calendar.is_working_day(day("2025-01-04")));
  EXPECT_NE(calendar.describe(day("2025-01-03")).find("order of the Minister of Labour"),
            std::string_view::npos);
}

TEST(Calendar, ConstitutionDayMovesFromThirtyAugustToFifteenMarchFrom2027) {
  auto const& calendar = kazakhstan_calendar();
  // The new Constitution, adopted by referendum on 15 March 2026: 30 August is no longer a
  // holiday from 2026, and 15 March is one from 2027.
  EXPECT_FALSE(calendar.is_working_day(day("2025-09-01")));  // 30 August 2025, carried over
  EXPECT_TRUE(calendar.is_working_day(day("2026-08-31")));   // a Monday like any other
  EXPECT_TRUE(calendar.is_working_day(day("2026-03-16")));
  EXPECT_FALSE(calendar.is_working_day(day("2027-03-15")));  // a Monday, Constitution Day
  EXPECT_TRUE(calendar.is_working_day(day("2027-08-30")));
  EXPECT_EQ(calendar.describe(day("2027-03-15")), "Constitution Day");
}

TEST(Calendar, ReligiousHolidaysOnAWeekendAreNotCarriedOver) {
  auto const& calendar = kazakhstan_calendar();
  EXPECT_FALSE(calendar.is_working_day(day("2026-05-27")));  // Kurban Ait, a Wednesday
  EXPECT_TRUE(calendar.is_working_day(day("2027-05-17")));   // the Monday after a Sunday Kurban Ait
}

TEST(Calendar, TenWorkingDaysFromAFridayBeforeAHoliday) {
  auto const& calendar = kazakhstan_calendar();
  // Friday 20 March 2026, the eve of Nauryz: the count starts on Thursday the 26th.
  EXPECT_EQ(calendar.add_working_days(day("2026-03-20"), 10), day("2026-04-08"));
  // Friday 12 December 2025, before Independence Day on Tuesday the 16th.
  EXPECT_EQ(calendar.add_working_days(day("2025-12-12"), 10), day("2025-12-29"));
  EXPECT_EQ(calendar.add_working_days(day("2026-03-20"), 0), day("2026-03-20"));
  EXPECT_EQ(calendar.add_working_days(day("2026-03-20"), 1), day("2026-03-26"));
}

TEST(Calendar, WorkingDaysBetweenCountsTheHalfOpenInterval) {
  auto const& calendar = kazakhstan_calendar();
  EXPECT_EQ(calendar.working_days_between(day("2026-03-20"), day("2026-04-08")), 10);
  EXPECT_EQ(calendar.working_days_between(day("2026-03-20"), day("2026-03-20")), 0);
  EXPECT_EQ(calendar.working_days_between(day("2026-04-08"), day("2026-03-20")), 0);
}

TEST(Calendar, OutsideTheFileOnlyWeekendsAreOff) {
  auto const& calendar = kazakhstan_calendar();
  EXPECT_FALSE(calendar.covers(day("2031-01-01")));
  EXPECT_TRUE(calendar.is_working_day(day("2031-01-01")));   // a Wednesday
  EXPECT_FALSE(calendar.is_working_day(day("2031-01-04")));  // a Saturday
}

TEST(Calendar, MalformedFilesAreRefusedNamingTheLine) {
  struct Case {
    char const* text;
    char const* line;
  };
  for (auto const& c :
       {Case{"2026-01-01 holiday x\n", "line 1"},
        Case{"covers 2026 2026\n2026-02-30 holiday x\n", "line 2"},
        Case{"covers 2026 2026\n2026-01-01 feast x\n", "line 2"},
        Case{"covers 2026 2026\n# note\n2026-01-05 workday x\n", "line 3"},
        Case{"covers 2026 2026\n2027-01-01 holiday x\n", "line 2"},
        Case{"covers 2026 2026\n2026-01-01 holiday a\n2026-01-01 dayoff b\n", "line 3"},
        Case{"covers 2027 2026\n", "line 1"}, Case{"# empty\n", "line 1"}}) {
    auto const parsed = WorkingCalendar::parse(c.text);
    ASSERT_FALSE(parsed.has_value()) << c.text;
    EXPECT_EQ(parsed.error().field, c.line) << c.text << parsed.error().message;
  }
}

TEST(Calendar, AMissingFileIsAClearError) {
  auto const loaded = WorkingCalendar::load("/nonexistent/calendar.txt");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("/nonexistent/calendar.txt"), std::string::npos);
}

TEST(Calendar, ADayOffAddedLeavesTheOriginalAloneAndCountsInEveryCopyMadeAfter) {
  WorkingCalendar calendar = kazakhstan_calendar();
  auto const tuesday = day("2026-03-03");
  auto const with = calendar.with_day_off(tuesday, "by order");
  EXPECT_TRUE(calendar.is_working_day(tuesday));
  EXPECT_FALSE(with.is_working_day(tuesday));
  // Monday 2 March + 1 working day: Tuesday, or Wednesday without it.
  EXPECT_EQ(calendar.add_working_days(day("2026-03-02"), 1), tuesday);
  EXPECT_EQ(with.add_working_days(day("2026-03-02"), 1), day("2026-03-04"));

  WorkingCalendar const before = calendar;
  calendar.announce_day_off(tuesday, "by order");
  EXPECT_FALSE(calendar.is_working_day(tuesday));
  EXPECT_TRUE(before.is_working_day(tuesday));
  EXPECT_EQ(calendar.describe(tuesday), "by order");
  WorkingCalendar const after = calendar;
  EXPECT_FALSE(after.is_working_day(tuesday));
}

TEST(Calendar, TheDaysOfAYearAreListedByDateWithTheirKind) {
  WorkingCalendar calendar = kazakhstan_calendar();
  calendar.announce_day_off(day("2026-03-03"), "by order");
  auto const days = calendar.days_of(2026);
  ASSERT_FALSE(days.empty());
  for (std::size_t i = 1; i < days.size(); ++i) EXPECT_LT(days[i - 1].date, days[i].date);
  for (auto const& d : days) EXPECT_EQ(year_of(d.date), 2026);
  auto const find = [&](char const* text) {
    return *std::find_if(days.begin(), days.end(), [&](CalendarDay const& d) { return d.date == day(text); });
  };
  EXPECT_EQ(find("2026-03-23").kind, CalendarDayKind::Holiday);
  EXPECT_FALSE(find("2026-03-23").announced);
  EXPECT_EQ(find("2026-03-03").kind, CalendarDayKind::DayOff);
  EXPECT_TRUE(find("2026-03-03").announced);
  EXPECT_TRUE(kazakhstan_calendar().days_of(1999).empty());
}

}  // namespace
}  // namespace joldama
