#pragma once
// What a patient is told, and how it reaches them. One declarative table names the transitions
// that concern the patient; the words of each message are in Kazakh and Russian, and say what
// happened and where to look, never the diagnosis or the profile (an SMS is read by others).
// The services write the messages to the outbox in the transaction of the change; the delivery
// worker sends them afterwards, each attempt with the message's own idempotency key, retrying
// with exponential backoff until a limit, after which the message is dead until an
// administrator tries it again.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/model.hpp"
#include "workflow/result.hpp"

namespace joldama {

struct PatientMessageRule {
  MessageKind kind;
  EnumSet<Action> actions;  // any action when empty
  EnumSet<Role> by;         // any role when empty
  EnumSet<State> to;        // any state entered when empty
};

std::span<PatientMessageRule const> patient_message_rules();

// What a transition (`action` by `by`, entering `to`) tells the patient: the first rule that
// matches, or nothing.
std::optional<MessageKind> patient_message_for(Action action, Role by, State to);

struct MessageText {
  std::string subject;  // of an e-mail
  std::string body;     // of an SMS and of an e-mail
};

// The message of `kind` in `language` (kk, or ru; any other is written in Kazakh): the referral's
// code, the day (or day and time) when the kind has one, and the public status page to look at.
MessageText compose_message(MessageKind kind, Locale language, std::string_view code,
                            std::string_view when, std::string_view status_page);

// The public status page of the referral `code` under `public_url` (no trailing slash needed).
std::string status_page_of(std::string_view public_url, std::string_view code);

// The messages of `kind` about `referral` to `patient`: one by SMS to the phone and one by
// e-mail to the address, each that the record has; none when it has neither. `cause` makes the
// idempotency keys: the same cause writes the same keys (the outbox keeps one of each).
std::vector<OutboxMessage> messages_for(Patient const& patient, Referral const& referral,
                                        MessageKind kind, std::string_view cause, Timestamp now,
                                        std::string_view public_url);

struct DeliveryPolicy {
  int max_attempts = 8;                            // then the message is dead
  std::chrono::seconds first_retry{30};            // after the first failure
  std::chrono::seconds longest_retry{6 * 60 * 60};  // the doubling stops here
};

// How long after its `attempts`-th attempt a message is tried again: first_retry doubled for
// each attempt before, at most longest_retry.
std::chrono::seconds retry_delay(DeliveryPolicy const& policy, int attempts);

// What a gateway answered to one attempt.
struct DeliveryOutcome {
  enum class Kind {
    Delivered,  // the gateway took the message
    Failed,     // it could not now (unreachable, busy, a server error): try again later
    Refused,    // it will never take this message (a bad address, say): try no more
  };
  Kind kind = Kind::Delivered;
  std::string error;  // what the gateway said, when it did not deliver
};

// Before sending: the attempt is counted, and the next one set after the backoff, so that a
// crash before the outcome is recorded leaves the message to be tried again (with the same
// key) and never lost.
void begin_attempt(OutboxMessage& message, Timestamp now, DeliveryPolicy const& policy);

// After sending: delivered; failed, to be tried at its next attempt; or dead (refused, or out of
// attempts).
void record_outcome(OutboxMessage& message, DeliveryOutcome const& outcome, Timestamp now,
                    DeliveryPolicy const& policy);

// A dead message an administrator sends on its way again: pending, its attempts counted anew,
// due at once. Invalid for a message that is not dead.
Status revive_message(OutboxMessage& message, Timestamp now);

// The address as the outbox shows it to an administrator: enough to tell messages apart, not
// enough to reach the patient ("+7701*****67", "a***@mail.kz").
std::string masked_recipient(Channel channel, std::string_view recipient);

}  // namespace joldama
