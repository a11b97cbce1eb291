// The notice rules: which transition tells whom.

#include "workflow/notices.hpp"

#include <gtest/gtest.h>

#include "workflow/transition_table.hpp"

namespace joldama {
namespace {

std::vector<std::pair<NoticeKind, Audience>> due(Action action, Role by, State to) {
  std::vector<std::pair<NoticeKind, Audience>> out;
  for (auto const& d : notices_for(action, by, to)) out.emplace_back(d.kind, d.audience);
  return out;
}

using Due = std::vector<std::pair<NoticeKind, Audience>>;

TEST(Notices, EachEventTellsThePeopleWhoseWorkItIs) {
  EXPECT_EQ(due(Action::Submit, Role::Doctor, State::CommissionReview),
            (Due{{NoticeKind::ReferralArrived, Audience::RegionCommission}}));
  EXPECT_EQ(due(Action::RequestInfo, Role::Commission, State::InfoRequested),
            (Due{{NoticeKind::InfoRequested, Audience::ReferringDoctor}}));
  EXPECT_EQ(due(Action::Approve, Role::Commission, State::RepublicanReview),
            (Due{{NoticeKind::DecisionMade, Audience::ReferringDoctor},
                 {NoticeKind::ReferralArrived, Audience::Republican}}));
  EXPECT_EQ(due(Action::Approve, Role::Republican, State::TalonIssued),
            (Due{{NoticeKind::DecisionMade, Audience::ReferringDoctor},
                 {NoticeKind::TalonArrived, Audience::ReceivingHospital}}));
  EXPECT_EQ(due(Action::Approve, Role::Republican, State::Waitlisted),
            (Due{{NoticeKind::DecisionMade, Audience::ReferringDoctor}}));
  EXPECT_EQ(due(Action::Book, Role::Doctor, State::BookingRequested),
            (Due{{NoticeKind::BookingArrived, Audience::ReceivingHospital}}));
  EXPECT_EQ(due(Action::Promote, Role::System, State::TalonIssued),
            (Due{{NoticeKind::Promoted, Audience::ReferringDoctor},
                 {NoticeKind::Promoted, Audience::ReceivingHospital}}));
  EXPECT_EQ(due(Action::Reject, Role::Commission, State::Rejected),
            (Due{{NoticeKind::DecisionMade, Audience::ReferringDoctor}}));
}

TEST(Notices, TheDoctorsOwnStepsAndTheSweepsTellNobodyButTheirQueues) {
  EXPECT_TRUE(due(Action::Cancel, Role::Doctor, State::Cancelled).empty());
  EXPECT_TRUE(due(Action::Expire, Role::System, State::Expired).empty());
  EXPECT_TRUE(due(Action::Admit, Role::Hospital, State::Admitted).empty());
  EXPECT_TRUE(due(Action::Discharge, Role::Hospital, State::Completed).empty());
}

// Every rule can fire: some row of the transition table matches it.
TEST(Notices, EveryRuleMatchesARowOfTheTransitionTable) {
  for (auto const& rule : notice_rules()) {
    bool matched = false;
    for (auto const& row : transition_table()) {
      if (!rule.actions.empty() && !rule.actions.contains(row.action)) continue;
      if (!rule.by.empty() && !rule.by.contains(row.role)) continue;
      if (!rule.to.empty() && !rule.to.contains(row.to)) continue;
      matched = true;
    }
    EXPECT_TRUE(matched) << to_string(rule.kind);
  }
}

// Whoever's deadline a step has is reminded of it: no state with a working-day deadline is
// nobody's.
TEST(Notices, EveryStepWithADeadlineHasSomeoneWhoMustAct) {
  auto const with_deadlines = states_with_working_day_deadlines();
  for (State state : all_values<State>()) {
    if (with_deadlines.contains(state)) {
      EXPECT_TRUE(who_must_act(state).has_value()) << to_string(state);
    }
  }
  EXPECT_EQ(who_must_act(State::InfoRequested), Audience::ReferringDoctor);
  EXPECT_EQ(who_must_act(State::BookingRequested), Audience::ReceivingHospital);
  EXPECT_FALSE(who_must_act(State::Completed).has_value());
}

}  // namespace
}  // namespace joldama
