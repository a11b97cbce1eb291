#include "workflow/outbox.hpp"

#include "workflow/access.hpp"

namespace joldama {

namespace {

Status must_be_admin(Actor const& actor) {
  return require(actor, Capability::ReadOutbox);
}

}  // namespace

EnumSet<Channel> Gateways::channels() const {
  EnumSet<Channel> set;
  if (sms) set = set.with(Channel::Sms);
  if (email) set = set.with(Channel::Email);
  return set;
}

Result<std::size_t> deliver_due(Transactor& writer, Clock const& clock, Gateways const& gateways,
                                DeliveryPolicy const& policy, std::size_t batch) {
  auto const channels = gateways.channels();
  if (channels.empty()) return std::size_t{0};
  auto const now = clock.now();
  auto claimed = transact(writer, [&](Store& store) {
    return claim_due_messages(store, now, channels, batch, policy);
  });
  if (!claimed) return claimed.error();
  for (auto const& message : *claimed) {
    auto const outcome = gateways.of(message.channel)->send(message);
    auto recorded = transact(writer, [&](Store& store) {
      return finish_delivery(store, message.id, message.attempts, outcome, clock.now(), policy);
    });
    if (!recorded) return recorded.error();
  }
  return claimed->size();
}

Result<std::vector<OutboxMessage>> claim_due_messages(Store& store, Timestamp now,
                                                      EnumSet<Channel> channels,
                                                      std::size_t limit,
                                                      DeliveryPolicy const& policy) {
  auto due = store.due_messages(now, channels, limit);
  if (!due) return due.error();
  for (auto& message : *due) {
    begin_attempt(message, now, policy);
    if (auto s = store.save_delivery(message); !s) return s.error();
  }
  return due;
}

Status finish_delivery(Store& store, Id message_id, int attempt, DeliveryOutcome const& outcome,
                       Timestamp now, DeliveryPolicy const& policy) {
  auto found = store.find_message(message_id);
  if (!found) return found.error();
  if (!*found) return ok();
  OutboxMessage message = std::move(**found);
  bool const still_ours = message.attempts == attempt && (message.state == DeliveryState::Pending ||
                                                          message.state == DeliveryState::Failed);
  if (!still_ours) return ok();
  record_outcome(message, outcome, now, policy);
  return store.save_delivery(message);
}

Result<OutboxPage> read_outbox(StoreReads& store, Actor const& reader,
                               std::optional<DeliveryState> state, std::optional<Id> before_id,
                               std::size_t limit) {
  if (auto s = must_be_admin(reader); !s) return s.error();
  if (limit < 1 || limit > kMaxOutboxPage) {
    return validation_error("limit", "a page holds 1 to 200 messages");
  }
  auto items = store.list_messages(state, before_id, limit + 1);
  if (!items) return items.error();
  OutboxPage page;
  if (items->size() > limit) {
    items->resize(limit);
    page.next = items->back().id;
  }
  page.items = std::move(*items);
  return page;
}

Result<OutboxMessage> retry_message(Store& store, Actor const& actor, Id message_id,
                                    Timestamp now) {
  if (auto s = must_be_admin(actor); !s) return s.error();
  auto found = store.find_message(message_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no such message");
  OutboxMessage message = std::move(**found);
  auto const attempts_before = message.attempts;
  if (auto s = revive_message(message, now); !s) return s.error();
  if (auto s = store.save_delivery(message); !s) return s.error();
  AuditEvent event{now,
                   actor.login,
                   actor.role,
                   "retry_message",
                   message.referral_id,
                   {{"message_id", std::to_string(message.id)},
                    {"channel", std::string{to_string(message.channel)}},
                    {"attempts_before", std::to_string(attempts_before)},
                    {"last_error", message.last_error}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return message;
}

}  // namespace joldama
