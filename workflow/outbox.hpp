#pragma once
// The outbox's commands: the delivery worker claims the messages due and records each attempt's
// outcome (each in a transaction of its own, the sending between them, outside any); an
// administrator reads the outbox and tries a dead message again.

#include <optional>
#include <vector>

#include "workflow/patient_messages.hpp"
#include "workflow/ports.hpp"

namespace joldama {

// Where messages of one channel go: an SMS gateway, an SMTP server. `send` blocks until the
// gateway answers (or a timeout passes); it passes the message's idempotency key along, so a
// gateway that took an attempt whose answer was lost knows the next one for the same message.
class MessageGateway {
 public:
  virtual ~MessageGateway() = default;
  virtual DeliveryOutcome send(OutboxMessage const& message) = 0;
};

// The gateway of each channel; a channel without one is not sent (its messages wait).
struct Gateways {
  MessageGateway* sms = nullptr;
  MessageGateway* email = nullptr;

  MessageGateway* of(Channel channel) const { return channel == Channel::Sms ? sms : email; }
  EnumSet<Channel> channels() const;
};

// One round of the delivery worker: claims at most `batch` due messages (one command), sends
// each through its channel's gateway outside any transaction, and records each outcome (one
// command each). How many it tried.
Result<std::size_t> deliver_due(Transactor& writer, Clock const& clock, Gateways const& gateways,
                                DeliveryPolicy const& policy, std::size_t batch);

// The messages due now on the channels that have a gateway, each with its attempt begun
// (counted, the next one set after the backoff) and saved, so that a crash before the outcome is
// recorded leaves it to be tried again with the same idempotency key.
Result<std::vector<OutboxMessage>> claim_due_messages(Store& store, Timestamp now,
                                                      EnumSet<Channel> channels,
                                                      std::size_t limit,
                                                      DeliveryPolicy const& policy);

// Records the outcome of attempt number `attempt` of the message; nothing when the message has
// moved on since (an administrator revived it, or it was delivered).
Status finish_delivery(Store& store, Id message_id, int attempt, DeliveryOutcome const& outcome,
                       Timestamp now, DeliveryPolicy const& policy);

struct OutboxPage {
  std::vector<OutboxMessage> items;
  std::optional<Id> next;  // the id to read on from, when more follow
};

inline constexpr std::size_t kMaxOutboxPage = 200;

// The outbox, newest first: an administrator's only.
Result<OutboxPage> read_outbox(StoreReads& store, Actor const& reader,
                               std::optional<DeliveryState> state, std::optional<Id> before_id,
                               std::size_t limit);

// An administrator sends a dead message on its way again (audited).
Result<OutboxMessage> retry_message(Store& store, Actor const& actor, Id message_id,
                                    Timestamp now);

}  // namespace joldama
