#include "workflow/decide.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "workflow/access.hpp"
#include "workflow/fields.hpp"
#include "workflow/quota.hpp"
#include "workflow/reasons.hpp"
#include "workflow/validation.hpp"

namespace joldama {

namespace {

// A guard that looks at the referral alone (see is_static_guard).
bool route_guard_holds(Guard guard, Referral const& referral) {
  return guard == Guard::RouteHighTech ? referral.route == Route::HighTech
                                       : referral.route == Route::Planned;
}

bool guard_holds(Guard guard, Referral const& referral, Timestamp now,
                 DecisionContext const& context) {
  switch (guard) {
    case Guard::None: return true;
    case Guard::QuotaAvailable: return context.quota && context.quota->available() > 0;
    case Guard::QuotaExhausted: return !context.quota || context.quota->available() <= 0;
    case Guard::TalonExpired: return referral.talon && now > referral.talon->valid_until;
    case Guard::RouteHighTech:
    case Guard::RoutePlanned: return route_guard_holds(guard, referral);
    case Guard::PlaceAvailable: return context.place && context.place->free() > 0;
  }
  return false;
}

Error guard_failure(Guard guard) {
  switch (guard) {
    case Guard::QuotaAvailable:
      return make_error(Errc::QuotaExhausted, "the quota has no free unit");
    case Guard::TalonExpired:
      return make_error(Errc::InvalidTransition, "the talon is still valid");
    case Guard::RouteHighTech:
      return make_error(Errc::InvalidTransition,
                        "a referral on the planned route is booked with a hospital, not sent to "
                        "the commission");
    case Guard::RoutePlanned:
      return make_error(Errc::InvalidTransition,
                        "a high-technology referral goes to the commission; it is not booked");
    case Guard::PlaceAvailable:
      return make_error(Errc::NoFreePlace,
                        "no planned place of this profile is free on that day any more; refuse "
                        "the booking (no_capacity) so that the doctor can choose another");
    case Guard::None:
    case Guard::QuotaExhausted: break;
  }
  return make_error(Errc::Internal, "a guard failed without an explanation");
}

Timestamp working_days_from(Timestamp now, int days, WorkingCalendar const& calendar) {
  return end_of_local_day(calendar.add_working_days(local_date(now), days));
}

// Text of field `f`, checked against its spec: required when the row says so.
Result<std::string> checked_text(Field f, std::string const& value, Presence presence) {
  auto const& spec = field_spec(f);
  return validate_text(to_string(f), value, spec.max_chars, presence,
                       spec.kind == FieldKind::LongText ? Lines::Multi : Lines::Single);
}

// Checks the row's inputs (what it requires, what it accepts, and a comment) and returns them
// normalized.
Result<ActionInput> check_inputs(Transition const& row, Referral const& referral,
                                 ActionInput const& input, Timestamp now,
                                 DecisionContext const& context) {
  ActionInput checked;
  auto const needs = [&](Field f) { return row.required.contains(f); };
  auto const presence = [&](Field f) { return needs(f) ? Presence::Required : Presence::Optional; };

  auto comment = checked_text(Field::Comment, input.comment, presence(Field::Comment));
  if (!comment) return comment.error();
  checked.comment = std::move(*comment);

  if (needs(Field::Reason)) {
    // A reason: a code of the action's catalogue, free text, or both; text with `other`. Where
    // the row requires the code itself, free text alone is not enough.
    if (needs(Field::ReasonCode) && input.reason_code.empty()) {
      return validation_error("reason_code", fmt::format("choose the reason to {}",
                                                         to_string(row.action)));
    }
    if (!input.reason_code.empty()) {
      auto const* reason = find_reason(row.action, input.reason_code);
      if (!reason) {
        return validation_error("reason_code",
                                fmt::format("`{}` is not a reason to {}", input.reason_code,
                                            to_string(row.action)));
      }
      checked.reason_code = std::string{reason->code};
    }
    bool const text_needed = checked.reason_code.empty() || checked.reason_code == kOtherReason;
    auto reason = checked_text(Field::Reason, input.reason,
                               text_needed ? Presence::Required : Presence::Optional);
    if (!reason) return reason.error();
    checked.reason = std::move(*reason);
  }
  if (needs(Field::Protocol)) {
    auto protocol = checked_text(Field::Protocol, input.protocol, Presence::Required);
    if (!protocol) return protocol.error();
    checked.protocol = std::move(*protocol);
  }
  if (needs(Field::ExamAt)) {
    if (!input.exam_at)
      return validation_error("at", "the examination's date and time are required");
    if (*input.exam_at <= now)
      return validation_error("at", "the examination must be in the future");
    if (*input.exam_at > now + std::chrono::days{366}) {
      return validation_error("at", "the examination must be within a year");
    }
    checked.exam_at = input.exam_at;
  }
  if (needs(Field::ExamPlace)) {
    auto place = checked_text(Field::ExamPlace, input.exam_place, Presence::Required);
    if (!place) return place.error();
    checked.exam_place = std::move(*place);
  }
  if (needs(Field::HospitalId)) {
    if (!input.hospital_id) return validation_error("hospital_id", "choose the receiving hospital");
    if (!context.hospital || context.hospital->id != *input.hospital_id ||
        context.hospital->kind != OrganizationKind::Hospital) {
      return validation_error("hospital_id", "no hospital has this id");
    }
    // Only where the case can be treated, and by the referral's route.
    if (!context.hospital->treats(referral.profile)) {
      return validation_error("hospital_id",
                              fmt::format("{} does not treat {}", context.hospital->name,
                                          referral.profile));
    }
    if (!context.hospital->accepts.contains(referral.route)) {
      return validation_error("hospital_id",
                              fmt::format("{} does not take patients by the {} route",
                                          context.hospital->name, to_string(referral.route)));
    }
    checked.hospital_id = input.hospital_id;
  }
  if (needs(Field::Clinic)) {
    auto clinic = checked_text(Field::Clinic, input.clinic, Presence::Required);
    if (!clinic) return clinic.error();
    checked.clinic = std::move(*clinic);
  }
  if (needs(Field::Country)) {
    auto country = checked_text(Field::Country, input.country, Presence::Required);
    if (!country) return country.error();
    checked.country = std::move(*country);
  }
  if (needs(Field::Outcome)) {
    if (!input.outcome) return validation_error("outcome", "the outcome is required");
    checked.outcome = input.outcome;
  }
  if (needs(Field::PlannedDate)) {
    if (!input.planned_date)
      return validation_error("planned_date", "the planned date is required");
    auto const today = local_date(now);
    if (*input.planned_date < today) {
      return validation_error("planned_date", "the planned date may not be in the past");
    }
    if (row.action == Action::Book) {
      // A day within the horizon, with a place still free at the chosen hospital.
      if (*input.planned_date > today + std::chrono::days{context.policy.booking_horizon_days}) {
        return validation_error("planned_date",
                                fmt::format("places are booked at most {} days ahead",
                                            context.policy.booking_horizon_days));
      }
      if (!context.place || context.place->free() <= 0) {
        return validation_error("planned_date",
                                fmt::format("the hospital has no free place for {} on {}",
                                            referral.profile, format_date(*input.planned_date)));
      }
    } else {
      if (!referral.talon) return make_error(Errc::Internal, "a talon without its record");
      if (*input.planned_date > local_date(referral.talon->valid_until)) {
        return validation_error(
            "planned_date", fmt::format("the talon is valid until {}; plan the admission by then",
                                        format_date(local_date(referral.talon->valid_until))));
      }
    }
    checked.planned_date = input.planned_date;
  }
  if (needs(Field::CaseNumber)) {
    auto number = checked_text(Field::CaseNumber, input.case_number, Presence::Required);
    if (!number) return number.error();
    checked.case_number = std::move(*number);
  }
  if (needs(Field::FinalIcd10)) {
    auto code = validate_icd10(input.final_icd10, "final_icd10");
    if (!code) return code.error();
    if (context.icd10 && !context.icd10->find(*code)) {
      return validation_error("final_icd10", fmt::format("{} is not a code of ICD-10", *code));
    }
    checked.final_icd10 = std::move(*code);
  }
  return checked;
}

}  // namespace

bool can_see(Actor const& actor, Referral const& referral) {
  auto const scope = referral_scope(actor);
  return scope && scope->covers(referral);
}

std::optional<Id> addressed_hospital(Referral const& referral) {
  if (referral.talon || referral.state == State::BookingRequested) return referral.hospital_id;
  return std::nullopt;
}

std::optional<PlaceKey> booked_place_key(Referral const& referral) {
  if (referral.route != Route::Planned || !referral.hospital_id || !referral.booking_date) {
    return std::nullopt;
  }
  return PlaceKey{*referral.hospital_id, referral.profile, *referral.booking_date};
}

QuotaKey quota_key_for(Referral const& referral, Timestamp now) {
  return QuotaKey{year_of(local_date(now)), referral.patient_region, referral.profile};
}

Result<Decision> decide(Referral const& referral, Action action, Actor const& actor,
                        ActionInput const& input, Timestamp now, DecisionContext const& context) {
  if (!can_see(actor, referral)) return make_error(Errc::NotFound, "no such referral");

  auto const table = transition_table();
  bool const role_takes_action = std::any_of(table.begin(), table.end(), [&](Transition const& t) {
    return t.action == action && t.role == actor.role && !t.from.empty();
  });
  if (!role_takes_action) {
    return make_error(Errc::Forbidden, fmt::format("the {} role may not {}", to_string(actor.role),
                                                   to_string(action)));
  }

  Transition const* candidate = nullptr;
  Transition const* row = nullptr;
  for (auto const& t : table) {
    if (t.action != action || t.role != actor.role || !t.from.contains(referral.state)) continue;
    if (!candidate) candidate = &t;
    if (guard_holds(t.guard, referral, now, context)) {
      row = &t;
      break;
    }
  }
  if (!candidate) {
    return make_error(Errc::InvalidTransition,
                      fmt::format("a referral in state {} cannot be {}", to_string(referral.state),
                                  to_string(action)));
  }
  if (!row) return guard_failure(candidate->guard);

  auto checked = check_inputs(*row, referral, input, now, context);
  if (!checked) return checked.error();
  ActionInput const& in = *checked;

  Decision decision;
  decision.row = row;
  Referral& next = decision.referral;
  next = referral;
  next.state = row->to;
  next.version = referral.version + 1;
  next.updated_at = now;
  next.state_since = now;

  auto& detail = decision.event.detail;
  detail.emplace_back("from", to_string(referral.state));
  detail.emplace_back("to", to_string(row->to));

  auto const effects = row->effects;
  if (effects.contains(Effect::RecordExamNoShow)) {
    if (referral.exam_at) detail.emplace_back("exam_at", format_timestamp(*referral.exam_at));
    detail.emplace_back("exam_place", referral.exam_place);
    next.exam_at.reset();
    next.exam_place.clear();
  }
  if (effects.contains(Effect::RecordExam)) {
    next.exam_at = in.exam_at;
    next.exam_place = in.exam_place;
    detail.emplace_back("at", format_timestamp(*in.exam_at));
    detail.emplace_back("place", in.exam_place);
  }
  if (effects.contains(Effect::RecordCommissionDecision)) {
    next.decision_mode = referral.state == State::InPersonScheduled ? DecisionMode::InPerson
                                                                    : DecisionMode::InAbsentia;
    next.protocol = in.protocol;
    detail.emplace_back("decision_mode", to_string(*next.decision_mode));
    detail.emplace_back("protocol", in.protocol);
  }
  if (effects.contains(Effect::RecordHospital)) {
    next.hospital_id = in.hospital_id;
    detail.emplace_back("hospital_id", std::to_string(*in.hospital_id));
  }
  if (effects.contains(Effect::RecordBooking)) {
    next.hospital_id = in.hospital_id;
    next.booking_date = in.planned_date;
    detail.emplace_back("hospital_id", std::to_string(*in.hospital_id));
    detail.emplace_back("planned_date", format_date(*in.planned_date));
  }
  if (effects.contains(Effect::ClearBooking)) {
    if (referral.hospital_id) detail.emplace_back("hospital_id", std::to_string(*referral.hospital_id));
    if (referral.booking_date) detail.emplace_back("planned_date", format_date(*referral.booking_date));
    next.hospital_id.reset();
    next.booking_date.reset();
  }
  if (effects.contains(Effect::ReleasePlace) && referral.place_held) {
    decision.place_move = PlaceMove::Release;
    decision.place_key = booked_place_key(referral);
    if (!decision.place_key) return make_error(Errc::Internal, "a held place without its day");
    next.place_held = false;
  }
  if (effects.contains(Effect::BookPlace)) {
    // The place comes from the day whose availability the guard checked.
    decision.place_move = PlaceMove::Book;
    decision.place_key = booked_place_key(referral);
    if (!decision.place_key || !context.place || context.place->key != *decision.place_key) {
      return make_error(Errc::Internal, "a booking confirmed without its day's places");
    }
    next.place_held = true;
  }
  if (effects.contains(Effect::ReleaseQuota)) {
    if (referral.quota_holding == QuotaHolding::Reserved) {
      decision.quota_move = QuotaMove::Release;
      decision.quota_key = referral.quota;
    } else if (referral.quota_holding == QuotaHolding::Waiting) {
      decision.quota_move = QuotaMove::LeaveWaitlist;
      decision.quota_key = referral.quota;
    }
    next.quota_holding = QuotaHolding::None;
    next.quota.reset();
    next.waitlisted_at.reset();
  }
  if (effects.contains(Effect::ReserveQuota)) {
    // The unit comes from the quota whose availability the guard checked.
    decision.quota_move = QuotaMove::Reserve;
    decision.quota_key = context.quota->key;
    next.quota = decision.quota_key;
    next.quota_holding = QuotaHolding::Reserved;
    next.waitlisted_at.reset();
  }
  if (effects.contains(Effect::JoinWaitlist)) {
    decision.quota_move = QuotaMove::JoinWaitlist;
    decision.quota_key = context.quota ? context.quota->key : quota_key_for(referral, now);
    next.quota = decision.quota_key;
    next.quota_holding = QuotaHolding::Waiting;
    next.waitlisted_at = now;
  }
  if (effects.contains(Effect::ConsumeQuota)) {
    if (referral.quota_holding != QuotaHolding::Reserved || !referral.quota) {
      return make_error(Errc::Internal, "admission without a reserved quota unit");
    }
    decision.quota_move = QuotaMove::Consume;
    decision.quota_key = referral.quota;
    next.quota_holding = QuotaHolding::Used;
  }
  if (decision.quota_key) detail.emplace_back("quota", describe(*decision.quota_key));
  if (decision.place_key) {
    detail.emplace_back("places", fmt::format("{} {} {}", decision.place_key->hospital_id,
                                              decision.place_key->profile,
                                              format_date(decision.place_key->date)));
  }
  if (effects.contains(Effect::IssueTalon)) {
    // A talon is valid for its days; one of a booked day at least until that day ends.
    auto valid_until =
        end_of_local_day(local_date(now) + std::chrono::days{context.policy.talon_validity_days});
    std::optional<Date> planned;
    if (referral.route == Route::Planned && referral.booking_date) {
      planned = referral.booking_date;
      valid_until = std::max(valid_until, end_of_local_day(*referral.booking_date));
    }
    next.talon = Talon{{}, now, valid_until, planned};
    decision.needs_talon_number = true;
  }
  if (effects.contains(Effect::ClearTalon)) {
    if (referral.talon) detail.emplace_back("talon", referral.talon->number);
    next.talon.reset();
    next.hospital_id.reset();
  }
  if (effects.contains(Effect::SetPlannedDate)) {
    next.talon->planned_date = in.planned_date;
    detail.emplace_back("planned_date", format_date(*in.planned_date));
  }
  if (effects.contains(Effect::RecordCaseNumber)) {
    next.case_number = in.case_number;
    detail.emplace_back("case_number", in.case_number);
  }
  if (effects.contains(Effect::RecordAbroad)) {
    next.abroad_clinic = in.clinic;
    next.abroad_country = in.country;
    detail.emplace_back("clinic", in.clinic);
    detail.emplace_back("country", in.country);
  }
  if (effects.contains(Effect::RecordOutcome) || effects.contains(Effect::RecordDischarge)) {
    next.outcome = in.outcome;
    detail.emplace_back("outcome", to_string(*in.outcome));
  }
  if (effects.contains(Effect::RecordDischarge)) {
    next.final_icd10 = in.final_icd10;
    detail.emplace_back("final_icd10", in.final_icd10);
  }
  if (!in.reason_code.empty()) detail.emplace_back("reason_code", in.reason_code);
  if (!in.reason.empty()) detail.emplace_back("reason", in.reason);
  if (!in.comment.empty()) detail.emplace_back("comment", in.comment);

  auto const& policy = context.policy;
  auto const& calendar = context.calendar;
  switch (row->deadline) {
    case DeadlineRule::Keep: break;
    case DeadlineRule::Clear:
      next.deadline.reset();
      next.paused_working_days.reset();
      break;
    case DeadlineRule::Commission:
      next.deadline = working_days_from(now, policy.commission_working_days, calendar);
      break;
    case DeadlineRule::Republican:
      next.deadline = working_days_from(now, policy.republican_working_days, calendar);
      break;
    case DeadlineRule::HospitalAnswer:
      next.deadline = working_days_from(now, policy.hospital_working_days, calendar);
      break;
    case DeadlineRule::PlannedDate:
      // The date asked for (accept), or the booked one (confirm).
      next.deadline = end_of_local_day(in.planned_date ? *in.planned_date
                                                       : next.talon->planned_date.value());
      break;
    case DeadlineRule::BookingAnswer:
      next.deadline = working_days_from(now, policy.booking_working_days, calendar);
      break;
    case DeadlineRule::Pause:
      // The commission's days left are kept for later; meanwhile the doctor's reply is due.
      next.paused_working_days =
          referral.deadline ? std::max(0, calendar.working_days_between(
                                              local_date(now), local_date(*referral.deadline)))
                            : policy.commission_working_days;
      next.deadline = working_days_from(now, policy.info_reply_working_days, calendar);
      break;
    case DeadlineRule::Resume:
      next.deadline = working_days_from(
          now, referral.paused_working_days.value_or(policy.commission_working_days), calendar);
      next.paused_working_days.reset();
      break;
  }
  if (row->deadline != DeadlineRule::Keep) next.overdue_since.reset();
  if (next.deadline) detail.emplace_back("deadline", format_timestamp(*next.deadline));

  decision.event.at = now;
  decision.event.actor = actor.login;
  decision.event.role = actor.role;
  decision.event.action = std::string{to_string(action)};
  decision.event.referral_id = referral.id;
  return decision;
}

Result<Decision> decide_registration(Referral const& draft, Actor const& actor, Timestamp now) {
  auto const table = transition_table();
  auto const row = std::find_if(table.begin(), table.end(), [](Transition const& t) {
    return t.from.empty() && t.action == Action::Register;
  });
  if (row == table.end()) return make_error(Errc::Internal, "the table has no register row");
  if (actor.role != row->role || !actor.organization_id) {
    return make_error(Errc::Forbidden,
                      "only a doctor of a medical organization registers referrals");
  }
  Decision decision;
  decision.row = &*row;
  Referral& next = decision.referral;
  next = draft;
  next.state = row->to;
  next.version = 1;
  next.referring_organization_id = *actor.organization_id;
  next.created_by = actor.user_id;
  next.created_at = now;
  next.updated_at = now;
  next.state_since = now;
  decision.event.at = now;
  decision.event.actor = actor.login;
  decision.event.role = actor.role;
  decision.event.action = std::string{to_string(Action::Register)};
  decision.event.detail = {{"to", std::string{to_string(row->to)}},
                           {"code", draft.code},
                           {"route", std::string{to_string(draft.route)}},
                           {"icd10", draft.icd10},
                           {"profile", draft.profile},
                           {"urgency", std::string{to_string(draft.urgency)}}};
  return decision;
}

std::vector<AllowedAction> allowed_actions(Referral const& referral, Actor const& actor) {
  std::vector<AllowedAction> actions;
  if (!can_see(actor, referral)) return actions;
  for (auto const& t : transition_table()) {
    if (t.role != actor.role || !t.from.contains(referral.state)) continue;
    if (is_static_guard(t.guard) && !route_guard_holds(t.guard, referral)) continue;
    bool const listed = std::any_of(actions.begin(), actions.end(),
                                    [&](AllowedAction const& a) { return a.action == t.action; });
    if (!listed) actions.push_back(AllowedAction{t.action, &t});
  }
  return actions;
}

}  // namespace joldama
