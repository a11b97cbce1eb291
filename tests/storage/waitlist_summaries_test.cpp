// The waitlists summed up, as storage keeps them (storage/sqlite_store_reports.cpp): one row per
// list, replaced whenever it changes, gone when it empties, and read in the four shapes the
// waiting report asks for.

#include <gtest/gtest.h>

#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::day;
using joldama::testing::TestBureau;

std::vector<std::string> names_of(std::vector<SummedWaitlist> const& lists) {
  std::vector<std::string> names;
  for (auto const& list : lists) names.push_back(list.region + " " + list.profile);
  return names;
}

TEST(WaitlistSummaries, AreKeptOneRowAListAndReadInTheReportsShapes) {
  TestBureau bureau;
  WaitlistSummary const three{3, day("2026-01-05"), day("2026-02-10")};
  WaitlistSummary const one{1, day("2026-02-01"), day("2026-02-01")};
  WaitlistSummary const four{4, day("2026-01-05"), day("2026-02-01")};
  auto const saved = bureau.write([&](Store& s) -> Status {
    for (auto const& list : {SummedWaitlist{"75", "oncology", three},
                             SummedWaitlist{"71", "oncology", one},
                             SummedWaitlist{"75", "*", three},
                             SummedWaitlist{"71", "*", one},
                             SummedWaitlist{"*", "oncology", four},
                             SummedWaitlist{"*", "*", four}}) {
      if (auto kept = s.save_waitlist(list); !kept) return kept;
    }
    return ok();
  });
  ASSERT_TRUE(saved) << saved.error().message;
  auto const read = [&](WaitlistSelection const& selection) {
    auto lists = bureau.read([&](StoreReads& s) { return s.read_waitlists(selection); });
    EXPECT_TRUE(lists.has_value());
    return lists ? *lists : std::vector<SummedWaitlist>{};
  };

  EXPECT_EQ(names_of(read({})), (std::vector<std::string>{"71 oncology", "75 oncology"}))
      << "each list of every region and profile, not their sums";
  EXPECT_EQ(names_of(read({"75", std::nullopt})), (std::vector<std::string>{"75 oncology"}));
  EXPECT_EQ(names_of(read({std::nullopt, "oncology"})),
            (std::vector<std::string>{"71 oncology", "75 oncology"}));
  EXPECT_EQ(names_of(read({"*", "*"})), (std::vector<std::string>{"* *"}));
  EXPECT_EQ(names_of(read({"75", "*"})), (std::vector<std::string>{"75 *"}));
  auto const country = read({"*", "*"});
  ASSERT_EQ(country.size(), 1u);
  EXPECT_EQ(country[0].summary, four);

  // A list that changes is replaced; one that empties is gone.
  WaitlistSummary const two{2, day("2026-01-05"), day("2026-03-01")};
  ASSERT_TRUE(bureau.write([&](Store& s) -> Status {
    if (auto kept = s.save_waitlist({"75", "oncology", two}); !kept) return kept;
    return s.save_waitlist({"71", "oncology", WaitlistSummary{}});
  }));
  auto const after = read({});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].summary, two);

  // A list with waiters has a longest and a median wait: storage refuses one without.
  auto const broken = bureau.write([&](Store& s) {
    return s.save_waitlist({"75", "cardiology", WaitlistSummary{2, std::nullopt, std::nullopt}});
  });
  ASSERT_FALSE(broken);
  EXPECT_EQ(read({"75", "cardiology"}).size(), 0u) << "nothing written";
}

}  // namespace
}  // namespace joldama::storage
