#pragma once
// The referral workflow as data: one row per transition of the normative state machine
// (../shared/domain.md). decide(), the list of allowed actions, the documentation and the tests
// all read this one table.

#include <span>

#include "workflow/enums.hpp"

namespace joldama {

// A condition a row needs besides state and role. Rows that differ only by guard are
// alternatives: the first whose guard holds is taken.
enum class Guard {
  None,
  QuotaAvailable,  // the quota of (year of now, patient's region, profile) has a free unit
  QuotaExhausted,  // … has none
  TalonExpired,    // now is past the talon's validity
  RouteHighTech,   // the referral is on the high-technology route
  RoutePlanned,    // … on the planned route
  PlaceAvailable,  // the booked hospital has a free planned place of the profile on the day
};

// What a transition does besides changing the state.
enum class Effect {
  RecordExam,                // date, time and place of the in-person examination
  RecordCommissionDecision,  // decision mode (in absentia / in person) and protocol number
  RecordHospital,            // the receiving hospital chosen by the republican level
  ReserveQuota,              // one unit of the quota becomes reserved
  JoinWaitlist,              // the referral waits for a unit of the quota
  ReleaseQuota,              // a reserved unit becomes free again, or the waitlist is left
  ConsumeQuota,              // the reserved unit becomes used
  IssueTalon,                // a talon with a new number and its validity
  ClearTalon,                // the talon and hospital are withdrawn, to be re-routed
  SetPlannedDate,            // the planned admission date
  RecordCaseNumber,          // the hospital's case-history number
  RecordAbroad,              // the foreign clinic and country
  RecordOutcome,             // the outcome of treatment abroad
  RecordDischarge,           // outcome and final diagnosis
  RecordBooking,             // the hospital and the day the patient chose (planned route)
  ClearBooking,              // the choice is withdrawn: the doctor books again
  BookPlace,                 // one planned place of (hospital, profile, day) becomes booked
  ReleasePlace,              // a booked place becomes free again, if the referral holds one
  RecordExamNoShow,          // the patient did not come to the in-person examination
};

// How a transition sets the deadline of the step it leads to.
enum class DeadlineRule {
  Keep,            // the step goes on under the same deadline
  Clear,           // the new state has no deadline
  Commission,      // commission decision: N working days
  Republican,      // republican decision: N working days
  HospitalAnswer,  // the hospital's answer to a talon: N working days
  PlannedDate,     // admission is due by the end of the planned date
  Pause,           // the commission's clock stops, keeping the working days left; the doctor's
                   // reply is due in N working days
  Resume,          // the clock restarts with the working days that were left
  BookingAnswer,   // the chosen hospital's answer to a booking: N working days
};

template <>
struct EnumText<Guard> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"none", "quota_available", "quota_exhausted", "talon_expired", "route_high_tech",
       "route_planned", "place_available"});
};
template <>
struct EnumText<Effect> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"record_exam", "record_commission_decision", "record_hospital", "reserve_quota",
       "join_waitlist", "release_quota", "consume_quota", "issue_talon", "clear_talon",
       "set_planned_date", "record_case_number", "record_abroad", "record_outcome",
       "record_discharge", "record_booking", "clear_booking", "book_place", "release_place",
       "record_exam_no_show"});
};
template <>
struct EnumText<DeadlineRule> {
  static constexpr auto kNames =
      std::to_array<std::string_view>({"keep", "clear", "commission", "republican",
                                       "hospital_answer", "planned_date", "pause", "resume",
                                       "booking_answer"});
};

struct Transition {
  EnumSet<State> from;  // empty only for `register`, which creates the referral
  Action action;
  Role role;
  Guard guard;
  State to;
  EnumSet<Effect> effects;
  DeadlineRule deadline;
  EnumSet<Field> required;  // inputs that must be present
  EnumSet<Field> optional;  // inputs that may be given (a comment always may)
};

// Whether a guard depends on nothing but the referral itself (its route), so that the actions a
// user may take are told by it; the others (quota, places, validity) are found out by trying.
constexpr bool is_static_guard(Guard guard) {
  return guard == Guard::RouteHighTech || guard == Guard::RoutePlanned;
}

// The whole table, in the order of the normative brief.
std::span<Transition const> transition_table();

// The states whose deadline counts working days (a decision, an answer, the doctor's reply),
// found from the table: a row entering a state sets its deadline, or keeps the one of the state
// it leaves. A day off added to the calendar moves these deadlines; an admission's planned date
// does not move.
EnumSet<State> states_with_working_day_deadlines();

}  // namespace joldama
