// The staff's inboxes: each user's notices, the unread count, marking read. A page polls the
// inbox with If-None-Match: while nothing changed it gets 304 and no body.

#include <fmt/format.h>

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/notices.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

json::value to_json(NoticeListing const& listing) {
  auto const& n = listing.notice;
  return json::object{
      {"id", n.id},
      {"at", format_timestamp(n.at)},
      {"kind", to_string(n.kind)},
      {"referral", n.referral_id ? json::value(json::object{{"id", *n.referral_id},
                                                            {"code", listing.referral_code}})
                                 : json::value(nullptr)},
      {"read", n.read_at.has_value()}};
}

// Changes whenever the inbox does: a new notice raises the newest id, a read one lowers the
// unread count.
std::string inbox_etag(NoticeSummary const& summary) {
  return fmt::format("\"{}.{}\"", summary.latest, summary.unread);
}

void read_notifications(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const unread = query_text(exchange->request, "unread");
  if (!unread.empty() && unread != "true" && unread != "false") {
    return api.fail(exchange, validation_error("unread", "must be true or false"));
  }
  auto limit = query_integer(exchange->request, "limit", 1, kMaxInboxPage);
  if (!limit) return api.fail(exchange, limit.error());
  auto after = query_integer(exchange->request, "after", 1, INT64_MAX);
  if (!after) return api.fail(exchange, after.error());
  api.read(exchange, [exchange, unread_only = unread == "true", limit = limit->value_or(30),
                      after = *after](StoreReads& store) -> Result<Response> {
    auto page = read_inbox(store, exchange->actor(), unread_only, after,
                           static_cast<std::size_t>(limit));
    if (!page) return page.error();
    auto const etag = inbox_etag(page->summary);
    if (auto match = exchange->request.header("if-none-match"); match && *match == etag) {
      Response response;
      response.status = 304;
      response.set_header("etag", etag);
      response.set_header("cache-control", "no-cache");
      return response;
    }
    json::array items;
    for (auto const& listing : page->items) items.push_back(to_json(listing));
    auto response = Api::json(
        200, json::object{{"items", std::move(items)},
                          {"next", page->next ? json::value(*page->next) : json::value(nullptr)},
                          {"unread", page->summary.unread}});
    response.set_header("etag", etag);
    response.set_header("cache-control", "no-cache");
    return response;
  });
}

Response no_content() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

void add_notification_routes(Api& api) {
  // Polled by every page for the header's count: not activity, so it keeps no session alive.
  api.add(polled_in_background(
      {Method::Get, "/api/v1/notifications", Access::SignedIn, Body::None,
       "The signed-in user's notices, newest first: ?unread=true&limit=30&after=ID, with the "
       "unread count; an ETag of the inbox's state answers If-None-Match with 304. Reading it "
       "does not count as activity for the session's idle timeout",
       [&api](std::shared_ptr<Exchange> const& exchange) { read_notifications(api, exchange); }}));
  api.add({Method::Post, "/api/v1/notifications/{id}/read", Access::SignedIn, Body::None,
           "Mark one of the signed-in user's notices read → 204",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const id = parse_id(exchange->param("id"));
             if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such notice"));
             api.write(exchange, [&api, exchange, id = *id](Store& store) -> Result<Response> {
               auto marked =
                   mark_notice_read(store, exchange->actor(), id, api.services().clock.now());
               if (!marked) return marked.error();
               if (!*marked) return make_error(Errc::NotFound, "no such notice");
               return no_content();
             });
           }});
  api.add({Method::Post, "/api/v1/notifications/read-all", Access::SignedIn, Body::None,
           "Mark every notice of the signed-in user read → 204",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.write(exchange, [&api, exchange](Store& store) -> Result<Response> {
               if (auto s = mark_inbox_read(store, exchange->actor(), api.services().clock.now());
                   !s) {
                 return s.error();
               }
               return no_content();
             });
           }});
}

}  // namespace joldama::server
