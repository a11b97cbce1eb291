// The audit log and its verification.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/access.hpp"
#include "workflow/time.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;

void add_audit_routes(Api& api) {
  api.add({Method::Get, "/api/v1/audit", Access::SignedIn, Body::None,
           "Audit events, newest first: ?referral_id=&actor=&action=&from=DATE&to=DATE&limit="
           "&before= (administrators and the republican level)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             AuditFilter filter;
             auto referral = query_integer(exchange->request, "referral_id", 1, INT64_MAX);
             if (!referral) return api.fail(exchange, referral.error());
             filter.referral_id = *referral;
             auto limit = query_integer(exchange->request, "limit", 1, 1000);
             if (!limit) return api.fail(exchange, limit.error());
             filter.limit = static_cast<std::size_t>(limit->value_or(100));
             auto before = query_integer(exchange->request, "before", 1, INT64_MAX);
             if (!before) return api.fail(exchange, before.error());
             filter.before_seq = *before;
             filter.actor = query_text(exchange->request, "actor");
             if (filter.actor.size() > 64) {
               return api.fail(exchange, validation_error("actor", "a login has at most 64 characters"));
             }
             filter.action = query_text(exchange->request, "action");
             if (filter.action.size() > 64 ||
                 filter.action.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
               return api.fail(exchange,
                               validation_error("action", "an event name is lower-case letters and _"));
             }
             std::optional<Date> from;
             std::optional<Date> to;
             for (auto [name, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
               if (auto text = query_text(exchange->request, name); !text.empty()) {
                 *target = parse_date(text);
                 if (!*target) {
                   return api.fail(exchange, validation_error(name, "a date is written YYYY-MM-DD"));
                 }
               }
             }
             if (from && to && *to < *from) {
               return api.fail(exchange, validation_error("to", "the range ends before it begins"));
             }
             if (from) filter.from = start_of_local_day(*from);
             if (to) filter.before = end_of_local_day(*to) + std::chrono::milliseconds{1};
             api.read(exchange, [&api, exchange, filter](StoreReads& store) -> Result<Response> {
               auto events = api.services().lookup.audit(store, exchange->actor(), filter);
               if (!events) return events.error();
               json::array items;
               for (auto const& e : *events) items.push_back(to_json(e));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Get, "/api/v1/audit/anchor", Access::SignedIn, Body::None,
           "The newest signed checkpoint of the audit chain: {seq, hash, at, key_id, signature} "
           "(administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             if (auto s = require(exchange->actor(), Capability::VerifyAudit); !s) {
               return api.fail(exchange, s.error());
             }
             auto* anchors = api.services().anchors;
             auto latest = anchors ? anchors->latest_anchor()
                                   : Result<std::optional<AuditAnchor>>{std::nullopt};
             if (!latest) return api.fail(exchange, latest.error());
             if (!*latest) {
               return api.fail(exchange,
                               make_error(Errc::NotFound, "no anchor has been made yet"));
             }
             auto const& a = **latest;
             api.reply(exchange, Api::json(200, json::object{{"seq", a.seq},
                                                             {"hash", a.hash},
                                                             {"at", a.at},
                                                             {"key_id", a.key_id},
                                                             {"signature", a.signature}}));
           }});
  api.add({Method::Get, "/api/v1/audit/verify", Access::SignedIn, Body::None,
           "Check the audit log's hash chain (administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [&api, exchange](StoreReads& store) -> Result<Response> {
               auto check = api.services().lookup.verify_audit(store, exchange->actor());
               if (!check) return check.error();
               json::object out{{"ok", check->ok}, {"events", check->events}};
               if (!check->ok) {
                 out["broken_seq"] = check->broken_seq.value_or(0);
                 out["reason"] = check->reason;
               }
               return Api::json(200, out);
             });
           }});
}

}  // namespace joldama::server
