#include "workflow/notices.hpp"

namespace joldama {

namespace {

using A = Action;
using S = State;
using R = Role;
using P = Audience;

constexpr NoticeRule kRules[] = {
    // The commission asks for documents: the doctor must answer by the reply deadline.
    {NoticeKind::InfoRequested, {}, {}, {S::InfoRequested}, {P::ReferringDoctor}},
    // A decision on the doctor's referral, by whoever takes it.
    {NoticeKind::DecisionMade,
     {A::Approve, A::Reject, A::ReferAbroad, A::Confirm, A::Refuse, A::Decline},
     {R::Commission, R::Republican, R::Hospital},
     {},
     {P::ReferringDoctor}},
    // New work in a queue.
    {NoticeKind::ReferralArrived, {}, {}, {S::CommissionReview}, {P::RegionCommission}},
    {NoticeKind::ReferralArrived, {}, {}, {S::RepublicanReview, S::AbroadReview}, {P::Republican}},
    {NoticeKind::TalonArrived,
     {A::Approve},
     {R::Republican},
     {S::TalonIssued},
     {P::ReceivingHospital}},
    {NoticeKind::BookingArrived, {}, {}, {S::BookingRequested}, {P::ReceivingHospital}},
    // A unit freed elsewhere reached a waitlisted referral.
    {NoticeKind::Promoted, {A::Promote}, {}, {}, {P::ReferringDoctor, P::ReceivingHospital}},
};

// Whose deadline each step's is.
constexpr std::pair<State, Audience> kWhoMustAct[] = {
    {S::BookingRequested, P::ReceivingHospital}, {S::CommissionReview, P::RegionCommission},
    {S::InPersonScheduled, P::RegionCommission}, {S::InfoRequested, P::ReferringDoctor},
    {S::RepublicanReview, P::Republican},        {S::AbroadReview, P::Republican},
    {S::TalonIssued, P::ReceivingHospital},      {S::Scheduled, P::ReceivingHospital},
};

}  // namespace

std::optional<Audience> who_must_act(State state) {
  for (auto const& [s, audience] : kWhoMustAct) {
    if (s == state) return audience;
  }
  return std::nullopt;
}

std::span<NoticeRule const> notice_rules() {
  return kRules;
}

std::vector<DueNotice> notices_for(Action action, Role by, State to) {
  std::vector<DueNotice> due;
  for (auto const& rule : kRules) {
    if (!rule.actions.empty() && !rule.actions.contains(action)) continue;
    if (!rule.by.empty() && !rule.by.contains(by)) continue;
    if (!rule.to.empty() && !rule.to.contains(to)) continue;
    for (Audience audience : all_values<Audience>()) {
      if (rule.audience.contains(audience)) due.push_back({rule.kind, audience});
    }
  }
  return due;
}

namespace {

Status must_be_staff(Actor const& reader) {
  if (reader.role == Role::System || reader.user_id == 0) {
    return make_error(Errc::Forbidden, "only a signed-in user has an inbox");
  }
  return ok();
}

}  // namespace

Result<InboxPage> read_inbox(StoreReads& store, Actor const& reader, bool unread_only,
                             std::optional<Id> before_id, std::size_t limit) {
  if (auto s = must_be_staff(reader); !s) return s.error();
  if (limit < 1 || limit > kMaxInboxPage) {
    return validation_error("limit", "a page holds 1 to 100 notices");
  }
  InboxPage page;
  // One more than asked tells whether another page follows.
  auto items = store.list_notices(reader.user_id, unread_only, before_id, limit + 1);
  if (!items) return items.error();
  if (items->size() > limit) {
    items->resize(limit);
    page.next = items->back().notice.id;
  }
  page.items = std::move(*items);
  auto summary = store.notice_summary(reader.user_id);
  if (!summary) return summary.error();
  page.summary = *summary;
  return page;
}

Result<bool> mark_notice_read(Store& store, Actor const& reader, Id notice_id, Timestamp now) {
  if (auto s = must_be_staff(reader); !s) return s.error();
  return store.mark_notice_read(reader.user_id, notice_id, now);
}

Status mark_inbox_read(Store& store, Actor const& reader, Timestamp now) {
  if (auto s = must_be_staff(reader); !s) return s;
  return store.mark_all_notices_read(reader.user_id, now);
}

}  // namespace joldama
