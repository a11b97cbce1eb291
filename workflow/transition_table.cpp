#include "workflow/transition_table.hpp"

#include <array>

namespace joldama {

namespace {

using enum State;
using A = Action;
using R = Role;
using G = Guard;
using E = Effect;
using D = DeadlineRule;
using F = Field;

// Everything before admission or completion, from which a doctor may cancel.
constexpr EnumSet<State> kCancellable{
    Registered,       BookingRequested, CommissionReview, InPersonScheduled, InfoRequested,
    RepublicanReview, Waitlisted,       TalonIssued,      Scheduled,         AbroadReview,
    AbroadApproved};

// A reason is a code of the action's catalogue, free text, or both (see fields.hpp).
constexpr EnumSet<Field> kReasonCode{F::ReasonCode};

// clang-format off
constexpr std::array kTable = {
//           from                                  action              role            guard                to                 effects                                              deadline            required                      optional
Transition{{},                                     A::Register,        R::Doctor,      G::None,             Registered,        {},                                                  D::Clear,           {},                           {}},
// The high-technology route: the commission, the republican level, a quota, a talon.
Transition{{Registered},                           A::Submit,          R::Doctor,      G::RouteHighTech,    CommissionReview,  {},                                                  D::Commission,      {},                           {}},
// The planned route: the patient's choice of hospital and day, the hospital's answer.
Transition{{Registered},                           A::Book,            R::Doctor,      G::RoutePlanned,     BookingRequested,  {E::RecordBooking},                                  D::BookingAnswer,   {F::HospitalId, F::PlannedDate}, {}},
Transition{{BookingRequested},                     A::Confirm,         R::Hospital,    G::PlaceAvailable,   Scheduled,         {E::BookPlace, E::IssueTalon},                       D::PlannedDate,     {},                           {}},
Transition{{BookingRequested},                     A::Refuse,          R::Hospital,    G::None,             Registered,        {E::ClearBooking},                                   D::Clear,           {F::Reason, F::ReasonCode},   {}},
Transition{{CommissionReview},                     A::ScheduleInPerson,R::Commission,  G::None,             InPersonScheduled, {E::RecordExam},                                     D::Keep,            {F::ExamAt, F::ExamPlace},    {}},
Transition{{InPersonScheduled},                    A::RescheduleExam,  R::Commission,  G::None,             InPersonScheduled, {E::RecordExam},                                     D::Keep,            {F::ExamAt, F::ExamPlace},    {}},
Transition{{InPersonScheduled},                    A::ExamNoShow,      R::Commission,  G::None,             CommissionReview,  {E::RecordExamNoShow},                               D::Keep,            {},                           {}},
Transition{{CommissionReview, InPersonScheduled},  A::Approve,         R::Commission,  G::None,             RepublicanReview,  {E::RecordCommissionDecision},                       D::Republican,      {F::Protocol},                {}},
Transition{{CommissionReview, InPersonScheduled},  A::Reject,          R::Commission,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason},                  kReasonCode},
Transition{{CommissionReview},                     A::RequestInfo,     R::Commission,  G::None,             InfoRequested,     {},                                                  D::Pause,           {F::Comment},                 {}},
Transition{{InfoRequested},                        A::Resubmit,        R::Doctor,      G::None,             CommissionReview,  {},                                                  D::Resume,          {F::Comment},                 {}},
Transition{{RepublicanReview},                     A::Approve,         R::Republican,  G::QuotaAvailable,   TalonIssued,       {E::RecordHospital, E::ReserveQuota, E::IssueTalon}, D::HospitalAnswer,  {F::HospitalId},              {}},
Transition{{RepublicanReview},                     A::Approve,         R::Republican,  G::QuotaExhausted,   Waitlisted,        {E::RecordHospital, E::JoinWaitlist},                D::Clear,           {F::HospitalId},              {}},
Transition{{RepublicanReview},                     A::Reject,          R::Republican,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason},                  kReasonCode},
Transition{{RepublicanReview},                     A::ReferAbroad,     R::Republican,  G::None,             AbroadReview,      {},                                                  D::Republican,      {F::Comment},                 {}},
Transition{{Waitlisted},                           A::Promote,         R::System,      G::QuotaAvailable,   TalonIssued,       {E::ReserveQuota, E::IssueTalon},                    D::HospitalAnswer,  {},                           {}},
Transition{{AbroadReview},                         A::Approve,         R::Republican,  G::None,             AbroadApproved,    {E::RecordAbroad},                                   D::Clear,           {F::Clinic, F::Country},      {}},
Transition{{AbroadReview},                         A::Reject,          R::Republican,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason},                  kReasonCode},
Transition{{AbroadApproved},                       A::Complete,        R::Republican,  G::None,             Completed,         {E::RecordOutcome},                                  D::Clear,           {F::Outcome},                 {}},
Transition{{TalonIssued},                          A::Accept,          R::Hospital,    G::None,             Scheduled,         {E::SetPlannedDate},                                 D::PlannedDate,     {F::PlannedDate},             {}},
Transition{{TalonIssued},                          A::Decline,         R::Hospital,    G::None,             RepublicanReview,  {E::ReleaseQuota, E::ClearTalon},                    D::Republican,      {F::Reason},                  kReasonCode},
// Both routes end alike; a high-technology admission uses its unit, a planned one its place.
Transition{{Scheduled},                            A::Admit,           R::Hospital,    G::RouteHighTech,    Admitted,          {E::ConsumeQuota, E::RecordCaseNumber},              D::Clear,           {F::CaseNumber},              {}},
Transition{{Scheduled},                            A::Admit,           R::Hospital,    G::RoutePlanned,     Admitted,          {E::RecordCaseNumber},                               D::Clear,           {F::CaseNumber},              {}},
Transition{{Scheduled},                            A::NoShow,          R::Hospital,    G::None,             NoShow,            {E::ReleaseQuota, E::ReleasePlace},                  D::Clear,           {},                           {}},
Transition{{Admitted},                             A::Discharge,       R::Hospital,    G::None,             Completed,         {E::RecordDischarge},                                D::Clear,           {F::Outcome, F::FinalIcd10},  {}},
Transition{kCancellable,                           A::Cancel,          R::Doctor,      G::None,             Cancelled,         {E::ReleaseQuota, E::ReleasePlace},                  D::Clear,           {F::Reason},                  kReasonCode},
Transition{{TalonIssued, Scheduled},               A::Expire,          R::System,      G::TalonExpired,     Expired,           {E::ReleaseQuota, E::ReleasePlace},                  D::Clear,           {},                           {}},
};
// clang-format on

}  // namespace

std::span<Transition const> transition_table() {
  return kTable;
}

EnumSet<State> states_with_working_day_deadlines() {
  auto const in_working_days = [](DeadlineRule rule) {
    switch (rule) {
      case D::Commission:
      case D::Republican:
      case D::HospitalAnswer:
      case D::BookingAnswer:
      case D::Pause:
      case D::Resume: return true;
      case D::Keep:
      case D::Clear:
      case D::PlannedDate: return false;
    }
    return false;
  };
  // What kinds of deadline each state may have; a kept deadline is its source state's kind.
  EnumSet<State> working;
  EnumSet<State> other;
  for (bool changed = true; changed;) {
    changed = false;
    auto const add = [&](EnumSet<State>& set, State state) {
      if (!set.contains(state)) {
        set = set.with(state);
        changed = true;
      }
    };
    for (auto const& row : kTable) {
      if (row.deadline == D::Clear) continue;
      if (row.deadline != D::Keep) {
        add(in_working_days(row.deadline) ? working : other, row.to);
        continue;
      }
      for (State from : all_values<State>()) {
        if (!row.from.contains(from)) continue;
        if (working.contains(from)) add(working, row.to);
        if (other.contains(from)) add(other, row.to);
      }
    }
  }
  EnumSet<State> only_working;
  for (State state : all_values<State>()) {
    if (working.contains(state) && !other.contains(state)) only_working = only_working.with(state);
  }
  return only_working;
}

}  // namespace joldama
