// Health, metrics and the API's own description.

#include <boost/json/serialize.hpp>

#include "server/api.hpp"
#include "server/metrics.hpp"

namespace joldama::server {

void add_operations_routes(Api& api) {
  api.add({Method::Get, "/healthz", Access::Public, Body::None,
           "200 {\"status\":\"ok\"} while the database answers",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [](Store& store) -> Result<Response> {
               if (auto regions = store.find_region("75"); !regions) return regions.error();
               return Api::json(200, boost::json::object{{"status", "ok"}});
             });
           }});
  api.add({Method::Get, "/metrics", Access::Public, Body::None,
           "Prometheus metrics: requests by route and status, latency, referrals by state",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [&api](Store& store) -> Result<Response> {
               auto counts = store.count_referrals_by_state(ReferralFilter{});
               if (!counts) return counts.error();
               Response response;
               response.body = api.metrics().render(*counts, api.services().writer.statistics());
               response.set_header("content-type", "text/plain; version=0.0.4; charset=utf-8");
               return response;
             });
           }});
  api.add({Method::Get, "/api/v1/openapi.json", Access::Public, Body::None,
           "This API described in OpenAPI 3.1", [&api](std::shared_ptr<Exchange> const& exchange) {
             api.reply(exchange, Api::json(200, openapi_document(api.router())));
           }});
}

}  // namespace joldama::server
