#pragma once
// The domain's vocabularies. Each enum has one names table (EnumText<E>); to_string and parse
// are the only conversions, and the database stores the same text under a CHECK constraint.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <type_traits>

namespace joldama {

enum class State {
  Registered,
  BookingRequested,  // planned route: the hospital the patient chose is to confirm
  CommissionReview,
  InPersonScheduled,
  InfoRequested,
  RepublicanReview,
  Waitlisted,
  TalonIssued,
  Scheduled,
  Admitted,
  AbroadReview,
  AbroadApproved,
  Completed,
  Rejected,
  Cancelled,
  Expired,
  NoShow,  // terminal
};

// The orders a list of referrals can be read in. `Worklist`: urgent first, then the longest in
// its present state; `State`: by the states' order in the workflow, each state in worklist
// order; the others by the deadline (none last) or the registration, with the id breaking ties.
enum class ListOrder { Worklist, Deadline, DeadlineDescending, Created, CreatedDescending, State };

enum class Action {
  Register,
  Submit,
  Book,
  Confirm,
  Refuse,
  ScheduleInPerson,
  RescheduleExam,
  ExamNoShow,
  Approve,
  Reject,
  RequestInfo,
  Resubmit,
  ReferAbroad,
  Promote,
  Complete,
  Accept,
  Decline,
  Admit,
  NoShow,
  Discharge,
  Cancel,
  Expire,
};

// `System` is the bureau itself: the deadline sweep and waitlist promotion act as it.
enum class Role { Doctor, Commission, Republican, Hospital, Admin, System };

// The two routes of a referral: planned care in a hospital the patient chooses among those with a
// free place (no commission, no quota), and high-technology care through the commission, the
// republican level and a quota.
enum class Route { Planned, HighTech };

enum class Urgency { Routine, Urgent };
enum class CareForm { Inpatient, DayHospital };
enum class Residency { Citizen, Kandas, ForeignPermanent, StatelessPermanent, ForeignTemporary };
enum class Sex { Male, Female };
enum class DecisionMode { InAbsentia, InPerson };
enum class Outcome { Recovered, Improved, Unchanged, Worsened, Died };
enum class OrganizationKind { Polyclinic, Hospital };
enum class OrganizationLevel { Local, Regional, Republican };

// The languages of the interface.
enum class Locale { Kk, Ru, En };

// What a referral holds of its quota: nothing, a place in the waitlist, a reserved unit, or a
// used unit (after admission).
enum class QuotaHolding { None, Waiting, Reserved, Used };

// What a notice in a member of staff's inbox tells them (see workflow/notices.hpp).
enum class NoticeKind {
  InfoRequested,    // the commission asks the referring doctor for documents
  DecisionMade,     // a commission, the republican level or a hospital decided
  ReferralArrived,  // a referral entered the queue of the reader's level
  TalonArrived,     // a talon names the reader's hospital
  BookingArrived,   // a planned booking asks the reader's hospital to confirm
  Promoted,         // a waitlisted referral got its quota unit and a talon
  DeadlineDue,      // the step's deadline falls due by the end of the next working day
};

// What a message to a patient tells them (see workflow/patient_messages.hpp). Never the
// diagnosis or the profile: an SMS is read by others.
enum class MessageKind {
  TalonIssued,        // a talon names the hospital that will admit them
  BookingConfirmed,   // the hospital they chose confirmed the day
  BookingRefused,     // the hospital they chose could not take them that day
  AdmissionDateSet,   // the hospital set the day of admission
  ExamDateSet,        // the commission set, or moved, the day of its in-person examination
  DecisionMade,       // a commission, the republican level or a hospital decided
  AdmissionTomorrow,  // the day before the admission
};

// How a message reaches a patient.
enum class Channel { Sms, Email };

// A message in the outbox: not yet tried, delivered, tried and to be tried again, or given up
// (an administrator may try it again).
enum class DeliveryState { Pending, Sent, Failed, Dead };

// The inputs an action can take; a transition row names the ones it requires.
enum class Field {
  Comment,
  Reason,
  ReasonCode,
  Protocol,
  ExamAt,
  ExamPlace,
  HospitalId,
  Clinic,
  Country,
  Outcome,
  PlannedDate,
  CaseNumber,
  FinalIcd10,
};

template <class E>
struct EnumText;

#define JOLDAMA_ENUM_TEXT(E, ...)                                                  \
  template <>                                                                      \
  struct EnumText<E> {                                                             \
    static constexpr auto kNames = std::to_array<std::string_view>({__VA_ARGS__}); \
  }

JOLDAMA_ENUM_TEXT(State, "registered", "booking_requested", "commission_review",
                  "in_person_scheduled", "info_requested", "republican_review", "waitlisted",
                  "talon_issued", "scheduled", "admitted", "abroad_review", "abroad_approved",
                  "completed", "rejected", "cancelled", "expired", "no_show");
JOLDAMA_ENUM_TEXT(Action, "register", "submit", "book", "confirm", "refuse", "schedule_in_person",
                  "reschedule_exam", "exam_no_show", "approve", "reject", "request_info",
                  "resubmit", "refer_abroad", "promote", "complete", "accept", "decline", "admit",
                  "no_show", "discharge", "cancel", "expire");
JOLDAMA_ENUM_TEXT(ListOrder, "worklist", "deadline", "-deadline", "created_at", "-created_at",
                  "state");
JOLDAMA_ENUM_TEXT(Route, "planned", "high_tech");
JOLDAMA_ENUM_TEXT(Role, "doctor", "commission", "republican", "hospital", "admin", "system");
JOLDAMA_ENUM_TEXT(Urgency, "routine", "urgent");
JOLDAMA_ENUM_TEXT(CareForm, "inpatient", "day_hospital");
JOLDAMA_ENUM_TEXT(Residency, "citizen", "kandas", "foreign_permanent", "stateless_permanent",
                  "foreign_temporary");
JOLDAMA_ENUM_TEXT(Sex, "male", "female");
JOLDAMA_ENUM_TEXT(DecisionMode, "in_absentia", "in_person");
JOLDAMA_ENUM_TEXT(Outcome, "recovered", "improved", "unchanged", "worsened", "died");
JOLDAMA_ENUM_TEXT(OrganizationKind, "polyclinic", "hospital");
JOLDAMA_ENUM_TEXT(OrganizationLevel, "local", "regional", "republican");
JOLDAMA_ENUM_TEXT(Locale, "kk", "ru", "en");
JOLDAMA_ENUM_TEXT(QuotaHolding, "none", "waiting", "reserved", "used");
JOLDAMA_ENUM_TEXT(NoticeKind, "info_requested", "decision_made", "referral_arrived",
                  "talon_arrived", "booking_arrived", "promoted", "deadline_due");
JOLDAMA_ENUM_TEXT(MessageKind, "talon_issued", "booking_confirmed", "booking_refused",
                  "admission_date_set", "exam_date_set", "decision_made", "admission_tomorrow");
JOLDAMA_ENUM_TEXT(Channel, "sms", "email");
JOLDAMA_ENUM_TEXT(DeliveryState, "pending", "sent", "failed", "dead");
JOLDAMA_ENUM_TEXT(Field, "comment", "reason", "reason_code", "protocol", "at", "place",
                  "hospital_id", "clinic", "country", "outcome", "planned_date", "case_number",
                  "final_icd10");

#undef JOLDAMA_ENUM_TEXT

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires {
  EnumText<E>::kNames;
};

template <NamedEnum E>
constexpr std::size_t enum_count() {
  return EnumText<E>::kNames.size();
}

template <NamedEnum E>
constexpr std::string_view to_string(E value) {
  auto const index = static_cast<std::size_t>(value);
  return index < enum_count<E>() ? EnumText<E>::kNames[index] : std::string_view{"?"};
}

// The enumerator whose text is exactly `text`, or nothing.
template <NamedEnum E>
constexpr std::optional<E> parse(std::string_view text) {
  for (std::size_t i = 0; i < enum_count<E>(); ++i) {
    if (EnumText<E>::kNames[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Every enumerator, in declaration order.
template <NamedEnum E>
constexpr std::array<E, enum_count<E>()> all_values() {
  std::array<E, enum_count<E>()> values{};
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<E>(i);
  return values;
}

// A set of enumerators of one enum, usable in constant expressions (the transition table).
template <NamedEnum E>
class EnumSet {
  static_assert(enum_count<E>() <= 64);

 public:
  constexpr EnumSet() = default;
  constexpr EnumSet(std::initializer_list<E> values) {
    for (E v : values) bits_ |= bit(v);
  }
  constexpr bool contains(E v) const { return (bits_ & bit(v)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr EnumSet with(E v) const { return from_bits(bits_ | bit(v)); }
  friend constexpr bool operator==(EnumSet, EnumSet) = default;

 private:
  static constexpr std::uint64_t bit(E v) { return std::uint64_t{1} << static_cast<unsigned>(v); }
  static constexpr EnumSet from_bits(std::uint64_t bits) {
    EnumSet s;
    s.bits_ = bits;
    return s;
  }
  std::uint64_t bits_ = 0;
};

constexpr bool is_terminal(State s) {
  return s == State::Completed || s == State::Rejected || s == State::Cancelled ||
         s == State::Expired || s == State::NoShow;
}

}  // namespace joldama
