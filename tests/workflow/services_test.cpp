// The workflow's commands against the real SQLite storage in a temporary file, and again on
// PostgreSQL and on the in-memory fake of the ports (tests/CMakeLists.txt): only the ports are
// asked, never SQL, so the same assertions hold on each.

#include "workflow/services.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

using testing::at;
using testing::day;
using testing::fresh_iin;
using testing::TestBureau;

class ServicesTest : public ::testing::Test {
 protected:
  // The profile's quotas in every region and year.
  std::vector<Quota> quotas_of(std::string const& profile) {
    auto quotas =
        bureau.read([&](StoreReads& s) { return s.list_quotas(QuotaFilter{{}, {}, profile}); });
    if (!quotas) ADD_FAILURE() << quotas.error().message;
    return quotas ? std::move(*quotas) : std::vector<Quota>{};
  }

  // How many audit events of the referral, actor and action (each when given).
  std::int64_t events(std::optional<Id> referral_id = {}, std::string actor = {},
                      std::string action = {}) {
    AuditFilter filter;
    filter.referral_id = referral_id;
    filter.actor = std::move(actor);
    filter.action = std::move(action);
    auto const counted = bureau.count_audit(filter);
    return counted ? *counted : -1;
  }

  TestBureau bureau;
};

TEST_F(ServicesTest, RegisteringAPatientValidatesEveryField) {
  auto const iin = fresh_iin();
  auto const patient = bureau.add_patient(iin);
  ASSERT_TRUE(patient.has_value()) << patient.error().message;
  EXPECT_GT(patient->id, 0);
  EXPECT_EQ(patient->registered_by_organization, bureau.polyclinic_almaty);

  auto const again = bureau.add_patient(iin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Errc::PatientExists);
  EXPECT_EQ(again.error().field, "iin");

  auto const bad_iin = bureau.add_patient("850715300123");
  ASSERT_FALSE(bad_iin.has_value());
  EXPECT_EQ(bad_iin.error().field, "iin");

  auto const bad_region = bureau.add_patient(fresh_iin(), "99");
  ASSERT_FALSE(bad_region.has_value());
  EXPECT_EQ(bad_region.error().field, "region");

  PatientDraft future;
  future.iin = fresh_iin();
  future.last_name = "Abai";
  future.first_name = "Aru";
  future.birth_date = day("2030-01-01");
  future.region = "75";
  auto const unborn = bureau.write(
      [&](Store& s) { return bureau.workflow.register_patient(s, bureau.doctor, future); });
  ASSERT_FALSE(unborn.has_value());
  EXPECT_EQ(unborn.error().field, "birth_date");

  auto const by_commission =
      bureau.add_patient(fresh_iin(), "75", Residency::Citizen, &bureau.commission);
  ASSERT_FALSE(by_commission.has_value());
  EXPECT_EQ(by_commission.error().code, Errc::Forbidden);
}

TEST_F(ServicesTest, ReferralCodesStartWithThePatientsRegionAndAreNeverReused) {
  auto const almaty = bureau.add_referral("oncology", Urgency::Routine, "75");
  auto const astana = bureau.add_referral("oncology", Urgency::Routine, "71");
  auto const almaty2 = bureau.add_referral("oncology", Urgency::Routine, "75");
  ASSERT_TRUE(almaty && astana && almaty2);
  EXPECT_EQ(almaty->code, "75-26-0000001");
  EXPECT_EQ(astana->code, "71-26-0000001");
  EXPECT_EQ(almaty2->code, "75-26-0000002");
  EXPECT_EQ(almaty->state, State::Registered);
  EXPECT_EQ(almaty->version, 1);

  // Cancelling a referral does not free its number.
  ActionInput reason;
  reason.reason = "Duplicate";
  ASSERT_TRUE(bureau.act(bureau.doctor, almaty->id, Action::Cancel, reason));
  auto const next = bureau.add_referral("oncology", Urgency::Routine, "75");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->code, "75-26-0000003");
}

TEST_F(ServicesTest, ReferralsAreRefusedForUncoveredPatientsAndBadInput) {
  auto const temporary = bureau.add_patient(fresh_iin(), "75", Residency::ForeignTemporary);
  ASSERT_TRUE(temporary.has_value());
  auto const draft = [&](std::string iin, std::string icd, std::string profile,
                         std::string justification) {
    ReferralDraft d{std::move(iin),   std::move(icd),      std::move(profile), Route::HighTech,
                    Urgency::Routine, CareForm::Inpatient, std::move(justification)};
    return bureau.write(
        [&](Store& s) { return bureau.workflow.register_referral(s, bureau.doctor, d); });
  };
  auto const not_covered = draft(temporary->iin, "I25.1", "cardiology", "Needs surgery");
  ASSERT_FALSE(not_covered.has_value());
  EXPECT_EQ(not_covered.error().code, Errc::NotEligible);

  auto const patient = bureau.add_patient(fresh_iin());
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(draft(fresh_iin(), "I25.1", "cardiology", "x").error().field, "patient_iin");
  EXPECT_EQ(draft(patient->iin, "heart", "cardiology", "x").error().field, "icd10");
  EXPECT_EQ(draft(patient->iin, "I25.1", "dentistry", "x").error().field, "profile");
  EXPECT_EQ(draft(patient->iin, "I25.1", "cardiology", " ").error().field, "justification");
  auto const registered = events({}, "", "register");
  EXPECT_EQ(registered, 0);
}

// The whole journey, in absentia: every step's state, quota counters and audit event.
TEST_F(ServicesTest, JourneyInAbsentiaFromRegistrationToDischarge) {
  auto const key = bureau.key("cardiac_surgery");
  ASSERT_TRUE(bureau.set_quota(key, 2));
  auto referral = bureau.add_referral("cardiac_surgery");
  ASSERT_TRUE(referral.has_value());
  Id const id = referral->id;

  auto step = bureau.act(bureau.doctor, id, Action::Submit, {}, 1);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::CommissionReview);
  EXPECT_TRUE(step->deadline.has_value());

  ActionInput protocol;
  protocol.protocol = "P-17/2026";
  step = bureau.act(bureau.commission, id, Action::Approve, protocol, 2);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::RepublicanReview);
  EXPECT_EQ(step->decision_mode, DecisionMode::InAbsentia);

  ActionInput choose;
  choose.hospital_id = bureau.hospital_astana;
  step = bureau.act(bureau.republic, id, Action::Approve, choose, 3);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::TalonIssued);
  ASSERT_TRUE(step->talon.has_value());
  EXPECT_EQ(step->talon->number, "T26-0000001");
  EXPECT_EQ(bureau.quota(key)->reserved, 1);

  ActionInput date;
  date.planned_date = day("2026-03-16");
  step = bureau.act(bureau.hospital, id, Action::Accept, date, 4);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::Scheduled);

  ActionInput admission;
  admission.case_number = "CH-2026-0042";
  step = bureau.act(bureau.hospital, id, Action::Admit, admission, 5);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::Admitted);
  auto quota = bureau.quota(key);
  EXPECT_EQ(quota->reserved, 0);
  EXPECT_EQ(quota->used, 1);

  ActionInput discharge;
  discharge.outcome = Outcome::Improved;
  discharge.final_icd10 = "I251";
  step = bureau.act(bureau.hospital, id, Action::Discharge, discharge, 6);
  ASSERT_TRUE(step.has_value()) << step.error().message;
  EXPECT_EQ(step->state, State::Completed);
  EXPECT_EQ(step->final_icd10, "I25.1");
  EXPECT_EQ(step->version, 7);

  auto const stored = bureau.get(id);
  EXPECT_EQ(stored->state, State::Completed);
  EXPECT_EQ(stored->outcome, Outcome::Improved);
  auto const n = events(id);
  EXPECT_EQ(n, 7);  // register + six actions
}

TEST_F(ServicesTest, JourneyInPersonRecordsTheExamination) {
  auto referral = bureau.add_referral();
  ASSERT_TRUE(referral);
  ASSERT_TRUE(bureau.act(bureau.doctor, referral->id, Action::Submit));
  ActionInput exam;
  exam.exam_at = at("2026-03-04T11:30:00+05:00");
  exam.exam_place = "Almaty health department, room 305";
  auto scheduled = bureau.act(bureau.commission, referral->id, Action::ScheduleInPerson, exam);
  ASSERT_TRUE(scheduled.has_value()) << scheduled.error().message;
  EXPECT_EQ(scheduled->state, State::InPersonScheduled);
  EXPECT_EQ(scheduled->exam_place, "Almaty health department, room 305");
  ActionInput protocol;
  protocol.protocol = "P-18/2026";
  auto approved = bureau.act(bureau.commission, referral->id, Action::Approve, protocol);
  ASSERT_TRUE(approved.has_value());
  EXPECT_EQ(approved->decision_mode, DecisionMode::InPerson);
}

TEST_F(ServicesTest, StaleVersionIsRefusedAndChangesNothing) {
  auto referral = bureau.add_referral();
  ASSERT_TRUE(referral);
  ASSERT_TRUE(bureau.act(bureau.doctor, referral->id, Action::Submit, {}, 1));
  ActionInput reason;
  reason.reason = "Changed my mind";
  auto const stale = bureau.act(bureau.doctor, referral->id, Action::Cancel, reason, 1);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, Errc::StaleVersion);
  EXPECT_EQ(bureau.get(referral->id)->state, State::CommissionReview);
}

TEST_F(ServicesTest, CommissionOfAnotherRegionCannotSeeOrActOnTheReferral) {
  auto referral = bureau.add_referral("oncology", Urgency::Routine, "75");
  ASSERT_TRUE(referral);
  ASSERT_TRUE(bureau.act(bureau.doctor, referral->id, Action::Submit));
  ActionInput protocol;
  protocol.protocol = "P-1";
  auto const outsider =
      bureau.act(bureau.commission_astana, referral->id, Action::Approve, protocol);
  ASSERT_FALSE(outsider.has_value());
  EXPECT_EQ(outsider.error().code, Errc::NotFound);
  auto const other_doctor = bureau.act(bureau.doctor_astana, referral->id, Action::Cancel);
  ASSERT_FALSE(other_doctor.has_value());
  EXPECT_EQ(other_doctor.error().code, Errc::NotFound);
}

TEST_F(ServicesTest, DeclineReroutesWithANewTalonNumber) {
  auto const key = bureau.key();
  ASSERT_TRUE(bureau.set_quota(key, 1));
  auto talon = bureau.referral_with_talon();
  ASSERT_TRUE(talon.has_value()) << talon.error().message;
  ActionInput reason;
  reason.reason = "Equipment under repair";
  auto declined = bureau.act(bureau.hospital, talon->id, Action::Decline, reason);
  ASSERT_TRUE(declined.has_value()) << declined.error().message;
  EXPECT_EQ(declined->state, State::RepublicanReview);
  EXPECT_EQ(bureau.quota(key)->reserved, 0);
  // The declining hospital no longer sees the referral.
  auto const hidden = bureau.act(bureau.hospital, talon->id, Action::Accept);
  EXPECT_EQ(hidden.error().code, Errc::NotFound);

  ActionInput other;
  other.hospital_id = bureau.hospital_almaty;
  auto rerouted = bureau.act(bureau.republic, talon->id, Action::Approve, other);
  ASSERT_TRUE(rerouted.has_value());
  EXPECT_EQ(rerouted->talon->number, "T26-0000002");
  EXPECT_EQ(rerouted->hospital_id, bureau.hospital_almaty);
  EXPECT_EQ(bureau.quota(key)->reserved, 1);
}

TEST_F(ServicesTest, TreatmentAbroad) {
  auto referral = bureau.referral_awaiting_republic("transplantation");
  ASSERT_TRUE(referral);
  ActionInput why;
  why.comment = "Paediatric liver transplant from a living donor is not performed in Kazakhstan";
  auto abroad = bureau.act(bureau.republic, referral->id, Action::ReferAbroad, why);
  ASSERT_TRUE(abroad.has_value());
  EXPECT_EQ(abroad->state, State::AbroadReview);
  ActionInput clinic;
  clinic.clinic = "Universitätsklinikum Essen";
  clinic.country = "Germany";
  auto approved = bureau.act(bureau.republic, referral->id, Action::Approve, clinic);
  ASSERT_TRUE(approved.has_value()) << approved.error().message;
  EXPECT_EQ(approved->state, State::AbroadApproved);
  EXPECT_EQ(approved->abroad_country, "Germany");
  ActionInput outcome;
  outcome.outcome = Outcome::Recovered;
  auto completed = bureau.act(bureau.republic, referral->id, Action::Complete, outcome);
  ASSERT_TRUE(completed.has_value());
  EXPECT_EQ(completed->state, State::Completed);
  EXPECT_EQ(completed->quota_holding, QuotaHolding::None);
}

TEST_F(ServicesTest, AllocationMayNotDropBelowUsageAndRaisingItPromotesInOrder) {
  auto const key = bureau.key("neurosurgery");
  ASSERT_TRUE(bureau.set_quota(key, 1));
  auto holder = bureau.referral_with_talon("neurosurgery");
  ASSERT_TRUE(holder.has_value());
  ASSERT_EQ(holder->state, State::TalonIssued);

  // Three more wait: routine, then urgent, then routine.
  std::vector<Id> waiting;
  for (auto urgency : {Urgency::Routine, Urgency::Urgent, Urgency::Routine}) {
    auto r = bureau.referral_awaiting_republic("neurosurgery", urgency);
    ASSERT_TRUE(r);
    ActionInput choose;
    choose.hospital_id = bureau.hospital_astana;
    auto approved = bureau.act(bureau.republic, r->id, Action::Approve, choose);
    ASSERT_TRUE(approved);
    EXPECT_EQ(approved->state, State::Waitlisted);
    waiting.push_back(r->id);
    bureau.clock.advance(std::chrono::minutes{5});
  }
  auto const position = [&](Id id) {
    return *bureau.read([&](StoreReads& s) { return s.queue_position(id); });
  };
  EXPECT_EQ(position(waiting[1]), 1);  // urgent first
  EXPECT_EQ(position(waiting[0]), 2);
  EXPECT_EQ(position(waiting[2]), 3);
  EXPECT_EQ(position(holder->id), std::nullopt);

  auto const below = bureau.set_quota(key, 0);
  ASSERT_FALSE(below.has_value());
  EXPECT_EQ(below.error().code, Errc::QuotaBelowUsage);
  EXPECT_EQ(below.error().field, "allocated");
  EXPECT_EQ(bureau.quota(key)->allocated, 1);

  auto const raised = bureau.set_quota(key, 3);
  ASSERT_TRUE(raised.has_value());
  EXPECT_EQ(raised->reserved, 3);
  EXPECT_EQ(bureau.get(waiting[1])->state, State::TalonIssued);
  EXPECT_EQ(bureau.get(waiting[0])->state, State::TalonIssued);
  EXPECT_EQ(bureau.get(waiting[2])->state, State::Waitlisted);
  EXPECT_EQ(position(waiting[2]), 1);
}

TEST_F(ServicesTest, CancellingATalonPromotesTheFirstWaitlisted) {
  auto const key = bureau.key("hematology");
  ASSERT_TRUE(bureau.set_quota(key, 1));
  auto holder = bureau.referral_with_talon("hematology");
  ASSERT_TRUE(holder);
  auto waiter = bureau.referral_awaiting_republic("hematology");
  ASSERT_TRUE(waiter);
  ActionInput choose;
  choose.hospital_id = bureau.hospital_almaty;
  ASSERT_EQ(bureau.act(bureau.republic, waiter->id, Action::Approve, choose)->state,
            State::Waitlisted);

  ActionInput reason;
  reason.reason = "Treated elsewhere";
  auto cancelled = bureau.act(bureau.doctor, holder->id, Action::Cancel, reason);
  ASSERT_TRUE(cancelled.has_value());
  auto promoted = bureau.get(waiter->id);
  EXPECT_EQ(promoted->state, State::TalonIssued);
  EXPECT_EQ(promoted->hospital_id, bureau.hospital_almaty);
  EXPECT_EQ(bureau.quota(key)->reserved, 1);
  auto const promote_events = events(waiter->id, "system", "promote");
  EXPECT_EQ(promote_events, 1);
}

TEST_F(ServicesTest, DistributingAThousandUnitsOverTwentyRegions) {
  Distribution plan{2026, "oncology", 1000, false};
  auto const quotas =
      bureau.write([&](Store& s) { return bureau.workflow.distribute(s, bureau.republic, plan); });
  ASSERT_TRUE(quotas.has_value()) << quotas.error().message;
  ASSERT_EQ(quotas->size(), 20u);
  auto const regions = bureau.read([](StoreReads& s) { return s.list_regions(); });
  std::int64_t population = 0;
  for (auto const& r : *regions) population += r.population;
  int total = 0;
  for (std::size_t i = 0; i < quotas->size(); ++i) {
    auto const& q = (*quotas)[i];
    EXPECT_EQ(q.key.region, (*regions)[i].code);
    double const exact =
        1000.0 * static_cast<double>((*regions)[i].population) / static_cast<double>(population);
    EXPECT_GE(q.allocated, static_cast<int>(exact));
    EXPECT_LE(q.allocated, static_cast<int>(exact) + 1);
    EXPECT_EQ(bureau.quota(q.key)->allocated, q.allocated);  // applied
    total += q.allocated;
  }
  EXPECT_EQ(total, 1000);
  int allocated = 0;
  for (auto const& q : quotas_of("oncology")) allocated += q.allocated;
  EXPECT_EQ(allocated, 1000);
}

TEST_F(ServicesTest, DistributionPreviewAndRefusalApplyNothing) {
  Distribution preview{2026, "surgery", 500, true};
  auto const shown = bureau.write(
      [&](Store& s) { return bureau.workflow.distribute(s, bureau.republic, preview); });
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(quotas_of("surgery").size(), 0u);

  // Ulytau holds two units; a national total of 20 would give it none.
  auto const ulytau = bureau.key("surgery", "62");
  ASSERT_TRUE(bureau.set_quota(ulytau, 2));
  Distribution tiny{2026, "surgery", 20, false};
  auto audit_before = events();
  ASSERT_TRUE(bureau.write([&](Store& s) -> Status {
    auto q = s.find_quota(ulytau);
    if (!q) return q.error();
    Quota held = **q;
    held.reserved = 2;
    return s.save_quota(held);
  }));
  // The preview shows the blocking region's share below what it holds, and writes nothing.
  Distribution tiny_preview = tiny;
  tiny_preview.dry_run = true;
  auto const blocked = bureau.write(
      [&](Store& s) { return bureau.workflow.distribute(s, bureau.republic, tiny_preview); });
  ASSERT_TRUE(blocked.has_value());
  auto const ulytau_share =
      std::find_if(blocked->begin(), blocked->end(), [](Quota const& q) { return q.key.region == "62"; });
  ASSERT_NE(ulytau_share, blocked->end());
  EXPECT_LT(ulytau_share->allocated, ulytau_share->reserved + ulytau_share->used);
  auto const refused =
      bureau.write([&](Store& s) { return bureau.workflow.distribute(s, bureau.republic, tiny); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::QuotaBelowUsage);
  EXPECT_NE(refused.error().message.find("62"), std::string::npos);
  EXPECT_EQ(quotas_of("surgery").size(), 1u);
  EXPECT_EQ(events(), audit_before);

  auto const by_doctor =
      bureau.write([&](Store& s) { return bureau.workflow.distribute(s, bureau.doctor, preview); });
  EXPECT_EQ(by_doctor.error().code, Errc::Forbidden);
}

TEST_F(ServicesTest, SweepExpiresTalonsAndReleasesTheirUnits) {
  auto const key = bureau.key();
  ASSERT_TRUE(bureau.set_quota(key, 1));
  auto talon = bureau.referral_with_talon();
  ASSERT_TRUE(talon);
  auto waiter = bureau.referral_awaiting_republic();
  ASSERT_TRUE(waiter);
  ActionInput choose;
  choose.hospital_id = bureau.hospital_astana;
  ASSERT_EQ(bureau.act(bureau.republic, waiter->id, Action::Approve, choose)->state,
            State::Waitlisted);

  auto const sweep = [&] {
    return bureau.write([&](Store& s) { return bureau.workflow.sweep_deadlines(s, 100); });
  };
  // The day before the end of validity nothing expires.
  bureau.clock.set(at("2026-04-01T12:00:00+05:00"));
  auto early = sweep();
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(early->expired.empty());

  bureau.clock.set(at("2026-04-02T00:00:01+05:00"));
  auto report = sweep();
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->expired, std::vector<Id>{talon->id});
  EXPECT_EQ(report->promoted, std::vector<Id>{waiter->id});
  EXPECT_EQ(bureau.get(talon->id)->state, State::Expired);
  EXPECT_EQ(bureau.get(talon->id)->quota_holding, QuotaHolding::None);
  EXPECT_EQ(bureau.get(waiter->id)->state, State::TalonIssued);
  EXPECT_EQ(bureau.quota(key)->reserved, 1);
  EXPECT_EQ(events({}, "system", "expire"), 1);
}

TEST_F(ServicesTest, ARequestForInformationUnansweredInTenWorkingDaysIsOverdue) {
  auto referral = bureau.add_referral();
  ASSERT_TRUE(referral);
  ASSERT_TRUE(bureau.act(bureau.doctor, referral->id, Action::Submit));
  ActionInput ask;
  ask.comment = "Attach the coronary angiography";
  auto asked = bureau.act(bureau.commission, referral->id, Action::RequestInfo, ask);
  ASSERT_TRUE(asked);
  // Asked on Monday 2 March 2026: ten working days, with 9 March off, end on Tuesday 17 March.
  EXPECT_EQ(format_timestamp(*asked->deadline), "2026-03-17T23:59:59+05:00");
  auto const sweep = [&] {
    return bureau.write([&](Store& s) { return bureau.workflow.sweep_deadlines(s, 100); });
  };
  bureau.clock.set(at("2026-03-17T20:00:00+05:00"));
  EXPECT_TRUE(sweep()->overdue.empty());
  bureau.clock.set(at("2026-03-18T09:00:00+05:00"));
  EXPECT_EQ(sweep()->overdue, std::vector<Id>{referral->id});
  EXPECT_EQ(bureau.get(referral->id)->state, State::InfoRequested);
  // The answer resumes the commission's clock with the days it had left, no longer overdue.
  ActionInput answer;
  answer.comment = "Angiography attached";
  auto resumed = bureau.act(bureau.doctor, referral->id, Action::Resubmit, answer);
  ASSERT_TRUE(resumed);
  EXPECT_FALSE(resumed->overdue_at(bureau.clock.now()));
  EXPECT_FALSE(resumed->overdue_since.has_value());
}

TEST_F(ServicesTest, SweepReportsACommissionStepPastTenWorkingDaysOnce) {
  auto referral = bureau.add_referral();
  ASSERT_TRUE(referral);
  // Submitted Monday 2 March 2026; with 9 March off, ten working days end on Tuesday 17 March.
  auto submitted = bureau.act(bureau.doctor, referral->id, Action::Submit);
  ASSERT_TRUE(submitted);
  EXPECT_EQ(format_timestamp(*submitted->deadline), "2026-03-17T23:59:59+05:00");

  auto const sweep = [&] {
    return bureau.write([&](Store& s) { return bureau.workflow.sweep_deadlines(s, 100); });
  };
  bureau.clock.set(at("2026-03-17T18:00:00+05:00"));
  EXPECT_TRUE(sweep()->overdue.empty());
  EXPECT_FALSE(bureau.get(referral->id)->overdue_at(bureau.clock.now()));

  bureau.clock.set(at("2026-03-18T08:00:00+05:00"));
  auto report = sweep();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->overdue, std::vector<Id>{referral->id});
  auto const stored = bureau.get(referral->id);
  EXPECT_TRUE(stored->overdue_at(bureau.clock.now()));
  EXPECT_EQ(stored->overdue_since, bureau.clock.now());
  EXPECT_EQ(stored->version, submitted->version);  // marking is not a new version
  EXPECT_TRUE(sweep()->overdue.empty());           // reported once

  // The commission's decision starts a new step with a new deadline.
  ActionInput protocol;
  protocol.protocol = "P-99";
  auto approved = bureau.act(bureau.commission, referral->id, Action::Approve, protocol);
  ASSERT_TRUE(approved);
  EXPECT_FALSE(approved->overdue_since.has_value());
  EXPECT_FALSE(approved->overdue_at(bureau.clock.now()));
}

}  // namespace
}  // namespace joldama
