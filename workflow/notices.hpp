#pragma once
// Who is told of a change: one declarative table of rules, each naming the transitions it
// matches (by action, by the role that acted, by the state entered) and the people whose work
// the change is. The services write the notices in the transaction of the change itself, so
// there is no change without its notices and no notice without its change.

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/ports.hpp"

namespace joldama {

// The people a notice goes to, as a referral names them.
enum class Audience {
  ReferringDoctor,    // the doctor who registered the referral
  RegionCommission,   // the commission of the patient's region
  Republican,         // the republican level
  ReceivingHospital,  // the staff of the hospital the referral is addressed to
};

template <>
struct EnumText<Audience> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"referring_doctor", "region_commission", "republican", "receiving_hospital"});
};

struct NoticeRule {
  NoticeKind kind;
  EnumSet<Action> actions;  // any action when empty
  EnumSet<Role> by;         // any role when empty
  EnumSet<State> to;        // any state entered when empty
  EnumSet<Audience> audience;
};

std::span<NoticeRule const> notice_rules();

struct DueNotice {
  NoticeKind kind;
  Audience audience;
};

// What a transition (`action` by `by`, entering `to`) tells whom, in the table's order.
std::vector<DueNotice> notices_for(Action action, Role by, State to);

// Who must act before a step's deadline in `state` (and is reminded the working day before);
// nobody for a state without a deadline of someone's.
std::optional<Audience> who_must_act(State state);

// A page of the reader's inbox, newest first, with its summary.
struct InboxPage {
  std::vector<NoticeListing> items;
  std::optional<Id> next;  // the id to read on from, when more follow
  NoticeSummary summary;
};

inline constexpr std::size_t kMaxInboxPage = 100;

// Only the reader's own notices: a notice is read, and marked, by the account it was written
// for and no other.
Result<InboxPage> read_inbox(StoreReads& store, Actor const& reader, bool unread_only,
                             std::optional<Id> before_id, std::size_t limit);
Result<bool> mark_notice_read(Store& store, Actor const& reader, Id notice_id, Timestamp now);
Status mark_inbox_read(Store& store, Actor const& reader, Timestamp now);

}  // namespace joldama
