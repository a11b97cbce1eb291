#include "workflow/lookup.hpp"

#include <algorithm>
#include <limits>

#include "workflow/access.hpp"
#include "workflow/codes.hpp"
#include "workflow/decide.hpp"
#include "workflow/fields.hpp"
#include "workflow/patient_scope.hpp"
#include "workflow/validation.hpp"

namespace joldama {

namespace {

constexpr std::size_t kMaxSearchChars = 100;

Error not_found() {
  return make_error(Errc::NotFound, "no such referral");
}

// Narrows `filter` to what the actor may see; Forbidden for a role bound to nothing it lacks.
Status apply_scope(Actor const& actor, ReferralFilter& filter) {
  auto scope = referral_scope(actor);
  if (!scope) return scope.error();
  scope->narrow(filter);
  return ok();
}

Result<ReferralFilter> filter_for(Actor const& actor, WorklistQuery const& query, Timestamp now) {
  ReferralFilter filter;
  if (auto s = apply_scope(actor, filter); !s) return s.error();
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return validation_error("limit", "the page size is between 1 and 200");
  }
  filter.states = query.states;
  filter.profile = query.profile;
  filter.region = query.region;
  if (query.overdue_only) filter.overdue_at = now;
  if (query.due_by) {
    filter.due_from = now;
    filter.due_before = end_of_local_day(*query.due_by) + std::chrono::milliseconds{1};
  }
  filter.state_since_from = query.since;
  if (query.created_from && query.created_to && *query.created_to < *query.created_from) {
    return validation_error("created_to", "the range ends before it begins");
  }
  if (query.created_from && query.created_to &&
      *query.created_to - *query.created_from > std::chrono::days{5 * 366}) {
    return validation_error("created_to", "a range is at most five years");
  }
  if (query.created_from) filter.created_from = start_of_local_day(*query.created_from);
  if (query.created_to) {
    filter.created_before = end_of_local_day(*query.created_to) + std::chrono::milliseconds{1};
  }
  if (query.after && query.after->order != query.order) {
    return validation_error("after", "the cursor is of a list in another order");
  }
  filter.after = query.after;
  filter.limit = query.limit;
  filter.order = query.order;
  if (query.mine) {
    if (actor.role != Role::Doctor) {
      return validation_error("mine", "only a doctor has referrals of their own");
    }
    filter.created_by = actor.user_id;
  }
  auto protocol = validate_text("protocol", query.protocol, field_spec(Field::Protocol).max_chars,
                                Presence::Optional);
  if (!protocol) return protocol.error();
  filter.protocol = std::move(*protocol);

  auto text = validate_text("q", query.text, kMaxSearchChars, Presence::Optional);
  if (!text) return text.error();
  if (!text->empty()) {
    bool const digits =
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    bool const code_like = std::all_of(text->begin(), text->end(),
                                       [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
    if (digits) {
      filter.search = SearchKind::IinPrefix;
      filter.search_text = *text;
    } else if (code_like) {
      filter.search = SearchKind::CodePrefix;
      filter.search_text = *text;
    } else {
      filter.search = SearchKind::Name;
      filter.search_text = fold_case(*text);
    }
  }
  return filter;
}

// The history a person reads: the workflow's actions, attachments and overdue marks, oldest
// first (`events` are oldest first).
std::vector<HistoryEntry> history_of(std::vector<ActedEvent> const& events) {
  std::vector<HistoryEntry> history;
  for (auto const& [e, actor_name, actor_organization] : events) {
    if (!parse<Action>(e.action) && e.action != "attach" && e.action != "overdue" &&
        e.action != "deadline_moved") {
      continue;
    }
    HistoryEntry entry;
    entry.at = e.at;
    entry.action = e.action;
    entry.by_login = e.actor;
    entry.by_name = actor_name;
    entry.by_organization = actor_organization;
    entry.by_role = e.role;
    std::string reason;
    std::string comment;
    for (auto const& [key, value] : e.detail) {
      if (key == "from") entry.from = parse<State>(value);
      if (key == "to") entry.to = parse<State>(value);
      if (key == "reason") reason = value;
      if (key == "reason_code") entry.reason_code = value;
      if (key == "comment") comment = value;
      if (key == "filename" && e.action == "attach") comment = value;
    }
    entry.comment = !reason.empty() && !comment.empty() ? reason + " — " + comment
                    : !reason.empty()                   ? reason
                                                        : comment;
    history.push_back(std::move(entry));
  }
  return history;
}

}  // namespace

std::int64_t key_in_order(Referral const& referral, ListOrder order) {
  switch (order) {
    case ListOrder::Worklist: return 0;
    case ListOrder::Deadline:
    case ListOrder::DeadlineDescending:
      return referral.deadline ? to_millis(*referral.deadline)
                               : std::numeric_limits<std::int64_t>::max();
    case ListOrder::Created:
    case ListOrder::CreatedDescending: return to_millis(referral.created_at);
    case ListOrder::State: return static_cast<std::int64_t>(referral.state);
  }
  return 0;
}

WorklistCursor cursor_after(Referral const& referral, ListOrder order) {
  return WorklistCursor{referral.urgency == Urgency::Urgent ? 0 : 1,
                        to_millis(referral.state_since), referral.id, order,
                        key_in_order(referral, order)};
}

Result<Referral> Lookup::visible_referral(StoreReads& store, Actor const& actor, Id id) const {
  auto found = store.find_referral(id);
  if (!found) return found.error();
  if (!*found || !can_see(actor, **found)) return not_found();
  return std::move(**found);
}

Result<ReferralView> Lookup::view(StoreReads& store, Actor const& actor, SharedListing listing) const {
  ReferralView view;
  Referral const& r = listing->referral;
  view.overdue = r.overdue_at(clock_.now());
  view.allowed_actions = allowed_actions(r, actor);
  if (r.state == State::Waitlisted) {
    auto position = store.queue_position(r.id);
    if (!position) return position.error();
    view.queue_position = *position;
  }
  view.listing = std::move(listing);
  return view;
}

Result<ReferralView> Lookup::referral(StoreReads& store, Actor const& actor, Id id) const {
  auto listing = store.find_referral_listing(id);
  if (!listing) return listing.error();
  if (!*listing || !can_see(actor, (*listing)->referral)) return not_found();
  auto result = view(store, actor, std::move(*listing));
  if (!result) return result;
  auto events = store.referral_history(id);
  if (!events) return events.error();
  result->history = history_of(*events);
  return result;
}

Result<ReferralView> Lookup::acted_on(StoreReads& store, Actor const& actor, Id id) const {
  auto listing = store.find_referral_listing(id);
  if (!listing) return listing.error();
  if (!*listing) return not_found();
  return view(store, actor, std::move(*listing));
}

Result<WorklistPage> Lookup::worklist(StoreReads& store, Actor const& actor,
                                      WorklistQuery const& query) const {
  auto filter = filter_for(actor, query, clock_.now());
  if (!filter) return filter.error();
  ++filter->limit;  // one more row tells whether another page follows
  auto rows = store.list_referrals(*filter);
  if (!rows) return rows.error();
  WorklistPage page;
  bool const more = rows->size() > query.limit;
  if (more) rows->pop_back();
  for (auto& row : *rows) {
    auto item = view(store, actor, std::move(row));
    if (!item) return item.error();
    page.items.push_back(std::move(*item));
  }
  if (more && !page.items.empty()) {
    page.next = cursor_after(page.items.back().listing->referral, query.order);
  }
  return page;
}

Result<std::vector<std::pair<State, std::int64_t>>> Lookup::counts(
    StoreReads& store, Actor const& actor, WorklistQuery const& query) const {
  auto filter = filter_for(actor, query, clock_.now());
  if (!filter) return filter.error();
  return store.count_referrals_by_state(*filter);
}

Result<Patient> Lookup::patient(StoreReads& store, Actor const& actor, std::string_view iin) const {
  if (auto s = validate_iin(iin); !s) return s.error();
  auto found = store.find_patient_by_iin(iin);
  if (!found) return found.error();
  auto const missing = make_error(Errc::NotFound, "no such patient");
  if (!*found) return missing;
  auto const in_scope = patient_in_scope(store, actor, **found);
  if (!in_scope) return in_scope.error();
  if (!*in_scope) return missing;
  return std::move(**found);
}

Result<PublicStatus> Lookup::public_status(StoreReads& store, std::string_view code,
                                           std::string_view iin) const {
  // One answer for every kind of mismatch, so the page cannot be used to probe codes or IINs.
  auto const missing = make_error(Errc::NotFound, "no referral matches this code and IIN");
  if (!looks_like_referral_code(code) || !is_valid_iin(iin)) return missing;
  auto found = store.find_referral_by_code(code);
  if (!found) return found.error();
  if (!*found || (*found)->patient_iin != iin) return missing;
  Referral const& r = **found;
  PublicStatus status;
  status.referral_id = r.id;
  status.code = r.code;
  status.state = r.state;
  status.route = r.route;
  status.profile = r.profile;
  status.updated_at = r.updated_at;
  bool const awaits_decision =
      r.state == State::CommissionReview || r.state == State::InPersonScheduled ||
      r.state == State::RepublicanReview || r.state == State::AbroadReview ||
      r.state == State::BookingRequested;
  if (awaits_decision) status.decision_due = r.deadline;
  if (r.state == State::Waitlisted) {
    auto position = store.queue_position(r.id);
    if (!position) return position.error();
    status.queue_position = *position;
  }
  // The hospital and the day: of the talon, or of the booking the hospital has yet to answer.
  bool const booked = r.state == State::BookingRequested;
  if (r.talon || booked) {
    status.planned_date = booked ? r.booking_date : r.talon->planned_date;
    if (r.hospital_id) {
      auto hospital = store.find_organization(*r.hospital_id);
      if (!hospital) return hospital.error();
      if (*hospital) status.hospital = (*hospital)->name;
    }
  }
  return status;
}

Result<std::vector<Quota>> Lookup::quotas(StoreReads& store, Actor const& actor,
                                          QuotaFilter filter) const {
  if (auto s = require(actor, Capability::ReadQuotas); !s) return s.error();
  if (actor.role == Role::Commission) {
    if (!filter.region.empty() && filter.region != actor.region) return std::vector<Quota>{};
    filter.region = actor.region;
  }
  return store.list_quotas(filter);
}

Result<std::vector<StoredAuditEvent>> Lookup::audit(StoreReads& store, Actor const& actor,
                                                    AuditFilter const& filter) const {
  if (auto s = require(actor, Capability::ReadAudit); !s) return s.error();
  if (filter.limit < 1 || filter.limit > 1000) {
    return validation_error("limit", "the page size is between 1 and 1000");
  }
  return store.list_audit(filter);
}

Result<std::vector<PatientAccessListing>> Lookup::patient_accesses(
    StoreReads& store, Actor const& actor, PatientAccessFilter const& filter) const {
  if (auto s = require(actor, Capability::ReadPatientAccesses); !s) return s.error();
  if (filter.limit < 1 || filter.limit > 1000) {
    return validation_error("limit", "the page size is between 1 and 1000");
  }
  return store.list_patient_accesses(filter);
}

Result<AuditCheck> Lookup::verify_audit(StoreReads& store, Actor const& actor) const {
  if (auto s = require(actor, Capability::VerifyAudit); !s) return s.error();
  return store.verify_audit_chain();
}

Result<std::vector<AttachmentInfo>> Lookup::attachments(StoreReads& store, Actor const& actor,
                                                        Id referral_id) const {
  if (auto r = visible_referral(store, actor, referral_id); !r) return r.error();
  return store.list_attachments(referral_id);
}

Result<Attachment> Lookup::attachment(StoreReads& store, Actor const& actor, Id referral_id,
                                      Id attachment_id) const {
  if (auto r = visible_referral(store, actor, referral_id); !r) return r.error();
  auto found = store.find_attachment(referral_id, attachment_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no such attachment");
  return std::move(**found);
}

}  // namespace joldama
