#include "workflow/services.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "workflow/access.hpp"
#include "workflow/codes.hpp"
#include "workflow/notices.hpp"
#include "workflow/patient_messages.hpp"
#include "workflow/patient_scope.hpp"
#include "workflow/quota.hpp"
#include "workflow/transition_table.hpp"
#include "workflow/validation.hpp"

namespace joldama {

namespace {

constexpr std::size_t kMaxJustificationChars = 4000;

// Sums up again, from their rows by the day joined, the waitlists a waiter has just joined or
// left, in the transaction of the change.
Status sum_up_waitlists_of(Store& store, Referral const& waiter) {
  for (auto const& [region, profile] : waitlists_counted_in(waiter.patient_region, waiter.profile)) {
    auto by_day = store.read_counters(
        CounterRange{std::string{counter::kWaiting}, region, profile, "0", "~"});
    if (!by_day) return by_day.error();
    if (auto s = store.save_waitlist(SummedWaitlist{region, profile, summarize_waitlist(*by_day)});
        !s) {
      return s;
    }
  }
  return ok();
}

Status check_period(int period) {
  if (period < 2000 || period > 2999) {
    return validation_error("period", "the period is a year between 2000 and 2999");
  }
  return ok();
}

// Whether deciding `action` from the referral's state needs the quota snapshot: the rows that
// the actor could take are guarded by the quota.
bool needs_quota(Referral const& referral, Action action, Role role) {
  auto const table = transition_table();
  return std::any_of(table.begin(), table.end(), [&](Transition const& t) {
    return t.action == action && t.role == role && t.from.contains(referral.state) &&
           (t.guard == Guard::QuotaAvailable || t.guard == Guard::QuotaExhausted);
  });
}

}  // namespace

Workflow::Workflow(Clock const& clock, WorkingCalendar const& calendar,
                   Icd10Catalogue const& icd10, DeadlinePolicy policy, AccessPolicy access,
                   std::string public_url)
    : clock_(clock),
      calendar_(calendar),
      icd10_(icd10),
      policy_(policy),
      access_(access),
      public_url_(std::move(public_url)) {}

Result<Patient> Workflow::register_patient(Store& store, Actor const& actor,
                                           PatientDraft const& draft) const {
  if (auto s = require(actor, Capability::RegisterPatients); !s) return s.error();
  auto const now = clock_.now();
  if (auto s = validate_iin(draft.iin); !s) return s.error();
  auto last_name = validate_person_name("last_name", draft.last_name, Presence::Required);
  if (!last_name) return last_name.error();
  auto first_name = validate_person_name("first_name", draft.first_name, Presence::Required);
  if (!first_name) return first_name.error();
  auto middle_name = validate_person_name("middle_name", draft.middle_name, Presence::Optional);
  if (!middle_name) return middle_name.error();
  if (!draft.birth_date) return validation_error("birth_date", "the birth date is required");
  if (*draft.birth_date > local_date(now)) {
    return validation_error("birth_date", "the birth date may not be in the future");
  }
  auto region = store.find_region(draft.region);
  if (!region) return region.error();
  if (!*region) return validation_error("region", "no region has this code");
  std::string phone;
  if (!draft.phone.empty()) {
    auto checked = validate_phone("phone", draft.phone);
    if (!checked) return checked.error();
    phone = std::move(*checked);
  }
  std::string email;
  if (!draft.email.empty()) {
    auto checked = validate_email("email", draft.email);
    if (!checked) return checked.error();
    email = std::move(*checked);
  }
  if (draft.language != Locale::Kk && draft.language != Locale::Ru) {
    return validation_error("language", "a patient is written to in Kazakh (kk) or Russian (ru)");
  }
  auto existing = store.find_patient_by_iin(draft.iin);
  if (!existing) return existing.error();
  if (*existing) {
    return make_error(Errc::PatientExists, "a patient with this IIN is already registered", "iin");
  }

  Patient patient;
  patient.iin = draft.iin;
  patient.last_name = std::move(*last_name);
  patient.first_name = std::move(*first_name);
  patient.middle_name = std::move(*middle_name);
  patient.birth_date = *draft.birth_date;
  patient.sex = draft.sex;
  patient.residency = draft.residency;
  patient.region = draft.region;
  patient.phone = std::move(phone);
  patient.insured = draft.insured;
  patient.registered_by_organization = *actor.organization_id;
  patient.created_at = now;
  patient.email = std::move(email);
  patient.language = draft.language;
  auto id = store.insert_patient(patient);
  if (!id) return id.error();
  patient.id = *id;

  AuditEvent event{
      now,          actor.login,
      actor.role,   "register_patient",
      std::nullopt, {{"patient_id", std::to_string(patient.id)}, {"region", patient.region}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return patient;
}

Result<Referral> Workflow::register_referral(Store& store, Actor const& actor,
                                             ReferralDraft const& draft) const {
  if (auto s = require(actor, Capability::RegisterReferrals); !s) return s.error();
  auto const now = clock_.now();
  if (auto s = validate_iin(draft.patient_iin, "patient_iin"); !s) return s.error();
  auto patient = store.find_patient_by_iin(draft.patient_iin);
  if (!patient) return patient.error();
  // A patient outside the doctor's care is, to them, not registered: the same answer either way.
  bool in_care = false;
  if (*patient) {
    auto in_scope = patient_in_scope(store, actor, **patient);
    if (!in_scope) return in_scope.error();
    in_care = *in_scope;
  }
  if (!in_care) {
    return validation_error("patient_iin",
                            "no patient with this IIN is registered; register the patient first");
  }
  if (auto s = check_eligibility((*patient)->residency); !s) {
    auto error = s.error();
    error.field = "patient_iin";
    return error;
  }
  auto icd10 = validate_icd10(draft.icd10);
  if (!icd10) return icd10.error();
  if (!icd10_.find(*icd10)) {
    return validation_error("icd10", fmt::format("{} is not a code of ICD-10", *icd10));
  }
  auto profile = store.find_profile(draft.profile);
  if (!profile) return profile.error();
  if (!*profile) return validation_error("profile", "no care profile has this code");
  auto justification = validate_text("justification", draft.justification, kMaxJustificationChars,
                                     Presence::Required, Lines::Multi);
  if (!justification) return justification.error();

  Patient const& p = **patient;
  // One open referral per patient and profile: a second would be a duplicate to review twice,
  // and could hold a second quota unit or place.
  auto open = store.find_open_referral(p.id, draft.profile);
  if (!open) return open.error();
  if (*open) {
    auto error = make_error(Errc::ReferralExists,
                            fmt::format("the patient already has the open referral {} of this "
                                        "profile; continue it, or cancel it first",
                                        (*open)->code),
                            "profile");
    error.existing = **open;
    return error;
  }
  int const year = year_of(local_date(now));
  auto sequence = store.next_value(referral_sequence_name(p.region, year));
  if (!sequence) return sequence.error();

  Referral draft_referral;
  draft_referral.code = format_referral_code(p.region, year, *sequence);
  draft_referral.patient_id = p.id;
  draft_referral.patient_iin = p.iin;
  draft_referral.patient_region = p.region;
  draft_referral.icd10 = std::move(*icd10);
  draft_referral.profile = draft.profile;
  draft_referral.route = draft.route;
  draft_referral.urgency = draft.urgency;
  draft_referral.care_form = draft.care_form;
  draft_referral.justification = std::move(*justification);

  auto decision = decide_registration(draft_referral, actor, now);
  if (!decision) return decision.error();
  auto id = store.insert_referral(decision->referral);
  if (!id) return id.error();
  decision->referral.id = *id;
  decision->event.referral_id = *id;
  if (auto s = store.add_to_counters(counts_for_registration(decision->referral)); !s) {
    return s.error();
  }
  if (auto s = store.append_audit(decision->event); !s) return s.error();
  return std::move(decision->referral);
}

Result<std::optional<Patient>> Workflow::request_patient_access(Store& store, Actor const& actor,
                                                                std::string_view iin,
                                                                std::string_view reason) const {
  if (auto s = require(actor, Capability::AskPatientAccess); !s) return s.error();
  if (auto s = validate_iin(iin); !s) return s.error();
  auto checked_reason =
      validate_text("reason", reason, kMaxJustificationChars, Presence::Required, Lines::Multi);
  if (!checked_reason) return checked_reason.error();
  auto const now = clock_.now();
  auto used = store.count_patient_accesses_since(actor.user_id,
                                                 start_of_local_day(local_date(now)));
  if (!used) return used.error();
  if (*used >= access_.patient_accesses_per_day) {
    return make_error(Errc::RateLimited,
                      fmt::format("you have asked for {} patients' records today, the most a day "
                                  "allows; an administrator can tell you more",
                                  access_.patient_accesses_per_day));
  }
  auto found = store.find_patient_by_iin(iin);
  if (!found) return found.error();
  if (*found) {
    auto in_scope = patient_in_scope(store, actor, **found);
    if (!in_scope) return in_scope.error();
    if (*in_scope) return found;  // already in the organization's care: nothing to grant
  }
  PatientAccess access{0,
                       now,
                       actor.user_id,
                       *actor.organization_id,
                       *found ? std::optional<Id>{(*found)->id} : std::nullopt,
                       *checked_reason};
  auto id = store.insert_patient_access(access);
  if (!id) return id.error();
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "patient_access",
                   std::nullopt,
                   {{"access_id", std::to_string(*id)},
                    {"organization_id", std::to_string(*actor.organization_id)},
                    {"patient_id", *found ? std::to_string((*found)->id) : std::string{"none"}},
                    {"reason", *checked_reason}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return found;
}

Result<Referral> Workflow::perform(Store& store, Actor const& actor,
                                   ActionCommand const& command) const {
  auto const now = clock_.now();
  auto found = store.find_referral(command.referral_id);
  if (!found) return found.error();
  if (!*found || !can_see(actor, **found)) return make_error(Errc::NotFound, "no such referral");
  Referral const& referral = **found;
  if (command.expected_version && *command.expected_version != referral.version) {
    return make_error(Errc::StaleVersion,
                      fmt::format("the referral changed since you read it (now version {}); "
                                  "reload and try again",
                                  referral.version));
  }

  DecisionContext context{calendar_, policy_, std::nullopt, std::nullopt, std::nullopt, &icd10_};
  if (needs_quota(referral, command.action, actor.role)) {
    auto quota = store.find_quota(quota_key_for(referral, now));
    if (!quota) return quota.error();
    context.quota = *quota;
  }
  if (command.input.hospital_id) {
    auto hospital = store.find_organization(*command.input.hospital_id);
    if (!hospital) return hospital.error();
    context.hospital = *hospital;
  }
  // A booking is checked against the places of the day it asks for; a confirmation against
  // those of the day booked.
  std::optional<PlaceKey> place_key;
  if (command.action == Action::Book && command.input.hospital_id && command.input.planned_date) {
    place_key = PlaceKey{*command.input.hospital_id, referral.profile, *command.input.planned_date};
  } else if (command.action == Action::Confirm) {
    place_key = booked_place_key(referral);
  }
  if (place_key) {
    auto places = store.find_places(*place_key);
    if (!places) return places.error();
    context.place = *places;
  }

  auto decision = decide(referral, command.action, actor, command.input, now, context);
  if (!decision) return decision.error();
  if (auto s = apply(store, referral, *decision); !s) return s.error();
  if (decision->quota_move == QuotaMove::Release) {
    auto promoted = promote_waitlisted(store, *decision->quota_key, now);
    if (!promoted) return promoted.error();
  }
  return std::move(decision->referral);
}

Status Workflow::apply(Store& store, Referral const& before, Decision& decision) const {
  Referral& referral = decision.referral;
  if (decision.needs_talon_number) {
    if (!referral.hospital_id || !referral.talon) {
      return make_error(Errc::Internal, "a talon without a receiving hospital");
    }
    int const year = year_of(local_date(referral.talon->issued_at));
    auto sequence = store.next_value(talon_sequence_name(year));
    if (!sequence) return sequence.error();
    referral.talon->number = format_talon_number(year, *sequence);
    decision.event.detail.emplace_back("talon", referral.talon->number);
  }

  auto const move = decision.quota_move;
  if (move == QuotaMove::Reserve || move == QuotaMove::Release || move == QuotaMove::Consume) {
    auto found = store.find_quota(*decision.quota_key);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::Internal, "a quota movement without its quota");
    Quota quota = **found;
    if (move == QuotaMove::Reserve) {
      if (quota.available() <= 0)
        return make_error(Errc::QuotaExhausted, "the quota has no free unit");
      ++quota.reserved;
    } else {
      if (quota.reserved <= 0) return make_error(Errc::Internal, "releasing an unreserved unit");
      --quota.reserved;
      if (move == QuotaMove::Consume) ++quota.used;
    }
    if (auto s = store.save_quota(quota); !s) return s;
  }

  if (decision.place_move != PlaceMove::None) {
    auto found = store.find_places(*decision.place_key);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::Internal, "a place movement without its day's places");
    Places places = **found;
    if (decision.place_move == PlaceMove::Book) {
      if (places.free() <= 0) {
        return make_error(Errc::NoFreePlace, "no planned place of this profile is free that day");
      }
      ++places.booked;
    } else {
      if (places.booked <= 0) return make_error(Errc::Internal, "releasing an unbooked place");
      --places.booked;
    }
    if (auto s = store.save_places(places); !s) return s;
  }

  if (auto s = store.update_referral(referral, before.version); !s) return s;
  if (auto s = store.add_to_counters(counts_for_transition(before, decision, calendar_)); !s) {
    return s;
  }
  if (Referral const* waiter = waitlist_joined_or_left(before, referral)) {
    if (auto s = sum_up_waitlists_of(store, *waiter); !s) return s;
  }
  if (auto s = notify(store, decision); !s) return s;
  return store.append_audit(decision.event);
}

namespace {

// Adds to `notices` one of `kind` about `referral` for each active account of `audience` (but
// the one who acted), once per account and kind.
Status address_notices(Store& store, Referral const& referral, NoticeKind kind,
                       Audience audience, std::string const& except_login, Timestamp at,
                       std::vector<Notice>& notices) {
  StaffQuery query;
  query.except_login = except_login;
  switch (audience) {
    case Audience::ReferringDoctor:
      query.role = Role::Doctor;
      query.user_id = referral.created_by;
      break;
    case Audience::RegionCommission:
      query.role = Role::Commission;
      query.region = referral.patient_region;
      break;
    case Audience::Republican: query.role = Role::Republican; break;
    case Audience::ReceivingHospital: {
      auto const hospital = addressed_hospital(referral);
      if (!hospital) return ok();
      query.role = Role::Hospital;
      query.organization_id = *hospital;
      break;
    }
  }
  auto staff = store.active_staff(query);
  if (!staff) return staff.error();
  for (Id user : *staff) {
    bool const told = std::any_of(notices.begin(), notices.end(), [&](Notice const& n) {
      return n.user_id == user && n.kind == kind;
    });
    if (!told) notices.push_back(Notice{0, user, at, kind, referral.id, {}});
  }
  return ok();
}

}  // namespace

Status Workflow::notify(Store& store, Decision const& decision) const {
  Referral const& referral = decision.referral;
  std::vector<Notice> notices;
  for (auto const& due : notices_for(decision.row->action, decision.event.role, referral.state)) {
    if (auto s = address_notices(store, referral, due.kind, due.audience, decision.event.actor,
                                 decision.event.at, notices);
        !s) {
      return s;
    }
  }
  if (!notices.empty()) {
    if (auto s = store.insert_notices(notices); !s) return s;
  }
  if (auto const kind =
          patient_message_for(decision.row->action, decision.event.role, referral.state)) {
    // The referral's version names the change: the same change writes the same keys.
    return tell_patient(store, referral, *kind, fmt::format("v{}", referral.version),
                        decision.event.at);
  }
  return ok();
}

Status Workflow::tell_patient(Store& store, Referral const& referral, MessageKind kind,
                              std::string_view cause, Timestamp now) const {
  auto patient = store.find_patient(referral.patient_id);
  if (!patient) return patient.error();
  if (!*patient) return make_error(Errc::Internal, "a referral without its patient");
  auto messages = messages_for(**patient, referral, kind, cause, now, public_url_);
  if (messages.empty()) return ok();
  return store.insert_messages(messages);
}

Result<std::vector<Id>> Workflow::promote_waitlisted(Store& store, QuotaKey const& key,
                                                     Timestamp now) const {
  std::vector<Id> promoted;
  for (;;) {
    auto quota = store.find_quota(key);
    if (!quota) return quota.error();
    if (!*quota || (*quota)->available() <= 0) break;
    auto next = store.waitlist(key, 1);
    if (!next) return next.error();
    if (next->empty()) break;
    auto referral = store.find_referral(next->front());
    if (!referral) return referral.error();
    if (!*referral) return make_error(Errc::Internal, "a waitlisted referral vanished");

    DecisionContext context{calendar_, policy_, *quota, std::nullopt, std::nullopt, &icd10_};
    auto decision = decide(**referral, Action::Promote, Actor::system(), {}, now, context);
    if (!decision) return decision.error();
    if (auto s = apply(store, **referral, *decision); !s) return s.error();
    promoted.push_back((*referral)->id);
  }
  return promoted;
}

namespace {

// The declared type, if the content starts as that type does.
bool content_matches(std::string_view type, std::string_view bytes) {
  if (type == "application/pdf") return bytes.starts_with("%PDF-");
  if (type == "image/png") return bytes.starts_with("\x89PNG\r\n\x1a\n");
  if (type == "image/jpeg") return bytes.starts_with("\xFF\xD8\xFF");
  return false;
}

constexpr EnumSet<State> kAttachable{State::Registered, State::CommissionReview,
                                     State::InPersonScheduled, State::InfoRequested};

}  // namespace

Result<AttachmentInfo> Workflow::attach(Store& store, Actor const& actor, Id referral_id,
                                        AttachmentUpload const& upload) const {
  auto found = store.find_referral(referral_id);
  if (!found) return found.error();
  if (!*found || !can_see(actor, **found)) return make_error(Errc::NotFound, "no such referral");
  Referral const& referral = **found;
  if (auto s = require(actor, Capability::AttachDocuments); !s) return s.error();
  if (!kAttachable.contains(referral.state)) {
    return make_error(Errc::InvalidTransition,
                      "documents can be attached until the commission has decided");
  }
  if (upload.content_type != "application/pdf" && upload.content_type != "image/png" &&
      upload.content_type != "image/jpeg") {
    return make_error(Errc::UnsupportedMediaType, "attach a PDF, PNG or JPEG file", "content_type");
  }
  if (upload.bytes.empty()) return validation_error("file", "the file is empty");
  if (upload.bytes.size() > kMaxAttachmentBytes) {
    return make_error(Errc::TooLarge, "a file may be at most 10 MiB", "file");
  }
  if (!content_matches(upload.content_type, upload.bytes)) {
    return make_error(Errc::UnsupportedMediaType,
                      fmt::format("the file's content is not {}", upload.content_type),
                      "content_type");
  }
  // The name is kept without invisible characters, and made to agree with the content.
  auto filename = attachment_filename(upload.filename, upload.content_type);
  if (!filename) return filename.error();
  auto existing = store.list_attachments(referral_id);
  if (!existing) return existing.error();
  if (existing->size() >= kMaxAttachmentsPerReferral) {
    return validation_error(
        "file", fmt::format("a referral holds at most {} documents", kMaxAttachmentsPerReferral));
  }

  auto const now = clock_.now();
  Attachment attachment;
  attachment.info = AttachmentInfo{0,
                                   referral_id,
                                   std::move(*filename),
                                   upload.content_type,
                                   static_cast<std::int64_t>(upload.bytes.size()),
                                   upload.sha256,
                                   actor.user_id,
                                   now};
  attachment.bytes = upload.bytes;
  auto id = store.insert_attachment(attachment);
  if (!id) return id.error();
  attachment.info.id = *id;
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "attach",
                   referral_id,
                   {{"attachment_id", std::to_string(*id)},
                    {"filename", attachment.info.filename},
                    {"content_type", attachment.info.content_type},
                    {"size", std::to_string(attachment.info.size)},
                    {"sha256", attachment.info.sha256}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return std::move(attachment.info);
}

Result<SweepReport> Workflow::sweep_deadlines(Store& store, std::size_t limit) const {
  auto const now = clock_.now();
  auto const system = Actor::system();
  SweepReport report;

  auto expiring = store.talons_past_validity(now, limit);
  if (!expiring) return expiring.error();
  for (Id id : *expiring) {
    auto referral = store.find_referral(id);
    if (!referral) return referral.error();
    if (!*referral) continue;
    DecisionContext context{calendar_, policy_, std::nullopt, std::nullopt, std::nullopt,
                            &icd10_};
    auto decision = decide(**referral, Action::Expire, system, {}, now, context);
    if (!decision) return decision.error();
    if (auto s = apply(store, **referral, *decision); !s) return s.error();
    report.expired.push_back(id);
    if (decision->quota_move == QuotaMove::Release) {
      auto promoted = promote_waitlisted(store, *decision->quota_key, now);
      if (!promoted) return promoted.error();
      report.promoted.insert(report.promoted.end(), promoted->begin(), promoted->end());
    }
  }

  // Deadlines that fall due by the end of the next working day: whoever must act is told, once
  // for each step (a deadline that moves is told of again).
  auto const until = end_of_local_day(calendar_.add_working_days(local_date(now), 1));
  auto due = store.deadlines_to_remind(now, until, limit);
  if (!due) return due.error();
  for (Id id : *due) {
    auto referral = store.find_referral(id);
    if (!referral) return referral.error();
    if (!*referral || !(*referral)->deadline) continue;
    if (auto const audience = who_must_act((*referral)->state)) {
      std::vector<Notice> notices;
      if (auto s = address_notices(store, **referral, NoticeKind::DeadlineDue, *audience,
                                   system.login, now, notices);
          !s) {
        return s.error();
      }
      if (!notices.empty()) {
        if (auto s = store.insert_notices(notices); !s) return s.error();
      }
    }
    if (auto s = store.mark_deadline_reminded(id, *(*referral)->deadline); !s) return s.error();
    report.reminded.push_back(id);
  }

  // Patients admitted tomorrow are told the day before, once for the day (a moved admission
  // is told of again).
  auto const tomorrow = local_date(now) + std::chrono::days{1};
  auto admissions = store.admissions_to_remind(tomorrow, limit);
  if (!admissions) return admissions.error();
  for (Id id : *admissions) {
    auto referral = store.find_referral(id);
    if (!referral) return referral.error();
    if (!*referral) continue;
    if (auto s = tell_patient(store, **referral, MessageKind::AdmissionTomorrow,
                              fmt::format("day-{}", format_date(tomorrow)), now);
        !s) {
      return s.error();
    }
    if (auto s = store.mark_admission_reminded(id, tomorrow); !s) return s.error();
    report.admissions_reminded.push_back(id);
  }

  auto overdue = store.unmarked_overdue(now, limit);
  if (!overdue) return overdue.error();
  for (Id id : *overdue) {
    auto referral = store.find_referral(id);
    if (!referral) return referral.error();
    if (!*referral || !(*referral)->deadline) continue;
    if (auto s = store.mark_overdue(id, now); !s) return s.error();
    AuditEvent event{now,
                     system.login,
                     system.role,
                     "overdue",
                     id,
                     {{"state", std::string{to_string((*referral)->state)}},
                      {"deadline", format_timestamp(*(*referral)->deadline)}}};
    if (auto s = store.append_audit(event); !s) return s.error();
    report.overdue.push_back(id);
  }
  return report;
}

Result<Quota> Workflow::set_allocation(Store& store, Actor const& actor, QuotaKey const& key,
                                       int allocated) const {
  if (auto s = require(actor, Capability::SetQuotas); !s) return s.error();
  auto const now = clock_.now();
  if (auto s = check_period(key.period); !s) return s.error();
  auto region = store.find_region(key.region);
  if (!region) return region.error();
  if (!*region) return validation_error("region", "no region has this code");
  auto profile = store.find_profile(key.profile);
  if (!profile) return profile.error();
  if (!*profile) return validation_error("profile", "no care profile has this code");
  if (allocated < 0 || allocated > kMaxAllocation) {
    return validation_error("allocated", "the allocation must be between 0 and 1000000");
  }

  auto found = store.find_quota(key);
  if (!found) return found.error();
  Quota quota = found->value_or(Quota{key, 0, 0, 0});
  if (allocated < quota.reserved + quota.used) {
    return make_error(Errc::QuotaBelowUsage,
                      fmt::format("{} units are already reserved or used; the allocation may not "
                                  "be lower",
                                  quota.reserved + quota.used),
                      "allocated");
  }
  int const previous = quota.allocated;
  quota.allocated = allocated;
  if (auto s = store.save_quota(quota); !s) return s.error();
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "set_quota",
                   std::nullopt,
                   {{"quota", describe(key)},
                    {"previous", std::to_string(previous)},
                    {"allocated", std::to_string(allocated)}}};
  if (auto s = store.append_audit(event); !s) return s.error();

  auto promoted = promote_waitlisted(store, key, now);
  if (!promoted) return promoted.error();
  auto after = store.find_quota(key);
  if (!after) return after.error();
  if (!*after) return make_error(Errc::Internal, "the quota vanished");
  return **after;
}

Result<std::vector<Quota>> Workflow::distribute(Store& store, Actor const& actor,
                                                Distribution const& distribution) const {
  if (auto s = require(actor, Capability::DistributeQuotas); !s) return s.error();
  auto const now = clock_.now();
  if (auto s = check_period(distribution.period); !s) return s.error();
  auto profile = store.find_profile(distribution.profile);
  if (!profile) return profile.error();
  if (!*profile) return validation_error("profile", "no care profile has this code");
  auto regions = store.list_regions();
  if (!regions) return regions.error();

  std::vector<std::int64_t> populations;
  for (auto const& region : *regions) populations.push_back(region.population);
  auto parts = distribute_largest_remainder(distribution.total, populations);
  if (!parts) return parts.error();

  // A preview shows every region's share, those below what the region already holds too (its
  // `available` is then negative), so that the planner sees which regions block; applying such
  // a distribution is refused, naming each of them.
  std::vector<Quota> quotas;
  std::vector<std::string> blocking;
  for (std::size_t i = 0; i < regions->size(); ++i) {
    QuotaKey key{distribution.period, (*regions)[i].code, distribution.profile};
    auto found = store.find_quota(key);
    if (!found) return found.error();
    Quota quota = found->value_or(Quota{key, 0, 0, 0});
    if ((*parts)[i] < quota.reserved + quota.used) {
      blocking.push_back(fmt::format("region {} already holds {} units; its share would be {}",
                                     key.region, quota.reserved + quota.used, (*parts)[i]));
    }
    quota.allocated = (*parts)[i];
    quotas.push_back(std::move(quota));
  }
  if (distribution.dry_run) return quotas;
  if (!blocking.empty()) {
    return make_error(Errc::QuotaBelowUsage, fmt::format("{}", fmt::join(blocking, "; ")), "total");
  }

  for (auto const& quota : quotas) {
    if (auto s = store.save_quota(quota); !s) return s.error();
  }
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "distribute_quota",
                   std::nullopt,
                   {{"period", std::to_string(distribution.period)},
                    {"profile", distribution.profile},
                    {"total", std::to_string(distribution.total)}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  for (auto& quota : quotas) {
    auto promoted = promote_waitlisted(store, quota.key, now);
    if (!promoted) return promoted.error();
    if (!promoted->empty()) {
      auto after = store.find_quota(quota.key);
      if (!after) return after.error();
      if (*after) quota = **after;
    }
  }
  return quotas;
}

Result<Organization> Workflow::set_hospital_profiles(Store& store, Actor const& actor,
                                                     Id hospital_id,
                                                     std::vector<std::string> profiles,
                                                     EnumSet<Route> accepts) const {
  if (auto s = require(actor, Capability::SetHospitalCare); !s) return s.error();
  auto found = store.find_organization(hospital_id);
  if (!found) return found.error();
  if (!*found || (*found)->kind != OrganizationKind::Hospital) {
    return make_error(Errc::NotFound, "no hospital has this id");
  }
  std::sort(profiles.begin(), profiles.end());
  profiles.erase(std::unique(profiles.begin(), profiles.end()), profiles.end());
  for (auto const& code : profiles) {
    auto profile = store.find_profile(code);
    if (!profile) return profile.error();
    if (!*profile) {
      return validation_error("profiles", fmt::format("`{}` is not a care profile", code));
    }
  }
  if (profiles.empty() && !accepts.empty()) {
    return validation_error("profiles",
                            "a hospital that receives patients treats at least one profile");
  }
  if (auto s = store.save_hospital_profiles(hospital_id, profiles, accepts); !s) return s.error();

  std::string profile_list;
  for (auto const& code : profiles) profile_list += (profile_list.empty() ? "" : ",") + code;
  std::string route_list;
  for (Route route : all_values<Route>()) {
    if (accepts.contains(route)) {
      route_list += (route_list.empty() ? "" : ",") + std::string{to_string(route)};
    }
  }
  AuditEvent event{clock_.now(),
                   actor.login,
                   actor.role,
                   "set_profiles",
                   std::nullopt,
                   {{"organization_id", std::to_string(hospital_id)},
                    {"profiles", profile_list},
                    {"accepts", route_list}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  auto after = store.find_organization(hospital_id);
  if (!after) return after.error();
  if (!*after) return make_error(Errc::Internal, "the hospital vanished");
  return **after;
}

Result<PlaceListing> Workflow::set_places(Store& store, Actor const& actor, PlaceKey const& key,
                                    int capacity) const {
  if (auto s = require(actor, Capability::SetPlaces); !s) return s.error();
  // The staff of a hospital publish its places and no other's.
  if (actor.role == Role::Hospital && *actor.organization_id != key.hospital_id) {
    return make_error(Errc::Forbidden,
                      "a hospital's places are published by its staff or an administrator");
  }
  auto hospital = store.find_organization(key.hospital_id);
  if (!hospital) return hospital.error();
  if (!*hospital || (*hospital)->kind != OrganizationKind::Hospital) {
    return make_error(Errc::NotFound, "no hospital has this id");
  }
  if (!(*hospital)->receives(key.profile, Route::Planned)) {
    return validation_error("profile",
                            fmt::format("{} does not take planned patients of `{}`",
                                        (*hospital)->name, key.profile));
  }
  auto const now = clock_.now();
  auto const today = local_date(now);
  if (key.date < today) return validation_error("date", "places are not published for a past day");
  if (key.date > today + std::chrono::days{kMaxPlacesAheadDays}) {
    return validation_error("date", fmt::format("places are published at most {} days ahead",
                                                kMaxPlacesAheadDays));
  }
  if (capacity < 0 || capacity > kMaxPlacesPerDay) {
    return validation_error("capacity", fmt::format("the capacity is between 0 and {}",
                                                    kMaxPlacesPerDay));
  }
  auto found = store.find_places(key);
  if (!found) return found.error();
  Places places = found->value_or(Places{key, 0, 0});
  if (capacity < places.booked) {
    return make_error(Errc::CapacityBelowBookings,
                      fmt::format("{} places of that day are already booked; the capacity may not "
                                  "be lower",
                                  places.booked),
                      "capacity");
  }
  int const previous = places.capacity;
  places.capacity = capacity;
  if (auto s = store.save_places(places); !s) return s.error();
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "set_places",
                   std::nullopt,
                   {{"hospital_id", std::to_string(key.hospital_id)},
                    {"profile", key.profile},
                    {"date", format_date(key.date)},
                    {"previous", std::to_string(previous)},
                    {"capacity", std::to_string(capacity)}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return PlaceListing{places, std::move(**hospital)};
}

Result<std::vector<Id>> Workflow::add_day_off(Store& store, Actor const& actor, Date day,
                                              std::string_view description) const {
  if (auto s = require(actor, Capability::ChangeCalendar); !s) return s.error();
  auto const now = clock_.now();
  auto const today = local_date(now);
  if (day <= today) {
    return validation_error("date", "a day off is added ahead of it: tomorrow or later");
  }
  if (day > today + std::chrono::days{2 * 366}) {
    return validation_error("date", "a day off is added at most two years ahead");
  }
  auto text = validate_text("description", description, 200, Presence::Required);
  if (!text) return text.error();
  auto const already_off = make_error(
      Errc::Duplicate, fmt::format("{} is already a day off", format_date(day)), "date");
  if (!calendar_.is_working_day(day)) return already_off;
  if (auto s = store.insert_announced_day_off({day, *text, actor.login, now}); !s) {
    return s.error().code == Errc::Duplicate ? already_off : s.error();
  }

  // Every step that counts working days and ends on or after the day has one fewer: its
  // deadline moves to the next working day of the calendar with the day off.
  auto const calendar = calendar_.with_day_off(day, *text);
  auto const counted = states_with_working_day_deadlines();
  auto ids = store.deadlines_from(start_of_local_day(day));
  if (!ids) return ids.error();
  std::vector<Id> moved;
  std::vector<AuditEvent> events;
  for (Id id : *ids) {
    auto found = store.find_referral(id);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::Internal, "a referral with a deadline vanished");
    Referral next = **found;
    if (!next.deadline || !counted.contains(next.state)) continue;
    auto const before = *next.deadline;
    next.deadline = end_of_local_day(calendar.add_working_days(local_date(before), 1));
    next.version = (*found)->version + 1;
    next.updated_at = now;
    if (auto s = store.update_referral(next, (*found)->version); !s) return s.error();
    moved.push_back(id);
    events.push_back(AuditEvent{now,
                                actor.login,
                                actor.role,
                                "deadline_moved",
                                id,
                                {{"day_off", format_date(day)},
                                 {"previous_deadline", format_timestamp(before)},
                                 {"deadline", format_timestamp(*next.deadline)},
                                 {"comment", *text}}});
  }
  events.push_back(AuditEvent{now,
                              actor.login,
                              actor.role,
                              "add_day_off",
                              std::nullopt,
                              {{"date", format_date(day)},
                               {"description", *text},
                               {"deadlines_moved", std::to_string(moved.size())}}});
  if (auto s = store.append_audit(events); !s) return s.error();
  return moved;
}

}  // namespace joldama
