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
};

// How a transition sets the deadline of the step it leads to.
enum class DeadlineRule {
  Keep,            // the step goes on under the same deadline
  Clear,           // the new state has no deadline
  Commission,      // commission decision: N working days
  Republican,      // republican decision: N working days
  HospitalAnswer,  // the hospital's answer to a talon: N working days
  PlannedDate,     // admission is due by the end of the planned date
  Pause,           // the clock stops; the working days left are kept
  Resume,          // the clock restarts with the working days that were left
};

template <>
struct EnumText<Guard> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"none", "quota_available", "quota_exhausted", "talon_expired"});
};
template <>
struct EnumText<Effect> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"record_exam", "record_commission_decision", "record_hospital", "reserve_quota",
       "join_waitlist", "release_quota", "consume_quota", "issue_talon", "clear_talon",
       "set_planned_date", "record_case_number", "record_abroad", "record_outcome",
       "record_discharge"});
};
template <>
struct EnumText<DeadlineRule> {
  static constexpr auto kNames =
      std::to_array<std::string_view>({"keep", "clear", "commission", "republican",
                                       "hospital_answer", "planned_date", "pause", "resume"});
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
};

// The whole table, in the order of the normative brief.
std::span<Transition const> transition_table();

}  // namespace joldama
