// The outbox of messages to patients, as an administrator sees it: what was sent, what waits,
// what was given up on (and may be tried again). The recipient is masked and the text is not
// shown: an administrator needs to see that a message went, not what it said or to whom.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/outbox.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

json::value optional_time_json(std::optional<Timestamp> t) {
  return t ? json::value(format_timestamp(*t)) : json::value(nullptr);
}

json::value to_json(OutboxMessage const& m) {
  return json::object{
      {"id", m.id},
      {"created_at", format_timestamp(m.created_at)},
      {"referral_id", m.referral_id ? json::value(*m.referral_id) : json::value(nullptr)},
      {"channel", to_string(m.channel)},
      {"to", masked_recipient(m.channel, m.recipient)},
      {"kind", to_string(m.kind)},
      {"language", to_string(m.language)},
      {"state", to_string(m.state)},
      {"attempts", m.attempts},
      {"next_attempt_at",
       m.state == DeliveryState::Pending || m.state == DeliveryState::Failed
           ? json::value(format_timestamp(m.next_attempt_at))
           : json::value(nullptr)},
      {"last_error", m.last_error.empty() ? json::value(nullptr) : json::value(m.last_error)},
      {"sent_at", optional_time_json(m.sent_at)}};
}

void read_outbox_page(Api& api, std::shared_ptr<Exchange> const& exchange) {
  std::optional<DeliveryState> state;
  if (auto const text = query_text(exchange->request, "state"); !text.empty()) {
    state = parse<DeliveryState>(text);
    if (!state) {
      return api.fail(exchange, validation_error("state", "one of pending, sent, failed, dead"));
    }
  }
  auto limit = query_integer(exchange->request, "limit", 1, kMaxOutboxPage);
  if (!limit) return api.fail(exchange, limit.error());
  auto after = query_integer(exchange->request, "after", 1, INT64_MAX);
  if (!after) return api.fail(exchange, after.error());
  api.read(exchange, [exchange, state, limit = limit->value_or(50),
                      after = *after](StoreReads& store) -> Result<Response> {
    auto page =
        read_outbox(store, exchange->actor(), state, after, static_cast<std::size_t>(limit));
    if (!page) return page.error();
    json::array items;
    for (auto const& message : page->items) items.push_back(to_json(message));
    return Api::json(
        200, json::object{{"items", std::move(items)},
                          {"next", page->next ? json::value(*page->next) : json::value(nullptr)}});
  });
}

}  // namespace

void add_outbox_routes(Api& api) {
  api.add({Method::Get, "/api/v1/outbox", Access::SignedIn, Body::None,
           "The messages to patients, newest first (administrators): ?state=pending|sent|failed|"
           "dead&limit=50&after=ID; the recipient masked, the text left out",
           [&api](std::shared_ptr<Exchange> const& exchange) { read_outbox_page(api, exchange); }});
  api.add({Method::Post, "/api/v1/outbox/{id}/retry", Access::SignedIn, Body::None,
           "Send a message given up on (dead) on its way again: pending, its attempts counted "
           "anew (administrators; audited). 409 for a message that is not dead",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const id = parse_id(exchange->param("id"));
             if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such message"));
             api.write(exchange, [&api, exchange, id = *id](Store& store) -> Result<Response> {
               auto message =
                   retry_message(store, exchange->actor(), id, api.services().clock.now());
               if (!message) return message.error();
               return Api::json(200, to_json(*message));
             });
           }});
}

}  // namespace joldama::server
