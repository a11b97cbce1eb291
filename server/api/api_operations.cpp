// Health, metrics and the API's own description.

#include <boost/json/serialize.hpp>

#include "server/api/api.hpp"
#include "server/security/crypto.hpp"
#include "server/api/metrics.hpp"

namespace joldama::server {

void add_operations_routes(Api& api) {
  api.add({Method::Get, "/healthz", Access::Public, Body::None,
           "200 {\"status\":\"ok\"} while the database answers",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [](StoreReads& store) -> Result<Response> {
               if (auto regions = store.find_region("75"); !regions) return regions.error();
               return Api::json(200, boost::json::object{{"status", "ok"}});
             });
           }});
  api.add({Method::Get, "/metrics", Access::Public, Body::None,
           "Prometheus metrics: requests by route and status, latency, referrals by state. "
           "Only with Authorization: Bearer <metrics_token> when one is configured; otherwise "
           "on the metrics_listen address alone (404 here)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const& token = api.services().config.metrics_token;
             auto const given = exchange->request.header("authorization");
             auto const bearer = given ? bearer_token(*given) : std::nullopt;
             // Without the token, the endpoint does not exist for the caller.
             if (token.empty() || !bearer || !constant_time_equal(*bearer, token)) {
               return api.fail(exchange, make_error(Errc::NotFound, "no such endpoint"));
             }
             api.read(exchange, [&api](StoreReads& store) { return api.metrics_response(store); });
           }});
  api.add({Method::Get, "/api/v1/openapi.json", Access::Public, Body::None,
           "This API described in OpenAPI 3.1", [&api](std::shared_ptr<Exchange> const& exchange) {
             api.reply(exchange, Api::json(200, openapi_document(api.router())));
           }});
}

}  // namespace joldama::server
