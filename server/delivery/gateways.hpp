#pragma once
// The gateways a patient's messages leave through, both over libcurl: e-mail to an SMTP server,
// SMS as a JSON POST to an HTTP gateway with a bearer token. Each attempt carries the message's
// idempotency key (the e-mail's Message-ID; the SMS request's Idempotency-Key header and body),
// so a gateway that already took a message can tell a retry of it from a new one.

#include <chrono>
#include <string>

#include "workflow/outbox.hpp"

namespace joldama::server {

struct SmtpSettings {
  std::string url;   // smtp://host:port (STARTTLS when the server offers it) or smtps://host:port
  std::string from;  // the sender's address
  std::string user;  // empty: no authentication
  std::string password;
  std::chrono::seconds timeout{30};
};

class SmtpGateway final : public MessageGateway {
 public:
  SmtpGateway(SmtpSettings settings, Clock const& clock);
  DeliveryOutcome send(OutboxMessage const& message) override;

 private:
  SmtpSettings settings_;
  Clock const& clock_;
};

// The text of an e-mail as it goes to the SMTP server (headers, then the body in base64), with
// CRLF line ends. Its Message-ID is made of the idempotency key.
std::string email_text(OutboxMessage const& message, std::string_view from, Timestamp now);

struct SmsSettings {
  std::string url;    // http(s)://… of the gateway
  std::string token;  // sent as Authorization: Bearer …
  std::chrono::seconds timeout{30};
};

// POSTs {"to","text","idempotency_key"}: 2xx is delivered; 408, 429, 5xx, 401, 403 and no
// answer are failures to try again; another 4xx refuses the message for good.
class HttpSmsGateway final : public MessageGateway {
 public:
  explicit HttpSmsGateway(SmsSettings settings);
  DeliveryOutcome send(OutboxMessage const& message) override;

 private:
  SmsSettings settings_;
};

}  // namespace joldama::server
