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
    Registered, CommissionReview, InPersonScheduled, InfoRequested, RepublicanReview,
    Waitlisted, TalonIssued,      Scheduled,         AbroadReview,  AbroadApproved};

// clang-format off
constexpr std::array kTable = {
//           from                                  action              role            guard                to                 effects                                              deadline            required
Transition{{},                                     A::Register,        R::Doctor,      G::None,             Registered,        {},                                                  D::Clear,           {}},
Transition{{Registered},                           A::Submit,          R::Doctor,      G::None,             CommissionReview,  {},                                                  D::Commission,      {}},
Transition{{CommissionReview},                     A::ScheduleInPerson,R::Commission,  G::None,             InPersonScheduled, {E::RecordExam},                                     D::Keep,            {F::ExamAt, F::ExamPlace}},
Transition{{CommissionReview, InPersonScheduled},  A::Approve,         R::Commission,  G::None,             RepublicanReview,  {E::RecordCommissionDecision},                       D::Republican,      {F::Protocol}},
Transition{{CommissionReview, InPersonScheduled},  A::Reject,          R::Commission,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason}},
Transition{{CommissionReview},                     A::RequestInfo,     R::Commission,  G::None,             InfoRequested,     {},                                                  D::Pause,           {F::Comment}},
Transition{{InfoRequested},                        A::Resubmit,        R::Doctor,      G::None,             CommissionReview,  {},                                                  D::Resume,          {F::Comment}},
Transition{{RepublicanReview},                     A::Approve,         R::Republican,  G::QuotaAvailable,   TalonIssued,       {E::RecordHospital, E::ReserveQuota, E::IssueTalon}, D::HospitalAnswer,  {F::HospitalId}},
Transition{{RepublicanReview},                     A::Approve,         R::Republican,  G::QuotaExhausted,   Waitlisted,        {E::RecordHospital, E::JoinWaitlist},                D::Clear,           {F::HospitalId}},
Transition{{RepublicanReview},                     A::Reject,          R::Republican,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason}},
Transition{{RepublicanReview},                     A::ReferAbroad,     R::Republican,  G::None,             AbroadReview,      {},                                                  D::Republican,      {F::Comment}},
Transition{{Waitlisted},                           A::Promote,         R::System,      G::QuotaAvailable,   TalonIssued,       {E::ReserveQuota, E::IssueTalon},                    D::HospitalAnswer,  {}},
Transition{{AbroadReview},                         A::Approve,         R::Republican,  G::None,             AbroadApproved,    {E::RecordAbroad},                                   D::Clear,           {F::Clinic, F::Country}},
Transition{{AbroadReview},                         A::Reject,          R::Republican,  G::None,             Rejected,          {},                                                  D::Clear,           {F::Reason}},
Transition{{AbroadApproved},                       A::Complete,        R::Republican,  G::None,             Completed,         {E::RecordOutcome},                                  D::Clear,           {F::Outcome}},
Transition{{TalonIssued},                          A::Accept,          R::Hospital,    G::None,             Scheduled,         {E::SetPlannedDate},                                 D::PlannedDate,     {F::PlannedDate}},
Transition{{TalonIssued},                          A::Decline,         R::Hospital,    G::None,             RepublicanReview,  {E::ReleaseQuota, E::ClearTalon},                    D::Republican,      {F::Reason}},
Transition{{Scheduled},                            A::Admit,           R::Hospital,    G::None,             Admitted,          {E::ConsumeQuota, E::RecordCaseNumber},              D::Clear,           {F::CaseNumber}},
Transition{{Scheduled},                            A::NoShow,          R::Hospital,    G::None,             NoShow,            {E::ReleaseQuota},                                   D::Clear,           {}},
Transition{{Admitted},                             A::Discharge,       R::Hospital,    G::None,             Completed,         {E::RecordDischarge},                                D::Clear,           {F::Outcome, F::FinalIcd10}},
Transition{kCancellable,                           A::Cancel,          R::Doctor,      G::None,             Cancelled,         {E::ReleaseQuota},                                   D::Clear,           {F::Reason}},
Transition{{TalonIssued, Scheduled},               A::Expire,          R::System,      G::TalonExpired,     Expired,           {E::ReleaseQuota},                                   D::Clear,           {}},
};
// clang-format on

}  // namespace

std::span<Transition const> transition_table() {
  return kTable;
}

}  // namespace joldama
