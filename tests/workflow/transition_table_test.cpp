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
  std::set<Route> routes = {Route::HighTech, Route::Planned};
};

// The brief's table, transcribed: the high-technology route, then the planned route of "The two
// routes", then what issue 15 adds (an examination rescheduled or missed).
std::vector<NormativeRow> const& normative_table() {
  std::set<Route> const high_tech{Route::HighTech};
  std::set<Route> const planned{Route::Planned};
  static std::vector<NormativeRow> const rows = {
      {{Registered}, Action::Submit, Role::Doctor, {CommissionReview}, high_tech},
      {{CommissionReview}, Action::ScheduleInPerson, Role::Commission, {InPersonScheduled},
       high_tech},
      {{CommissionReview, InPersonScheduled},
       Action::Approve,
       Role::Commission,
       {RepublicanReview},
       high_tech},
      {{CommissionReview, InPersonScheduled}, Action::Reject, Role::Commission, {Rejected},
       high_tech},
      {{CommissionReview}, Action::RequestInfo, Role::Commission, {InfoRequested}, high_tech},
      {{InfoRequested}, Action::Resubmit, Role::Doctor, {CommissionReview}, high_tech},
      {{RepublicanReview}, Action::Approve, Role::Republican, {TalonIssued, Waitlisted},
       high_tech},
      {{RepublicanReview}, Action::Reject, Role::Republican, {Rejected}, high_tech},
      {{RepublicanReview}, Action::ReferAbroad, Role::Republican, {AbroadReview}, high_tech},
      {{Waitlisted}, Action::Promote, Role::System, {TalonIssued}, high_tech},
      {{AbroadReview}, Action::Approve, Role::Republican, {AbroadApproved}, high_tech},
      {{AbroadReview}, Action::Reject, Role::Republican, {Rejected}, high_tech},
      {{AbroadApproved}, Action::Complete, Role::Republican, {Completed}, high_tech},
      {{TalonIssued}, Action::Accept, Role::Hospital, {Scheduled}, high_tech},
      {{TalonIssued}, Action::Decline, Role::Hospital, {RepublicanReview}, high_tech},
      {{Scheduled}, Action::Admit, Role::Hospital, {Admitted}},
      {{Scheduled}, Action::NoShow, Role::Hospital, {NoShow}},
      {{Admitted}, Action::Discharge, Role::Hospital, {Completed}},
      // "any state before admitted or completed"
      {{Registered, BookingRequested, CommissionReview, InPersonScheduled, InfoRequested,
        RepublicanReview, Waitlisted, TalonIssued, Scheduled, AbroadReview, AbroadApproved},
       Action::Cancel,
       Role::Doctor,
       {Cancelled}},
      {{TalonIssued, Scheduled}, Action::Expire, Role::System, {Expired}},
      // The planned route.
      {{Registered}, Action::Book, Role::Doctor, {BookingRequested}, planned},
      {{BookingRequested}, Action::Confirm, Role::Hospital, {Scheduled}, planned},
      {{BookingRequested}, Action::Refuse, Role::Hospital, {Registered}, planned},
      // Issue 15: the in-person examination.
      {{InPersonScheduled}, Action::RescheduleExam, Role::Commission, {InPersonScheduled},
       high_tech},
      {{InPersonScheduled}, Action::ExamNoShow, Role::Commission, {CommissionReview}, high_tech},
  };
  return rows;
}

// The states a referral of each route can be in.
bool state_of_route(State state, Route route) {
  if (route == Route::HighTech) return state != BookingRequested;
  return EnumSet<State>{Registered, BookingRequested, Scheduled, Admitted, Completed, Cancelled,
                        Expired, NoShow}
      .contains(state);
}

using Key = std::tuple<Route, State, Action, Role>;

std::map<Key, std::set<State>> normative_moves() {
  std::map<Key, std::set<State>> moves;
  for (auto const& row : normative_table()) {
    for (Route route : row.routes) {
      for (State from : row.from) {
        if (state_of_route(from, route)) moves[{route, from, row.action, row.role}] = row.to;
      }
    }
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

Date const kBookedDay = day("2026-03-10");

// A referral of `route` in `state` with everything that state implies (talon, quota holding or
// booked place, deadline).
Referral referral_in(State state, Route route = Route::HighTech) {
  Referral r;
  r.id = 42;
  r.code = "75-26-0000042";
  r.state = state;
  r.route = route;
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
  if (state == InPersonScheduled) {
    r.exam_at = kNow + std::chrono::days{2};
    r.exam_place = "Room 1";
  }
  bool const with_talon = state == TalonIssued || state == Scheduled || state == Admitted ||
                          state == Completed || state == Expired || state == NoShow;
  if (with_talon) {
    r.hospital_id = kHospital;
    r.talon = Talon{"T26-0000001", kNow - std::chrono::days{2}, kNow + std::chrono::days{28},
                    std::nullopt};
  }
  if (route == Route::HighTech && with_talon) {
    r.quota = key;
    r.quota_holding = (state == Admitted || state == Completed)      ? QuotaHolding::Used
                      : (state == TalonIssued || state == Scheduled) ? QuotaHolding::Reserved
                                                                     : QuotaHolding::None;
    if (r.quota_holding == QuotaHolding::None) r.quota.reset();
  }
  if (route == Route::Planned && (with_talon || state == BookingRequested)) {
    r.hospital_id = kHospital;
    r.booking_date = kBookedDay;
    r.place_held = state == Scheduled || state == Admitted || state == Completed;
    if (r.talon) r.talon->planned_date = kBookedDay;
  }
  return r;
}

// Valid values for every input any action can take.
ActionInput full_input() {
  ActionInput in;
  in.comment = "Comment";
  in.reason = "Reason";
  in.reason_code = "other";  // in every action's catalogue
  in.protocol = "P-1";
  in.exam_at = kNow + std::chrono::days{3};
  in.exam_place = "Regional health department, room 12";
  in.hospital_id = kHospital;
  in.clinic = "Universitätsklinikum";
  in.country = "Germany";
  in.outcome = Outcome::Improved;
  in.planned_date = kBookedDay;
  in.case_number = "CH-2026-001";
  in.final_icd10 = "I25.1";
  return in;
}

struct World {
  WorkingCalendar calendar;
  DeadlinePolicy policy;
  Organization hospital{kHospital,
                        "Hospital",
                        OrganizationKind::Hospital,
                        OrganizationLevel::Republican,
                        "71",
                        {"cardiac_surgery"},
                        EnumSet<Route>{Route::Planned, Route::HighTech}};

  DecisionContext context(int available) const {
    return DecisionContext{calendar,
                           policy,
                           Quota{{2026, "75", "cardiac_surgery"}, 5, 5 - available, 0},
                           hospital,
                           Places{{kHospital, "cardiac_surgery", kBookedDay}, 3, 3 - available},
                           nullptr};
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
    for (Route route : all_values<Route>()) {
      if (t.guard == Guard::RouteHighTech && route != Route::HighTech) continue;
      if (t.guard == Guard::RoutePlanned && route != Route::Planned) continue;
      for (State from : all_values<State>()) {
        if (!t.from.contains(from) || !state_of_route(from, route)) continue;
        Key const key{route, from, t.action, t.role};
        auto const it = moves.find(key);
        ASSERT_NE(it, moves.end()) << "the table lets a " << to_string(t.role) << " "
                                   << to_string(t.action) << " from " << to_string(from)
                                   << " on the " << to_string(route)
                                   << " route, which the brief does not";
        EXPECT_TRUE(it->second.contains(t.to))
            << to_string(t.action) << " from " << to_string(from) << " goes to "
            << to_string(t.to) << " in the table";
        table_moves[key].insert(t.to);
      }
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

// Every route × state × action × role through decide(): the brief's moves succeed and land
// where it says; everything else is Forbidden (the role never takes the action) or
// InvalidTransition.
TEST(TransitionTable, DecideAgreesWithTheBriefForEveryRouteStateActionAndRole) {
  World const world;
  auto const moves = normative_moves();
  int allowed = 0;
  int refused = 0;
  int combinations = 0;
  for (Route route : all_values<Route>()) {
    for (State state : all_values<State>()) {
      if (!state_of_route(state, route)) continue;
      for (Action action : all_values<Action>()) {
        if (action == Action::Register) continue;
        for (Role role : all_values<Role>()) {
          ++combinations;
          Referral const referral = referral_in(state, route);
          Actor const actor = actor_for(role);
          // Only the sweep's expiry happens after the talon's validity.
          Timestamp const now = action == Action::Expire ? kNow + std::chrono::days{40} : kNow;
          SCOPED_TRACE(fmt::format("{} by {} from {} ({})", to_string(action), to_string(role),
                                   to_string(state), to_string(route)));
          auto const it = moves.find({route, state, action, role});
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
          EXPECT_EQ(decision->referral.route, route);
          ++allowed;
        }
      }
    }
  }
  // The brief's moves, counted state by state: 34 on the high-technology route (cancel from
  // ten states), 10 on the planned one (cancel from three).
  EXPECT_EQ(allowed, 34 + 10);
  EXPECT_EQ(combinations, (16 + 8) * 21 * 6);
  EXPECT_EQ(refused, combinations - allowed);
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
  for (Route route : all_values<Route>()) {
    for (State state : all_values<State>()) {
      if (!state_of_route(state, route)) continue;
      for (Role role : all_values<Role>()) {
        auto const referral = referral_in(state, route);
        auto const actor = actor_for(role);
        std::set<Action> expected;
        for (auto const& [key, targets] : normative_moves()) {
          auto const& [on, from, action, who] = key;
          if (on == route && from == state && who == role && can_see(actor, referral)) {
            expected.insert(action);
          }
        }
        std::set<Action> actions;
        for (auto const& allowed : allowed_actions(referral, actor)) {
          actions.insert(allowed.action);
          // The row that says which fields the action's form has is the one decide() takes.
          ASSERT_NE(allowed.row, nullptr);
          EXPECT_EQ(allowed.row->action, allowed.action);
          EXPECT_TRUE(allowed.row->from.contains(state));
        }
        EXPECT_EQ(actions, expected) << to_string(role) << " in " << to_string(state) << " ("
                                     << to_string(route) << ")";
      }
    }
  }
}

// Which deadlines a day off moves: every step that counts working days (a decision, a hospital's
// or a booking's answer, the doctor's reply, a kept commission deadline during an in-person
// examination), never an admission's planned date.
TEST(TransitionTable, TheStatesWhoseDeadlineCountsWorkingDays) {
  using enum State;
  std::set<State> expected{BookingRequested, CommissionReview, InPersonScheduled, InfoRequested,
                           RepublicanReview, TalonIssued,      AbroadReview};
  std::set<State> found;
  auto const states = states_with_working_day_deadlines();
  for (State s : all_values<State>()) {
    if (states.contains(s)) found.insert(s);
  }
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace joldama
