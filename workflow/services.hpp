#pragma once
// The workflow's commands. Each runs inside one transaction on the Store it is given (see
// transact() in ports.hpp): it loads what it needs, asks decide(), and writes the referral, the
// quota movement and the audit event together. Every failure is a value; on failure the caller's
// transaction is undone, so nothing is half-written.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/decide.hpp"
#include "workflow/icd10.hpp"
#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/result.hpp"

namespace joldama {

struct PatientDraft {
  std::string iin;
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::optional<Date> birth_date;
  Sex sex = Sex::Male;
  Residency residency = Residency::Citizen;
  std::string region;
  std::string phone;
  bool insured = false;
  std::string email;
  Locale language = Locale::Kk;  // of the messages the patient is sent: kk or ru
};

struct ReferralDraft {
  std::string patient_iin;
  std::string icd10;
  std::string profile;
  Route route = Route::HighTech;
  Urgency urgency = Urgency::Routine;
  CareForm care_form = CareForm::Inpatient;
  std::string justification;
};

struct ActionCommand {
  Id referral_id = 0;
  Action action = Action::Submit;
  std::optional<std::int64_t> expected_version;  // the version the actor saw (If-Match)
  ActionInput input;
};

inline constexpr std::size_t kMaxAttachmentBytes = 10 * 1024 * 1024;
inline constexpr std::size_t kMaxAttachmentsPerReferral = 30;

struct AttachmentUpload {
  std::string filename;
  std::string content_type;  // as declared by the client
  std::string bytes;
  std::string sha256;  // hex digest of bytes, computed by the caller
};

struct SweepReport {
  std::vector<Id> expired;   // talons past validity, now expired with their units released
  std::vector<Id> overdue;   // steps newly past their deadline
  std::vector<Id> promoted;  // waitlisted referrals that got a freed unit
  std::vector<Id> reminded{};  // steps whose deadline falls due by the next working day's end
  std::vector<Id> admissions_reminded{};  // patients told the day before their admission
};

struct Distribution {
  int period = 0;
  std::string profile;
  int total = 0;
  bool dry_run = false;
};

// Limits on what people may do, beyond what their role allows.
struct AccessPolicy {
  int patient_accesses_per_day = 10;  // a doctor's accesses to records of patients from elsewhere
};

// Everything the commands share: the clock, the calendar and the policies.
class Workflow {
 public:
  // Keeps references: the clock, calendar and ICD-10 catalogue must outlive the workflow.
  Workflow(Clock const& clock, WorkingCalendar const& calendar, Icd10Catalogue const& icd10,
           DeadlinePolicy policy, AccessPolicy access = {},
           std::string public_url = "http://127.0.0.1:8080");

  // Doctor registers a patient. Forbidden for other roles; Validation with the field;
  // PatientExists when the IIN is taken.
  Result<Patient> register_patient(Store& store, Actor const& actor,
                                   PatientDraft const& draft) const;

  // Doctor registers a referral for a registered patient in their care (see patient_in_scope);
  // the code starts with the patient's region. A patient outside their care answers exactly
  // like an IIN nobody registered (Validation on patient_iin). NotEligible for a patient the
  // free care does not cover; ReferralExists (naming it) while the patient has an open
  // referral of the profile.
  Result<Referral> register_referral(Store& store, Actor const& actor,
                                     ReferralDraft const& draft) const;

  // A doctor asks, with a reason, for the record of a patient their organization has not cared
  // for (a patient who comes from elsewhere): an act of its own, audited, and limited per doctor
  // and day (RateLimited beyond it). Every request counts, whether a patient has the IIN or not;
  // when none has, the request is recorded and the answer is nothing (the caller says 404).
  // Granted, the organization may see the patient and refer them. Forbidden for other roles;
  // Validation for the IIN or a missing reason.
  Result<std::optional<Patient>> request_patient_access(Store& store, Actor const& actor,
                                                        std::string_view iin,
                                                        std::string_view reason) const;

  // Performs an action of the transition table. NotFound outside the actor's scope,
  // StaleVersion when expected_version is not the stored one, then decide()'s errors.
  Result<Referral> perform(Store& store, Actor const& actor, ActionCommand const& command) const;

  // The referring doctor attaches a document (PDF, PNG or JPEG, checked from its first bytes
  // as well as its declared type) until the commission has decided. NotFound outside scope,
  // Forbidden for other roles, InvalidTransition after the decision, UnsupportedMediaType,
  // Validation for the filename or an empty file, TooLarge beyond 10 MiB.
  Result<AttachmentInfo> attach(Store& store, Actor const& actor, Id referral_id,
                                AttachmentUpload const& upload) const;

  // The bureau's own housekeeping: expires talons past validity (releasing their units and
  // promoting the waitlist), and marks steps that passed their deadline. At most `limit` of
  // each per call; call again while it reports work.
  Result<SweepReport> sweep_deadlines(Store& store, std::size_t limit) const;

  // Republican level or admin sets a quota's allocation. QuotaBelowUsage below reserved + used.
  // Raising it promotes waitlisted referrals in order. Returns the quota after promotion.
  Result<Quota> set_allocation(Store& store, Actor const& actor, QuotaKey const& key,
                               int allocated) const;

  // Republican level distributes a national total of a profile across all regions in
  // proportion to population. Applies nothing if any region would fall below its usage
  // (QuotaBelowUsage) or when dry_run is set. Returns one quota per region, by region code.
  Result<std::vector<Quota>> distribute(Store& store, Actor const& actor,
                                        Distribution const& distribution) const;

  // An administrator sets what a hospital treats and the routes it takes. NotFound for no
  // hospital of this id; Validation naming `profiles` for an unknown profile.
  Result<Organization> set_hospital_profiles(Store& store, Actor const& actor, Id hospital_id,
                                             std::vector<std::string> profiles,
                                             EnumSet<Route> accepts) const;

  // A hospital's staff (their own hospital) or an administrator publish how many planned
  // patients of a profile the hospital can take on a day. Validation naming `profile` when the
  // hospital does not take planned patients of it, `date` for a day past or beyond a year,
  // `capacity` out of 0..10000; CapacityBelowBookings below the places already booked. Returns
  // the day's places with the hospital.
  Result<PlaceListing> set_places(Store& store, Actor const& actor, PlaceKey const& key,
                            int capacity) const;

  // An administrator adds a day off to the calendar (a day moved by an order published after the
  // calendar file was read): kept in the store, and every deadline that counts working days and
  // falls on or after it moves to one working day later, each such referral's change audited.
  // Returns the referrals whose deadline moved. The caller announces the day on the calendar
  // once the command is durable (see WorkingCalendar::announce_day_off); the day must be ahead,
  // so no step already passed counts it. Forbidden for other roles; Validation naming `date`
  // for a day not after today or more than two years ahead, `description` when it is empty or
  // too long; DayOffExists when the day is not a working day already.
  Result<std::vector<Id>> add_day_off(Store& store, Actor const& actor, Date day,
                                      std::string_view description) const;

  Clock const& clock() const { return clock_; }
  WorkingCalendar const& calendar() const { return calendar_; }
  Icd10Catalogue const& icd10() const { return icd10_; }
  DeadlinePolicy const& policy() const { return policy_; }
  AccessPolicy const& access_policy() const { return access_; }

 private:
  // Writes what `decision` made of `before` (still at its stored version): the talon's number,
  // the quota and place movements, the referral, the reports' counters, the notices and
  // messages, the audit event.
  Status apply(Store& store, Referral const& before, Decision& decision) const;
  // Writes the notices the transition owes (workflow/notices.hpp) to the staff it concerns,
  // and the message it owes the patient (workflow/patient_messages.hpp) to the outbox.
  Status notify(Store& store, Decision const& decision) const;
  Status tell_patient(Store& store, Referral const& referral, MessageKind kind,
                      std::string_view cause, Timestamp now) const;
  Result<std::vector<Id>> promote_waitlisted(Store& store, QuotaKey const& key,
                                             Timestamp now) const;

  Clock const& clock_;
  WorkingCalendar const& calendar_;
  Icd10Catalogue const& icd10_;
  DeadlinePolicy policy_;
  AccessPolicy access_;
  std::string public_url_;  // where the patient's messages point (the public status page)
};

}  // namespace joldama
