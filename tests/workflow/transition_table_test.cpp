// The code's transition table against the normative table of ../shared/domain.md, written out
// again here by hand so that a change to either shows up: row by row, and then every
// state × action × role through decide().

#include "workflow/transition_table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "tests/support/fake_clock.hpp"
#include "workflow/decide.hpp"

namespace joldama {
namespace {

using testing::at;
using testing::day;
using enum State;

struct NormativeRow {
  std::set<State> from;
  Action action;
  Role role;
  std::set<State> to;  // two targets where the quota decides
};

// The brief's table, transcribed.
std::vector<NormativeRow> const& normative_table() {
  static std::vector<NormativeRow> const rows = {
      {{Registered}, Action::Submit, Role::Doctor, {CommissionReview}},
      {{CommissionReview}, Action::ScheduleInPerson, Role::Commission, {InPersonScheduled}},
      {{CommissionReview, InPersonScheduled},
       Action::Approve,
       Role::Commission,
       {RepublicanReview}},
      {{CommissionReview, InPersonScheduled}, Action::Reject, Role::Commission, {Rejected}},
      {{CommissionReview}, Action::RequestInfo, Role::Commission, {InfoRequested}},
      {{InfoRequested}, Action::Resubmit, Role::Doctor, {CommissionReview}},
      {{RepublicanReview}, Action::Approve, Role::Republican, {TalonIssued, Waitlisted}},
      {{RepublicanReview}, Action::Reject, Role::Republican, {Rejected}},
      {{RepublicanReview}, Action::ReferAbroad, Role::Republican, {AbroadReview}},
      {{Waitlisted}, Action::Promote, Role::System, {TalonIssued}},
      {{AbroadReview}, Action::Approve, Role::Republican, {AbroadApproved}},
      {{AbroadReview}, Action::Reject, Role::Republican, {Rejected}},
      {{AbroadApproved}, Action::Complete, Role::Republican, {Completed}},
      {{TalonIssued}, Action::Accept, Role::Hospital, {Scheduled}},
      {{TalonIssued}, Action::Decline, Role::Hospital, {RepublicanReview}},
      {{Scheduled}, Action::Admit, Role::Hospital, {Admitted}},
      {{Scheduled}, Action::NoShow, Role::Hospital, {NoShow}},
      {{Admitted}, Action::Discharge, Role::Hospital, {Completed}},
      // "any state before admitted or completed"
      {{Registered, CommissionReview, InPersonScheduled, InfoRequested, RepublicanReview,
        Waitlisted, TalonIssued, Scheduled, AbroadReview, AbroadApproved},
       Action::Cancel,
       Role::Doctor,
       {Cancelled}},
      {{TalonIssued, Scheduled}, Action::Expire, Role::System, {Expired}},
  };
  return rows;
}

using Key = std::tuple<State, Action, Role>;

std::map<Key, std::set<State>> normative_moves() {
  std::map<Key, std::set<State>> moves;
  for (auto const& row : normative_table()) {
    for (State from : row.from) moves[{from, row.action, row.role}] = row.to;
  }
  return moves;
}

bool role_ever_takes(Action action, Role role) {
  for (auto const& row : normative_table()) {
    if (row.action == action && row.role == role) return true;
  }
  return false;
}

constexpr Id kPolyclinic = 1;
constexpr Id kHospital = 10;
Timestamp const kNow = at("2026-03-02T10:00:00+05:00");

Actor actor_for(Role role) {
  switch (role) {
    case Role::Doctor: return Actor{1, "doctor", role, kPolyclinic, "75"};
    case Role::Commission: return Actor{2, "commission", role, std::nullopt, "75"};
    case Role::Republican: return Actor{3, "republic", role, std::nullopt, ""};
    case Role::Hospital: return Actor{4, "hospital", role, kHospital, "71"};
    case Role::Admin: return Actor{5, "admin", role, std::nullopt, ""};
    case Role::System: return Actor::system();
  }
  return Actor::system();
}

// A referral in `state` with everything that state implies (talon, quota holding, deadline).
Referral referral_in(State state) {
  Referral r;
  r.id = 42;
  r.code = "75-26-0000042";
  r.state = state;
  r.version = 3;
  r.patient_id = 7;
  r.patient_iin = "850715300122";
  r.patient_region = "75";
  r.icd10 = "I25.1";
  r.profile = "cardiac_surgery";
  r.referring_organization_id = kPolyclinic;
  r.created_at = r.updated_at = r.state_since = kNow - std::chrono::days{3};
  r.deadline = kNow + std::chrono::days{5};
  QuotaKey const key{2026, "75", "cardiac_surgery"};
  if (state == InfoRequested) {
    r.deadline.reset();
    r.paused_working_days = 4;
  }
  if (state == Waitlisted) {
    r.quota = key;
    r.quota_holding = QuotaHolding::Waiting;
    r.waitlisted_at = kNow - std::chrono::days{1};
    r.hospital_id = kHospital;
  }
  if (state == TalonIssued || state == Scheduled || state == Admitted || state == Completed ||
      state == Expired || state == NoShow) {
    r.hospital_id = kHospital;
    r.talon = Talon{"T26-0000001", kNow - std::chrono::days{2}, kNow + std::chrono::days{28},
                    std::nullopt};
    r.quota = key;
    r.quota_holding = (state == Admitted || state == Completed)      ? QuotaHolding::Used
                      : (state == TalonIssued || state == Scheduled) ? QuotaHolding::Reserved
                                                                     : QuotaHolding::None;
    if (r.quota_holding == QuotaHolding::None) r.quota.reset();
  }
  return r;
}

// Valid values for every input any action can take.
ActionInput full_input() {
  ActionInput in;
  in.comment = "Comment";
  in.reason = "Reason";
  in.protocol = "P-1";
  in.exam_at = kNow + std::chrono::days{3};
  in.exam_place = "Regional health department, room 12";
  in.hospital_id = kHospital;
  in.clinic = "Universitätsklinikum";
  in.country = "Germany";
  in.outcome = Outcome::Improved;
  in.planned_date = day("2026-03-10");
  in.case_number = "CH-2026-001";
  in.final_icd10 = "I25.1";
  return in;
}

struct World {
  WorkingCalendar calendar;
  DeadlinePolicy policy;
  Organization hospital{kHospital, "Hospital", OrganizationKind::Hospital,
                        OrganizationLevel::Republican, "71"};

  DecisionContext context(int available) const {
    return DecisionContext{calendar, policy,
                           Quota{{2026, "75", "cardiac_surgery"}, 5, 5 - available, 0}, hospital};
  }
};

TEST(TransitionTable, EveryRowIsANormativeMoveAndEveryNormativeMoveHasARow) {
  auto const moves = normative_moves();
  std::map<Key, std::set<State>> table_moves;
  for (auto const& t : transition_table()) {
    if (t.from.empty()) {
      EXPECT_EQ(t.action, Action::Register);
      EXPECT_EQ(t.role, Role::Doctor);
      EXPECT_EQ(t.to, Registered);
      continue;
    }
    for (State from : all_values<State>()) {
      if (!t.from.contains(from)) continue;
      Key const key{from, t.action, t.role};
      auto const it = moves.find(key);
      ASSERT_NE(it, moves.end()) << "the table lets a " << to_string(t.role) << " "
                                 << to_string(t.action) << " from " << to_string(from)
                                 << ", which the brief does not";
      EXPECT_TRUE(it->second.contains(t.to)) << to_string(t.action) << " from " << to_string(from)
                                             << " goes to " << to_string(t.to) << " in the table";
      table_moves[key].insert(t.to);
    }
  }
  EXPECT_EQ(table_moves, moves);
}

TEST(TransitionTable, TerminalStatesHaveNoWayOut) {
  for (auto const& t : transition_table()) {
    for (State s : all_values<State>()) {
      if (is_terminal(s)) {
        EXPECT_FALSE(t.from.contains(s)) << to_string(s);
      }
    }
  }
}

// Every state × action × role through decide(): the brief's moves succeed and land where it
// says; everything else is Forbidden (the role never takes the action) or InvalidTransition.
TEST(TransitionTable, DecideAgreesWithTheBriefForEveryStateActionAndRole) {
  World const world;
  auto const moves = normative_moves();
  int allowed = 0;
  int refused = 0;
  for (State state : all_values<State>()) {
    for (Action action : all_values<Action>()) {
      if (action == Action::Register) continue;
      for (Role role : all_values<Role>()) {
        Referral const referral = referral_in(state);
        Actor const actor = actor_for(role);
        // Only the sweep's expiry happens after the talon's validity.
        Timestamp const now = action == Action::Expire ? kNow + std::chrono::days{40} : kNow;
        SCOPED_TRACE(
            fmt::format("{} by {} from {}", to_string(action), to_string(role), to_string(state)));
        auto const it = moves.find({state, action, role});
        bool const in_scope = can_see(actor, referral);
        auto const decision =
            decide(referral, action, actor, full_input(), now, world.context(/*available=*/2));
        if (it == moves.end()) {
          ASSERT_FALSE(decision.has_value());
          Errc const expected = !in_scope                        ? Errc::NotFound
                                : !role_ever_takes(action, role) ? Errc::Forbidden
                                                                 : Errc::InvalidTransition;
          EXPECT_EQ(decision.error().code, expected) << decision.error().message;
          ++refused;
          continue;
        }
        ASSERT_TRUE(in_scope);
        ASSERT_TRUE(decision.has_value()) << decision.error().message;
        EXPECT_TRUE(it->second.contains(decision->referral.state))
            << "went to " << to_string(decision->referral.state);
        EXPECT_EQ(decision->referral.version, referral.version + 1);
        EXPECT_EQ(decision->event.action, to_string(action));
        ++allowed;
      }
    }
  }
  EXPECT_EQ(allowed, 32);  // the brief's moves, counted state by state
  EXPECT_EQ(refused, 16 * 16 * 6 - allowed);
}

TEST(TransitionTable, RepublicanApprovalGoesToTheWaitlistWhenTheQuotaIsExhausted) {
  World const world;
  auto const referral = referral_in(RepublicanReview);
  auto const with_unit = decide(referral, Action::Approve, actor_for(Role::Republican),
                                full_input(), kNow, world.context(1));
  ASSERT_TRUE(with_unit.has_value());
  EXPECT_EQ(with_unit->referral.state, TalonIssued);
  auto const without = decide(referral, Action::Approve, actor_for(Role::Republican), full_input(),
                              kNow, world.context(0));
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ(without->referral.state, Waitlisted);
}

TEST(TransitionTable, AllowedActionsComeFromTheSameTable) {
  for (State state : all_values<State>()) {
    for (Role role : all_values<Role>()) {
      auto const referral = referral_in(state);
      auto const actor = actor_for(role);
      std::set<Action> expected;
      for (auto const& [key, targets] : normative_moves()) {
        auto const& [from, action, who] = key;
        if (from == state && who == role && can_see(actor, referral)) expected.insert(action);
      }
      auto const actions = allowed_actions(referral, actor);
      EXPECT_EQ(std::set<Action>(actions.begin(), actions.end()), expected)
          << to_string(role) << " in " << to_string(state);
    }
  }
}

}  // namespace
}  // namespace joldama
