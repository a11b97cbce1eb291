// What a patient is told: which transitions send a message, the words (in the patient's
// language, with no diagnosis and no profile), the keys that make a retry recognisable, and the
// backoff, dead-letter and revival of a delivery.

#include "workflow/patient_messages.hpp"

#include <gtest/gtest.h>

#include "workflow/transition_table.hpp"
#include "workflow/validation.hpp"

namespace joldama {
namespace {

using namespace std::chrono_literals;

Timestamp at(std::string_view text) {
  return *parse_timestamp(text);
}

Patient patient_with(std::string phone, std::string email, Locale language) {
  Patient p;
  p.id = 7;
  p.phone = std::move(phone);
  p.email = std::move(email);
  p.language = language;
  return p;
}

Referral scheduled_referral() {
  Referral r;
  r.id = 42;
  r.code = "JD-2026-000042";
  r.profile = "cardiac_surgery";
  r.icd10 = "I25.1";
  r.state = State::Scheduled;
  Talon talon;
  talon.number = "T-42";
  talon.planned_date = parse_date("2026-03-16");
  r.talon = talon;
  return r;
}

TEST(PatientMessages, EachEventThePatientWaitsForSendsItsMessage) {
  EXPECT_EQ(patient_message_for(Action::Approve, Role::Republican, State::TalonIssued),
            MessageKind::TalonIssued);
  EXPECT_EQ(patient_message_for(Action::Promote, Role::System, State::TalonIssued),
            MessageKind::TalonIssued);
  EXPECT_EQ(patient_message_for(Action::Confirm, Role::Hospital, State::Scheduled),
            MessageKind::BookingConfirmed);
  EXPECT_EQ(patient_message_for(Action::Refuse, Role::Hospital, State::Registered),
            MessageKind::BookingRefused);
  EXPECT_EQ(patient_message_for(Action::Accept, Role::Hospital, State::Scheduled),
            MessageKind::AdmissionDateSet);
  EXPECT_EQ(patient_message_for(Action::ScheduleInPerson, Role::Commission,
                                State::InPersonScheduled),
            MessageKind::ExamDateSet);
  EXPECT_EQ(patient_message_for(Action::RescheduleExam, Role::Commission,
                                State::InPersonScheduled),
            MessageKind::ExamDateSet);
  for (auto const& [action, role, to] :
       {std::tuple{Action::Approve, Role::Commission, State::RepublicanReview},
        std::tuple{Action::Reject, Role::Commission, State::Rejected},
        std::tuple{Action::Approve, Role::Republican, State::Waitlisted},
        std::tuple{Action::Reject, Role::Republican, State::Rejected},
        std::tuple{Action::ReferAbroad, Role::Republican, State::AbroadReview},
        std::tuple{Action::Decline, Role::Hospital, State::RepublicanReview}}) {
    EXPECT_EQ(patient_message_for(action, role, to), MessageKind::DecisionMade)
        << to_string(action) << " by " << to_string(role);
  }
}

TEST(PatientMessages, StaffWorkThatChangesNothingForThePatientSendsNothing) {
  EXPECT_FALSE(patient_message_for(Action::Submit, Role::Doctor, State::CommissionReview));
  EXPECT_FALSE(patient_message_for(Action::RequestInfo, Role::Commission, State::InfoRequested));
  EXPECT_FALSE(patient_message_for(Action::Resubmit, Role::Doctor, State::CommissionReview));
  EXPECT_FALSE(patient_message_for(Action::Book, Role::Doctor, State::BookingRequested));
  EXPECT_FALSE(patient_message_for(Action::Admit, Role::Hospital, State::Admitted));
  EXPECT_FALSE(patient_message_for(Action::Discharge, Role::Hospital, State::Completed));
}

// Every rule can fire: some row of the transition table matches it.
TEST(PatientMessages, EveryRuleMatchesARowOfTheTransitionTable) {
  for (auto const& rule : patient_message_rules()) {
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

TEST(PatientMessages, TheWordsAreInThePatientsLanguageWithTheCodeDayAndStatusPage) {
  auto const referral = scheduled_referral();
  auto const kk = messages_for(patient_with("+77011234567", "", Locale::Kk), referral,
                               MessageKind::AdmissionDateSet, "v5", at("2026-03-05T09:00:00Z"),
                               "https://joldama.kz/");
  ASSERT_EQ(kk.size(), 1u);
  EXPECT_EQ(kk[0].channel, Channel::Sms);
  EXPECT_EQ(kk[0].language, Locale::Kk);
  EXPECT_EQ(kk[0].body,
            "Joldama: JD-2026-000042 жолдамасы бойынша емдеуге жатқызу күні белгіленді: "
            "16.03.2026. Толығырақ: https://joldama.kz/status.html#code=JD-2026-000042");
  EXPECT_TRUE(kk[0].subject.empty()) << "an SMS has no subject";

  auto const ru = messages_for(patient_with("", "aigerim@mail.kz", Locale::Ru), referral,
                               MessageKind::AdmissionTomorrow, "day-2026-03-16",
                               at("2026-03-15T09:00:00Z"), "https://joldama.kz");
  ASSERT_EQ(ru.size(), 1u);
  EXPECT_EQ(ru[0].channel, Channel::Email);
  EXPECT_EQ(ru[0].subject, "Joldama: направление JD-2026-000042");
  EXPECT_EQ(ru[0].body,
            "Joldama: завтра, 16.03.2026, госпитализация по направлению JD-2026-000042. "
            "Возьмите удостоверение личности и талон. Подробнее: "
            "https://joldama.kz/status.html#code=JD-2026-000042");
}

TEST(PatientMessages, AnExamNamesItsDayAndTimeInKazakhstan) {
  auto referral = scheduled_referral();
  referral.exam_at = at("2026-03-10T05:30:00Z");  // 10:30 in Astana
  auto const text =
      messages_for(patient_with("+77011234567", "", Locale::Ru), referral,
                   MessageKind::ExamDateSet, "v3", at("2026-03-05T09:00:00Z"), "http://x")[0]
          .body;
  EXPECT_NE(text.find("10.03.2026 10:30"), std::string::npos) << text;
}

// An SMS is read by others: no message names the diagnosis, its code or the profile.
TEST(PatientMessages, NoMessageSaysTheDiagnosisOrTheProfile) {
  auto referral = scheduled_referral();
  referral.exam_at = at("2026-03-10T05:30:00Z");
  for (MessageKind kind : all_values<MessageKind>()) {
    for (Locale language : {Locale::Kk, Locale::Ru}) {
      auto const messages =
          messages_for(patient_with("+77011234567", "a@mail.kz", language), referral, kind,
                       "v1", at("2026-03-05T09:00:00Z"), "http://x");
      ASSERT_EQ(messages.size(), 2u);
      for (auto const& m : messages) {
        for (std::string_view secret : {"I25", "cardiac", "кардио", "жүрек", "сердц"}) {
          EXPECT_EQ(m.body.find(secret), std::string::npos) << to_string(kind) << ": " << m.body;
          EXPECT_EQ(m.subject.find(secret), std::string::npos) << m.subject;
        }
        EXPECT_NE(m.body.find("JD-2026-000042"), std::string::npos) << m.body;
        EXPECT_NE(m.body.find("status.html#code=JD-2026-000042"), std::string::npos) << m.body;
      }
    }
  }
}

TEST(PatientMessages, OneMessagePerChannelTheRecordHasEachWithItsOwnKey) {
  auto const referral = scheduled_referral();
  auto const now = at("2026-03-05T09:00:00Z");
  EXPECT_TRUE(messages_for(patient_with("", "", Locale::Kk), referral, MessageKind::TalonIssued,
                           "v4", now, "http://x")
                  .empty());
  auto const both = messages_for(patient_with("+77011234567", "a@mail.kz", Locale::Kk),
                                 referral, MessageKind::TalonIssued, "v4", now, "http://x");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].idempotency_key, "joldama-42-v4-talon_issued-sms");
  EXPECT_EQ(both[1].idempotency_key, "joldama-42-v4-talon_issued-email");
  EXPECT_EQ(both[1].recipient, "a@mail.kz");
  for (auto const& m : both) {
    EXPECT_EQ(m.state, DeliveryState::Pending);
    EXPECT_EQ(m.attempts, 0);
    EXPECT_EQ(m.next_attempt_at, now);
    EXPECT_EQ(m.patient_id, 7);
    EXPECT_EQ(m.referral_id, 42);
  }
  auto const again = messages_for(patient_with("+77011234567", "", Locale::Kk), referral,
                                  MessageKind::TalonIssued, "v4", now + 1h, "http://x");
  EXPECT_EQ(again[0].idempotency_key, both[0].idempotency_key)
      << "the same change makes the same key";
}

TEST(PatientMessages, RetriesBackOffDoublingUpToTheLongestWait) {
  DeliveryPolicy const policy{8, 30s, 600s};
  EXPECT_EQ(retry_delay(policy, 1), 30s);
  EXPECT_EQ(retry_delay(policy, 2), 60s);
  EXPECT_EQ(retry_delay(policy, 3), 120s);
  EXPECT_EQ(retry_delay(policy, 5), 480s);
  EXPECT_EQ(retry_delay(policy, 6), 600s);
  EXPECT_EQ(retry_delay(policy, 60), 600s);
}

TEST(PatientMessages, AFailedAttemptWaitsItsTurnAndTheLastOneIsDead) {
  DeliveryPolicy const policy{3, 10s, 3600s};
  auto const t0 = at("2026-03-05T09:00:00Z");
  OutboxMessage m;
  m.next_attempt_at = t0;

  begin_attempt(m, t0, policy);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.next_attempt_at, t0 + 10s) << "a crash now leaves it to be tried after the lease";
  record_outcome(m, {DeliveryOutcome::Kind::Failed, "503 busy"}, t0 + 1s, policy);
  EXPECT_EQ(m.state, DeliveryState::Failed);
  EXPECT_EQ(m.last_error, "503 busy");
  EXPECT_EQ(m.next_attempt_at, t0 + 11s);

  begin_attempt(m, t0 + 11s, policy);
  record_outcome(m, {DeliveryOutcome::Kind::Failed, "timeout"}, t0 + 12s, policy);
  EXPECT_EQ(m.state, DeliveryState::Failed);
  EXPECT_EQ(m.next_attempt_at, t0 + 32s);

  begin_attempt(m, t0 + 32s, policy);
  record_outcome(m, {DeliveryOutcome::Kind::Failed, "timeout"}, t0 + 33s, policy);
  EXPECT_EQ(m.state, DeliveryState::Dead) << "three attempts are the limit";
  EXPECT_EQ(m.attempts, 3);

  ASSERT_TRUE(revive_message(m, t0 + 1h));
  EXPECT_EQ(m.state, DeliveryState::Pending);
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.next_attempt_at, t0 + 1h);
  begin_attempt(m, t0 + 1h, policy);
  record_outcome(m, {}, t0 + 1h + 1s, policy);
  EXPECT_EQ(m.state, DeliveryState::Sent);
  EXPECT_EQ(m.sent_at, t0 + 1h + 1s);
  EXPECT_TRUE(m.last_error.empty());

  auto const again = revive_message(m, t0 + 2h);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::InvalidTransition) << "a sent message is not sent again";
}

TEST(PatientMessages, ARefusedMessageIsDeadAtOnce) {
  DeliveryPolicy const policy;
  OutboxMessage m;
  begin_attempt(m, at("2026-03-05T09:00:00Z"), policy);
  record_outcome(m, {DeliveryOutcome::Kind::Refused, "550 no such mailbox"},
                 at("2026-03-05T09:00:01Z"), policy);
  EXPECT_EQ(m.state, DeliveryState::Dead);
  EXPECT_EQ(m.last_error, "550 no such mailbox");
}

TEST(PatientMessages, TheOutboxShowsEnoughOfTheAddressToTellMessagesApart) {
  EXPECT_EQ(masked_recipient(Channel::Sms, "+77011234567"), "+7701*****67");
  EXPECT_EQ(masked_recipient(Channel::Email, "aigerim@mail.kz"), "a***@mail.kz");
  EXPECT_EQ(masked_recipient(Channel::Email, "broken"), "***");
  EXPECT_EQ(masked_recipient(Channel::Sms, "+7701"), "*****");
}

TEST(EmailValidation, AnAddressIsCheckedAndItsDomainLowered) {
  EXPECT_EQ(*validate_email("email", " Aigerim.N@Mail.KZ "), "Aigerim.N@mail.kz");
  EXPECT_EQ(*validate_email("email", "a+b@x.example.kz"), "a+b@x.example.kz");
  for (std::string_view bad : {"", "aigerim", "a@b", "@mail.kz", "a@@mail.kz", "a@mail..kz",
                               ".a@mail.kz", "a..b@mail.kz", "a b@mail.kz", "a@-mail.kz",
                               "a@mail.kz\r\nBcc: x@y.kz", "а@mail.kz"}) {
    auto const checked = validate_email("email", bad);
    ASSERT_FALSE(checked) << bad;
    EXPECT_EQ(checked.error().field, "email") << bad;
  }
}

}  // namespace
}  // namespace joldama
