// Quotas: the planning table, one allocation, and the national distribution by population.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/quota.hpp"

namespace joldama::server {

namespace json = boost::json;
using Need = JsonInput::Need;

namespace {

Response quota_list(std::vector<Quota> const& quotas) {
  json::array items;
  for (auto const& q : quotas) items.push_back(to_json(q));
  return Api::json(200, items);
}

}  // namespace

void add_quota_routes(Api& api) {
  api.add({Method::Get, "/api/v1/quotas", Access::SignedIn, Body::None,
           "Quotas by ?period=&region=&profile= (republican level and administrators; a "
           "commission sees its region's)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             QuotaFilter filter;
             auto period = query_integer(exchange->request, "period", 2000, 2999);
             if (!period) return api.fail(exchange, period.error());
             if (*period) filter.period = static_cast<int>(**period);
             filter.region = query_text(exchange->request, "region");
             filter.profile = query_text(exchange->request, "profile");
             api.read(exchange, [&api, exchange, filter](StoreReads& store) -> Result<Response> {
               auto quotas = api.services().lookup.quotas(store, exchange->actor(), filter);
               if (!quotas) return quotas.error();
               return quota_list(*quotas);
             });
           }});
  api.add({Method::Put, "/api/v1/quotas/{period}/{region}/{profile}", Access::SignedIn, Body::Json,
           "Set an allocation: {\"allocated\":N}; never below reserved + used; raising it "
           "promotes waitlisted referrals",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const period = parse_id(exchange->param("period"));
             if (!period || *period > 2999) {
               return api.fail(exchange, validation_error("period", "the period is a year"));
             }
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto allocated = body->integer("allocated", Need::Required, 0, kMaxAllocation);
             if (!allocated) return api.fail(exchange, allocated.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             QuotaKey key{static_cast<int>(*period), exchange->param("region"),
                          exchange->param("profile")};
             api.write(exchange,
                       [&api, exchange, key, allocated = static_cast<int>(**allocated)](
                           Store& store) -> Result<Response> {
                         auto quota = api.services().workflow.set_allocation(
                             store, exchange->actor(), key, allocated);
                         if (!quota) return quota.error();
                         return Api::json(200, to_json(*quota));
                       });
           }});
  api.add({Method::Post, "/api/v1/quotas/distribute", Access::SignedIn, Body::Json,
           "Distribute a national total of a profile across the regions by population "
           "(largest remainder): {\"period\",\"profile\",\"total\",\"dry_run\"?}",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             Distribution plan;
             auto period = body->integer("period", Need::Required, 2000, 2999);
             if (!period) return api.fail(exchange, period.error());
             auto profile = body->text("profile");
             if (!profile) return api.fail(exchange, profile.error());
             auto total = body->integer("total", Need::Required, 0, kMaxAllocation);
             if (!total) return api.fail(exchange, total.error());
             auto dry_run = body->boolean("dry_run", Need::Optional);
             if (!dry_run) return api.fail(exchange, dry_run.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             plan.period = static_cast<int>(**period);
             plan.profile = std::move(*profile);
             plan.total = static_cast<int>(**total);
             plan.dry_run = dry_run->value_or(false);
             api.write(exchange, [&api, exchange, plan](Store& store) -> Result<Response> {
               auto quotas = api.services().workflow.distribute(store, exchange->actor(), plan);
               if (!quotas) return quotas.error();
               return quota_list(*quotas);
             });
           }});
}

}  // namespace joldama::server
