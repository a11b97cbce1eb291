// The public status page's lookup: no account, a referral code and the patient's IIN.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"

namespace joldama::server {

void add_public_routes(Api& api) {
  api.add({Method::Get, "/api/v1/public/status", Access::Public, Body::None,
           "A referral's status by ?code=&iin= for the patient; the same 404 for a wrong code or "
           "a wrong IIN; rate limited per address",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const now = api.services().clock.now();
             auto const key = "public:" + exchange->request.peer;
             if (!api.public_lookups().admit(key, now)) {
               auto response = Api::error_response(
                   make_error(Errc::RateLimited, "too many lookups; wait a minute and try again"));
               response.set_header(
                   "retry-after",
                   std::to_string(api.public_lookups().retry_after(key, now).count()));
               return api.reply(exchange, std::move(response));
             }
             // A ceiling for every address together: guessing codes and IINs from many
             // addresses at once is held back too.
             if (!api.all_public_lookups().admit("all", now)) {
               auto response = Api::error_response(make_error(
                   Errc::RateLimited, "the status page is busy; wait a minute and try again"));
               response.set_header(
                   "retry-after",
                   std::to_string(api.all_public_lookups().retry_after("all", now).count()));
               return api.reply(exchange, std::move(response));
             }
             auto const code = query_text(exchange->request, "code");
             auto const iin = query_text(exchange->request, "iin");
             if (code.empty() || iin.empty()) {
               return api.fail(exchange, make_error(Errc::Malformed, "give both code and iin"));
             }
             auto const peer = exchange->request.peer;
             api.read_audited(exchange, [&api, code, iin, peer](StoreReads& store) -> Result<Api::Audited> {
               auto status = api.services().lookup.public_status(store, code, iin);
               if (!status) return status.error();
               // The patient (or whoever holds the code and the IIN) read the referral: a read
               // like any other, found with them in the referral's audit view.
               return Api::Audited{Api::json(200, to_json(*status)),
                                   {AuditEvent{api.services().clock.now(),
                                               "public",
                                               Role::System,
                                               "read_referral",
                                               status->referral_id,
                                               {{"via", "public_status"}, {"address", peer}}}}};
             });
           }});
}

}  // namespace joldama::server
