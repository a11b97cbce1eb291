#include "workflow/patient_messages.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace joldama {

namespace {

using A = Action;
using S = State;
using R = Role;
using K = MessageKind;

// The first rule a transition matches is the one message it sends.
constexpr PatientMessageRule kRules[] = {
    // Planned route: the hospital the patient chose answers the booking.
    {K::BookingConfirmed, {A::Confirm}, {R::Hospital}, {}},
    {K::BookingRefused, {A::Refuse}, {R::Hospital}, {}},
    // High-tech route: a talon from the republican level, or from the waitlist.
    {K::TalonIssued, {}, {}, {S::TalonIssued}},
    {K::AdmissionDateSet, {A::Accept}, {R::Hospital}, {}},
    {K::ExamDateSet, {A::ScheduleInPerson, A::RescheduleExam}, {R::Commission}, {}},
    {K::DecisionMade,
     {A::Approve, A::Reject, A::ReferAbroad, A::Decline},
     {R::Commission, R::Republican, R::Hospital},
     {}},
};

struct Words {
  std::string_view subject;
  std::string_view body;  // {code}, {when}, {url}
};

// Kazakh and Russian, one pair per kind in the order of MessageKind.
constexpr Words kKazakh[] = {
    {"Joldama: {code} жолдамасы",
     "Joldama: {code} жолдамасы бойынша емдеуге жатқызуға талон берілді. Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: аурухана {code} жолдамасы бойынша {when} күні емдеуге жатқызуды растады. "
     "Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: аурухана {code} жолдамасы бойынша таңдалған күні қабылдай алмайды. Басқа күнді "
     "немесе аурухананы дәрігеріңізбен бірге таңдаңыз. Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: {code} жолдамасы бойынша емдеуге жатқызу күні белгіленді: {when}. "
     "Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: {code} жолдамасы бойынша комиссияда бетпе-бет қарау уақыты: {when}. "
     "Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: {code} жолдамасы бойынша шешім қабылданды. Толығырақ: {url}"},
    {"Joldama: {code} жолдамасы",
     "Joldama: ертең, {when}, {code} жолдамасы бойынша емдеуге жатқызу. Жеке басты "
     "куәландыратын құжатты және талонды алыңыз. Толығырақ: {url}"},
};
constexpr Words kRussian[] = {
    {"Joldama: направление {code}",
     "Joldama: по направлению {code} выдан талон на госпитализацию. Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: больница подтвердила госпитализацию по направлению {code} на {when}. "
     "Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: больница не может принять вас по направлению {code} в выбранный день. Выберите "
     "другой день или больницу вместе с врачом. Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: по направлению {code} назначена дата госпитализации: {when}. Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: по направлению {code} назначен очный осмотр на комиссии: {when}. "
     "Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: по направлению {code} принято решение. Подробнее: {url}"},
    {"Joldama: направление {code}",
     "Joldama: завтра, {when}, госпитализация по направлению {code}. Возьмите удостоверение "
     "личности и талон. Подробнее: {url}"},
};
static_assert(std::size(kKazakh) == enum_count<MessageKind>());
static_assert(std::size(kRussian) == enum_count<MessageKind>());

std::string fill(std::string_view text, std::string_view code, std::string_view when,
                 std::string_view url) {
  return fmt::format(fmt::runtime(text), fmt::arg("code", code), fmt::arg("when", when),
                     fmt::arg("url", url));
}

// "DD.MM.YYYY", as both languages write a day.
std::string day_text(Date day) {
  std::chrono::year_month_day const ymd{day};
  return fmt::format("{:02}.{:02}.{:04}", static_cast<unsigned>(ymd.day()),
                     static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
}

// "DD.MM.YYYY HH:MM" in Kazakhstan.
std::string day_and_time_text(Timestamp at) {
  auto const day = local_date(at);
  auto const minutes = std::chrono::duration_cast<std::chrono::minutes>(
                           at + kKazakhstanUtcOffset - Timestamp{day.time_since_epoch()})
                           .count();
  return fmt::format("{} {:02}:{:02}", day_text(day), minutes / 60, minutes % 60);
}

// The day or time a kind of message names, if the referral has it.
std::string when_of(MessageKind kind, Referral const& referral) {
  switch (kind) {
    case K::BookingConfirmed:
    case K::AdmissionDateSet:
    case K::AdmissionTomorrow:
      if (referral.talon && referral.talon->planned_date) {
        return day_text(*referral.talon->planned_date);
      }
      if (referral.booking_date) return day_text(*referral.booking_date);
      return {};
    case K::ExamDateSet: return referral.exam_at ? day_and_time_text(*referral.exam_at) : "";
    case K::TalonIssued:
    case K::BookingRefused:
    case K::DecisionMade: return {};
  }
  return {};
}

}  // namespace

std::span<PatientMessageRule const> patient_message_rules() {
  return kRules;
}

std::optional<MessageKind> patient_message_for(Action action, Role by, State to) {
  for (auto const& rule : kRules) {
    if (!rule.actions.empty() && !rule.actions.contains(action)) continue;
    if (!rule.by.empty() && !rule.by.contains(by)) continue;
    if (!rule.to.empty() && !rule.to.contains(to)) continue;
    return rule.kind;
  }
  return std::nullopt;
}

MessageText compose_message(MessageKind kind, Locale language, std::string_view code,
                            std::string_view when, std::string_view status_page) {
  auto const& words = (language == Locale::Ru ? kRussian : kKazakh)[static_cast<std::size_t>(kind)];
  return {fill(words.subject, code, when, status_page), fill(words.body, code, when, status_page)};
}

std::string status_page_of(std::string_view public_url, std::string_view code) {
  while (public_url.ends_with('/')) public_url.remove_suffix(1);
  return fmt::format("{}/status.html#code={}", public_url, code);
}

std::vector<OutboxMessage> messages_for(Patient const& patient, Referral const& referral,
                                        MessageKind kind, std::string_view cause, Timestamp now,
                                        std::string_view public_url) {
  std::vector<OutboxMessage> messages;
  auto const language = patient.language == Locale::Ru ? Locale::Ru : Locale::Kk;
  auto const text = compose_message(kind, language, referral.code, when_of(kind, referral),
                                    status_page_of(public_url, referral.code));
  auto const add = [&](Channel channel, std::string const& recipient) {
    if (recipient.empty()) return;
    OutboxMessage m;
    m.created_at = now;
    m.patient_id = patient.id;
    m.referral_id = referral.id;
    m.channel = channel;
    m.recipient = recipient;
    m.kind = kind;
    m.language = language;
    m.subject = channel == Channel::Email ? text.subject : "";
    m.body = text.body;
    m.idempotency_key = fmt::format("joldama-{}-{}-{}-{}", referral.id, cause, to_string(kind),
                                    to_string(channel));
    m.next_attempt_at = now;
    messages.push_back(std::move(m));
  };
  add(Channel::Sms, patient.phone);
  add(Channel::Email, patient.email);
  return messages;
}

std::chrono::seconds retry_delay(DeliveryPolicy const& policy, int attempts) {
  auto delay = policy.first_retry;
  for (int i = 1; i < attempts && delay < policy.longest_retry; ++i) delay *= 2;
  return std::min(delay, policy.longest_retry);
}

void begin_attempt(OutboxMessage& message, Timestamp now, DeliveryPolicy const& policy) {
  ++message.attempts;
  message.next_attempt_at = now + retry_delay(policy, message.attempts);
}

void record_outcome(OutboxMessage& message, DeliveryOutcome const& outcome, Timestamp now,
                    DeliveryPolicy const& policy) {
  switch (outcome.kind) {
    case DeliveryOutcome::Kind::Delivered:
      message.state = DeliveryState::Sent;
      message.sent_at = now;
      message.last_error.clear();
      return;
    case DeliveryOutcome::Kind::Failed:
      message.last_error = outcome.error;
      message.state =
          message.attempts >= policy.max_attempts ? DeliveryState::Dead : DeliveryState::Failed;
      message.next_attempt_at = now + retry_delay(policy, message.attempts);
      return;
    case DeliveryOutcome::Kind::Refused:
      message.last_error = outcome.error;
      message.state = DeliveryState::Dead;
      return;
  }
}

Status revive_message(OutboxMessage& message, Timestamp now) {
  if (message.state != DeliveryState::Dead) {
    return make_error(Errc::InvalidTransition, "only a message given up on is tried again");
  }
  message.state = DeliveryState::Pending;
  message.attempts = 0;
  message.next_attempt_at = now;
  return ok();
}

std::string masked_recipient(Channel channel, std::string_view recipient) {
  if (channel == Channel::Sms) {
    if (recipient.size() < 8) return std::string(recipient.size(), '*');
    return fmt::format("{}{}{}", recipient.substr(0, 5), std::string(recipient.size() - 7, '*'),
                       recipient.substr(recipient.size() - 2));
  }
  auto const at = recipient.find('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return fmt::format("{}***{}", recipient.substr(0, 1), recipient.substr(at));
}

}  // namespace joldama
