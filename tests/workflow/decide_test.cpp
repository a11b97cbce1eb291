#include "workflow/decide.hpp"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

using testing::at;
using testing::day;
using testing::kazakhstan_calendar;

constexpr Id kPolyclinic = 1;
constexpr Id kOtherPolyclinic = 2;
constexpr Id kHospital = 10;
constexpr Id kOtherHospital = 11;

Actor const kDoctor{1, "doctor", Role::Doctor, kPolyclinic, "75"};
Actor const kOtherDoctor{2, "doctor.astana", Role::Doctor, kOtherPolyclinic, "71"};
Actor const kCommission{3, "commission", Role::Commission, std::nullopt, "75"};
Actor const kOtherCommission{4, "commission.astana", Role::Commission, std::nullopt, "71"};
Actor const kRepublic{5, "republic", Role::Republican, std::nullopt, ""};
Actor const kHospitalStaff{6, "hospital", Role::Hospital, kHospital, "71"};
Actor const kOtherHospitalStaff{7, "hospital2", Role::Hospital, kOtherHospital, "75"};

class DecideTest : public ::testing::Test {
 protected:
  Referral referral(State state, Timestamp at_time) const {
    Referral r;
    r.id = 9;
    r.state = state;
    r.version = 4;
    r.patient_region = "75";
    r.profile = "oncology";
    r.referring_organization_id = kPolyclinic;
    r.deadline = end_of_local_day(local_date(at_time) + std::chrono::days{5});
    return r;
  }

  Referral with_talon(Referral r, Timestamp issued) const {
    r.hospital_id = kHospital;
    r.talon = Talon{"T26-0000007", issued,
                    end_of_local_day(local_date(issued) + std::chrono::days{30}), std::nullopt};
    r.quota = QuotaKey{2026, "75", "oncology"};
    r.quota_holding = QuotaHolding::Reserved;
    return r;
  }

  DecisionContext context(std::optional<Quota> quota = std::nullopt) const {
    return DecisionContext{kazakhstan_calendar(), policy, std::move(quota), hospital, std::nullopt,
                           nullptr};
  }

  DeadlinePolicy policy;
  Organization hospital{kHospital,
                        "Hospital",
                        OrganizationKind::Hospital,
                        OrganizationLevel::Republican,
                        "71",
                        {"cardiac_surgery", "oncology"},
                        EnumSet<Route>{Route::HighTech}};
  Timestamp now = at("2026-03-02T10:00:00+05:00");
};

TEST_F(DecideTest, OutsideTheActorsScopeTheReferralDoesNotExist) {
  auto const r = referral(State::CommissionReview, now);
  // Scope is checked first: no hint of the referral's existence or state.
  for (Actor const& outsider : {kOtherDoctor, kOtherCommission, kHospitalStaff}) {
    auto const d = decide(r, Action::Approve, outsider, {}, now, context());
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::NotFound) << outsider.login;
  }
  auto const talon = with_talon(referral(State::TalonIssued, now), now);
  auto const other = decide(talon, Action::Accept, kOtherHospitalStaff, {}, now, context());
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, Errc::NotFound);
}

TEST_F(DecideTest, RoleIsCheckedBeforeState) {
  auto const d =
      decide(referral(State::Registered, now), Action::Approve, kDoctor, {}, now, context());
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::Forbidden);
  auto const wrong_state =
      decide(referral(State::Registered, now), Action::Resubmit, kDoctor, {}, now, context());
  ASSERT_FALSE(wrong_state.has_value());
  EXPECT_EQ(wrong_state.error().code, Errc::InvalidTransition);
}

TEST_F(DecideTest, RequiredInputsAreNamedByField) {
  struct Case {
    State state;
    Action action;
    Actor actor;
    ActionInput input;
    std::string field;
  };
  ActionInput blank_reason;
  blank_reason.reason = "   ";
  ActionInput past_exam;
  past_exam.exam_at = now - std::chrono::hours{1};
  past_exam.exam_place = "Room 1";
  ActionInput no_place;
  no_place.exam_at = now + std::chrono::days{2};
  ActionInput unknown_hospital;
  unknown_hospital.hospital_id = 999;
  ActionInput bad_icd;
  bad_icd.outcome = Outcome::Recovered;
  bad_icd.final_icd10 = "heart";
  ActionInput no_outcome;
  no_outcome.final_icd10 = "I25.1";
  ActionInput control_chars;
  control_chars.protocol = "P-1\x01";
  std::vector<Case> const cases = {
      {State::CommissionReview, Action::Reject, kCommission, {}, "reason"},
      {State::CommissionReview, Action::Reject, kCommission, blank_reason, "reason"},
      {State::CommissionReview, Action::Approve, kCommission, {}, "protocol"},
      {State::CommissionReview, Action::Approve, kCommission, control_chars, "protocol"},
      {State::CommissionReview, Action::RequestInfo, kCommission, {}, "comment"},
      {State::CommissionReview, Action::ScheduleInPerson, kCommission, past_exam, "at"},
      {State::CommissionReview, Action::ScheduleInPerson, kCommission, no_place, "place"},
      {State::RepublicanReview, Action::Approve, kRepublic, {}, "hospital_id"},
      {State::RepublicanReview, Action::Approve, kRepublic, unknown_hospital, "hospital_id"},
      {State::RepublicanReview, Action::Reject, kRepublic, {}, "reason"},
      {State::RepublicanReview, Action::ReferAbroad, kRepublic, {}, "comment"},
      {State::Registered, Action::Cancel, kDoctor, {}, "reason"},
  };
  for (auto const& c : cases) {
    auto const d = decide(referral(c.state, now), c.action, c.actor, c.input, now, context());
    ASSERT_FALSE(d.has_value()) << to_string(c.action);
    EXPECT_EQ(d.error().code, Errc::Validation) << to_string(c.action);
    EXPECT_EQ(d.error().field, c.field) << to_string(c.action) << ": " << d.error().message;
  }
  auto const admitted = with_talon(referral(State::Admitted, now), now);
  for (auto const& [input, field] : {std::pair{bad_icd, "final_icd10"}, {no_outcome, "outcome"}}) {
    auto const d = decide(admitted, Action::Discharge, kHospitalStaff, input, now, context());
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().field, field);
  }
}

TEST_F(DecideTest, PlannedDateMustFallWithinTheTalonsValidity) {
  auto const talon = with_talon(referral(State::TalonIssued, now), now);
  ActionInput input;
  input.planned_date = day("2026-04-02");  // validity ends on 1 April
  auto const late = decide(talon, Action::Accept, kHospitalStaff, input, now, context());
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().field, "planned_date");
  EXPECT_NE(late.error().message.find("2026-04-01"), std::string::npos);
  input.planned_date = day("2026-03-01");
  auto const past = decide(talon, Action::Accept, kHospitalStaff, input, now, context());
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().field, "planned_date");
  input.planned_date = day("2026-04-01");
  auto const last_day = decide(talon, Action::Accept, kHospitalStaff, input, now, context());
  ASSERT_TRUE(last_day.has_value()) << last_day.error().message;
  EXPECT_EQ(last_day->referral.talon->planned_date, day("2026-04-01"));
  EXPECT_EQ(last_day->referral.deadline, end_of_local_day(day("2026-04-01")));
}

TEST_F(DecideTest, RepublicanApprovalReservesFromTheCurrentYearsQuotaAndIssuesATalon) {
  ActionInput input;
  input.hospital_id = kHospital;
  Quota const quota{{2026, "75", "oncology"}, 3, 1, 1};
  auto const d = decide(referral(State::RepublicanReview, now), Action::Approve, kRepublic, input,
                        now, context(quota));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->referral.state, State::TalonIssued);
  EXPECT_EQ(d->quota_move, QuotaMove::Reserve);
  EXPECT_EQ(d->quota_key, quota.key);
  EXPECT_EQ(d->referral.quota_holding, QuotaHolding::Reserved);
  EXPECT_TRUE(d->needs_talon_number);
  EXPECT_EQ(d->referral.hospital_id, kHospital);
  ASSERT_TRUE(d->referral.talon.has_value());
  EXPECT_EQ(d->referral.talon->issued_at, now);
  // Valid 30 calendar days after issue: through 1 April.
  EXPECT_EQ(format_timestamp(d->referral.talon->valid_until), "2026-04-01T23:59:59+05:00");
  // The hospital answers within 3 working days: Tue, Wed, Thu.
  EXPECT_EQ(format_timestamp(*d->referral.deadline), "2026-03-05T23:59:59+05:00");
}

TEST_F(DecideTest, RepublicanApprovalWithoutAFreeUnitWaitlists) {
  ActionInput input;
  input.hospital_id = kHospital;
  for (auto const& quota :
       {std::optional<Quota>{Quota{{2026, "75", "oncology"}, 2, 1, 1}}, std::optional<Quota>{}}) {
    auto const d = decide(referral(State::RepublicanReview, now), Action::Approve, kRepublic, input,
                          now, context(quota));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->referral.state, State::Waitlisted);
    EXPECT_EQ(d->quota_move, QuotaMove::JoinWaitlist);
    EXPECT_EQ(d->referral.quota_holding, QuotaHolding::Waiting);
    EXPECT_EQ(d->referral.waitlisted_at, now);
    EXPECT_EQ(d->referral.hospital_id, kHospital);  // kept for the promotion
    EXPECT_FALSE(d->referral.talon.has_value());
    EXPECT_FALSE(d->referral.deadline.has_value());
  }
}

TEST_F(DecideTest, PromotionNeedsAFreeUnit) {
  Referral waiting = referral(State::Waitlisted, now);
  waiting.quota = QuotaKey{2026, "75", "oncology"};
  waiting.quota_holding = QuotaHolding::Waiting;
  waiting.hospital_id = kHospital;
  auto const none = decide(waiting, Action::Promote, Actor::system(), {}, now,
                           context(Quota{{2026, "75", "oncology"}, 1, 1, 0}));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, Errc::QuotaExhausted);
  auto const one = decide(waiting, Action::Promote, Actor::system(), {}, now,
                          context(Quota{{2026, "75", "oncology"}, 2, 1, 0}));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->referral.state, State::TalonIssued);
  EXPECT_FALSE(one->referral.waitlisted_at.has_value());
}

TEST_F(DecideTest, DecisionModeFollowsHowTheCommissionSawThePatient) {
  ActionInput input;
  input.protocol = "P-3";
  auto const absentia = decide(referral(State::CommissionReview, now), Action::Approve, kCommission,
                               input, now, context());
  ASSERT_TRUE(absentia.has_value());
  EXPECT_EQ(absentia->referral.decision_mode, DecisionMode::InAbsentia);
  EXPECT_EQ(absentia->referral.protocol, "P-3");
  auto const in_person = decide(referral(State::InPersonScheduled, now), Action::Approve,
                                kCommission, input, now, context());
  ASSERT_TRUE(in_person.has_value());
  EXPECT_EQ(in_person->referral.decision_mode, DecisionMode::InPerson);
  // The republican level decides within 5 working days: Tue–Fri, then Tuesday, because
  // Monday 9 March 2026 is off (Women's Day fell on a Sunday).
  EXPECT_EQ(format_timestamp(*in_person->referral.deadline), "2026-03-10T23:59:59+05:00");
}

TEST_F(DecideTest, SubmissionStartsTenWorkingDaysCountedOverNauryz) {
  Timestamp const friday = at("2026-03-20T16:00:00+05:00");
  auto const d =
      decide(referral(State::Registered, friday), Action::Submit, kDoctor, {}, friday, context());
  ASSERT_TRUE(d.has_value());
  // 21–23 March Nauryz (23rd a Monday), 24–25 carried over; ten working days end on 8 April.
  EXPECT_EQ(format_timestamp(*d->referral.deadline), "2026-04-08T23:59:59+05:00");
}

TEST_F(DecideTest, InformationRequestPausesTheDeadlineGivesTheDoctorAReplyDeadlineAndResubmissionResumes) {
  Referral r = referral(State::CommissionReview, now);
  // Friday 13 March: 8 working days left from Monday the 2nd (the 9th is off).
  r.deadline = end_of_local_day(day("2026-03-13"));
  ActionInput ask;
  ask.comment = "Attach the echocardiography report";
  auto const paused = decide(r, Action::RequestInfo, kCommission, ask, now, context());
  ASSERT_TRUE(paused.has_value());
  // The doctor has ten working days to answer: 3–6 March, 10–13 (the 9th is off), 16–17.
  ASSERT_TRUE(paused->referral.deadline.has_value());
  EXPECT_EQ(format_timestamp(*paused->referral.deadline), "2026-03-17T23:59:59+05:00");
  EXPECT_EQ(paused->referral.paused_working_days, 8);

  Timestamp const later = at("2026-04-06T09:00:00+05:00");  // a Monday
  ActionInput answer;
  answer.comment = "Report attached";
  auto const resumed =
      decide(paused->referral, Action::Resubmit, kDoctor, answer, later, context());
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->referral.state, State::CommissionReview);
  EXPECT_EQ(format_timestamp(*resumed->referral.deadline), "2026-04-16T23:59:59+05:00");
  EXPECT_FALSE(resumed->referral.paused_working_days.has_value());
}

TEST_F(DecideTest, DeclineReleasesTheUnitAndWithdrawsTheTalon) {
  auto const talon = with_talon(referral(State::TalonIssued, now), now);
  ActionInput input;
  input.reason = "No free beds in the planned period";
  auto const d = decide(talon, Action::Decline, kHospitalStaff, input, now, context());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->referral.state, State::RepublicanReview);
  EXPECT_EQ(d->quota_move, QuotaMove::Release);
  EXPECT_EQ(d->quota_key, talon.quota);
  EXPECT_EQ(d->referral.quota_holding, QuotaHolding::None);
  EXPECT_FALSE(d->referral.quota.has_value());
  EXPECT_FALSE(d->referral.talon.has_value());
  EXPECT_FALSE(d->referral.hospital_id.has_value());
}

TEST_F(DecideTest, CancelReleasesWhatTheReferralHolds) {
  ActionInput input;
  input.reason = "The patient moved abroad";
  auto const reserved = decide(with_talon(referral(State::Scheduled, now), now), Action::Cancel,
                               kDoctor, input, now, context());
  ASSERT_TRUE(reserved.has_value());
  EXPECT_EQ(reserved->quota_move, QuotaMove::Release);

  Referral waiting = referral(State::Waitlisted, now);
  waiting.quota = QuotaKey{2026, "75", "oncology"};
  waiting.quota_holding = QuotaHolding::Waiting;
  auto const left = decide(waiting, Action::Cancel, kDoctor, input, now, context());
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->quota_move, QuotaMove::LeaveWaitlist);
  EXPECT_EQ(left->referral.quota_holding, QuotaHolding::None);

  auto const nothing =
      decide(referral(State::Registered, now), Action::Cancel, kDoctor, input, now, context());
  ASSERT_TRUE(nothing.has_value());
  EXPECT_EQ(nothing->quota_move, QuotaMove::None);
  EXPECT_EQ(nothing->referral.state, State::Cancelled);
}

TEST_F(DecideTest, AdmissionConsumesTheReservedUnit) {
  ActionInput input;
  input.case_number = "CH-12";
  auto const d = decide(with_talon(referral(State::Scheduled, now), now), Action::Admit,
                        kHospitalStaff, input, now, context());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->quota_move, QuotaMove::Consume);
  EXPECT_EQ(d->referral.quota_holding, QuotaHolding::Used);
  EXPECT_EQ(d->referral.case_number, "CH-12");
  EXPECT_FALSE(d->referral.deadline.has_value());
}

TEST_F(DecideTest, ExpiryWaitsForTheEndOfTheTalonsValidity) {
  auto const talon = with_talon(referral(State::TalonIssued, now), now);
  auto const early = decide(talon, Action::Expire, Actor::system(), {},
                            at("2026-04-01T23:59:00+05:00"), context());
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, Errc::InvalidTransition);
  auto const late = decide(talon, Action::Expire, Actor::system(), {},
                           at("2026-04-02T00:00:00+05:00"), context());
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->referral.state, State::Expired);
  EXPECT_EQ(late->quota_move, QuotaMove::Release);
}

TEST_F(DecideTest, TheAuditEventRecordsWhoWhatAndWhy) {
  ActionInput input;
  input.reason = "Indications not confirmed";
  input.comment = "See protocol";
  auto const d = decide(referral(State::CommissionReview, now), Action::Reject, kCommission, input,
                        now, context());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->event.actor, "commission");
  EXPECT_EQ(d->event.role, Role::Commission);
  EXPECT_EQ(d->event.action, "reject");
  EXPECT_EQ(d->event.referral_id, 9);
  EXPECT_EQ(d->event.at, now);
  auto const has = [&](std::string const& k, std::string const& v) {
    return std::find(d->event.detail.begin(), d->event.detail.end(), std::pair{k, v}) !=
           d->event.detail.end();
  };
  EXPECT_TRUE(has("from", "commission_review"));
  EXPECT_TRUE(has("to", "rejected"));
  EXPECT_TRUE(has("reason", "Indications not confirmed"));
  EXPECT_TRUE(has("comment", "See protocol"));
}

TEST_F(DecideTest, AllowedActionsPerRole) {
  auto const names = [](std::vector<AllowedAction> const& actions) {
    std::vector<std::string_view> out;
    for (auto a : actions) out.push_back(to_string(a.action));
    return out;
  };
  using V = std::vector<std::string_view>;
  EXPECT_EQ(names(allowed_actions(referral(State::Registered, now), kDoctor)),
            (V{"submit", "cancel"}));
  EXPECT_EQ(names(allowed_actions(referral(State::CommissionReview, now), kCommission)),
            (V{"schedule_in_person", "approve", "reject", "request_info"}));
  EXPECT_EQ(
      names(allowed_actions(with_talon(referral(State::TalonIssued, now), now), kHospitalStaff)),
      (V{"accept", "decline"}));
  EXPECT_EQ(names(allowed_actions(referral(State::RepublicanReview, now), kRepublic)),
            (V{"approve", "reject", "refer_abroad"}));
  EXPECT_TRUE(allowed_actions(referral(State::CommissionReview, now), kOtherCommission).empty());
  EXPECT_TRUE(allowed_actions(referral(State::CommissionReview, now),
                              Actor{8, "admin", Role::Admin, std::nullopt, ""})
                  .empty());
}

}  // namespace
}  // namespace joldama
