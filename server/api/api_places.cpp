// The planned route's reference: what hospitals treat, the places they publish, and the reasons
// an action may give.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/reasons.hpp"

namespace joldama::server {

namespace json = boost::json;
using Need = JsonInput::Need;

namespace {

constexpr int kMaxPlaceDays = 31;
constexpr int kDefaultPlaceDays = 7;
constexpr int kPlacesLookBackDays = 31;  // staff may look at the month that passed

// ?from=YYYY-MM-DD, today by default; Validation naming `from` when it is not a date or lies
// too far from today.
Result<Date> query_from(Request const& request, Date today) {
  auto const text = query_text(request, "from");
  if (text.empty()) return today;
  auto const from = parse_date(text);
  if (!from) return validation_error("from", "must be a date YYYY-MM-DD");
  if (*from < today - std::chrono::days{kPlacesLookBackDays} ||
      *from > today + std::chrono::days{kMaxPlacesAheadDays}) {
    return validation_error("from", fmt::format("must be within {} days before and {} days after "
                                                "today",
                                                kPlacesLookBackDays, kMaxPlacesAheadDays));
  }
  return *from;
}

Result<std::optional<bool>> query_boolean(Request const& request, std::string const& name) {
  auto const text = query_text(request, name);
  if (text.empty()) return std::optional<bool>{};
  if (text == "true") return std::optional<bool>{true};
  if (text == "false") return std::optional<bool>{false};
  return validation_error(name, "must be true or false");
}

Result<EnumSet<joldama::Route>> routes_of(std::vector<std::string> const& names) {
  EnumSet<joldama::Route> routes;
  for (auto const& name : names) {
    auto const route = parse<joldama::Route>(name);
    if (!route) {
      return validation_error("accepts", fmt::format("`{}` is not a route; the routes are planned "
                                                     "and high_tech",
                                                     name));
    }
    routes = routes.with(*route);
  }
  return routes;
}

}  // namespace

void add_place_routes(Api& api) {
  api.add({Method::Get, "/api/v1/places", Access::Public, Body::None,
           "Planned places by hospital and day, for everyone: ?profile=&region=&hospital_id=&"
           "from=YYYY-MM-DD (today)&days=N (1 to 31, 7)&free=true (only days with a free place)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const& request = exchange->request;
             PlaceFilter filter;
             auto from = query_from(request, local_date(api.services().clock.now()));
             if (!from) return api.fail(exchange, from.error());
             filter.from = *from;
             auto days = query_integer(request, "days", 1, kMaxPlaceDays);
             if (!days) return api.fail(exchange, days.error());
             filter.days = static_cast<int>(days->value_or(kDefaultPlaceDays));
             auto hospital = query_integer(request, "hospital_id", 1, INT64_MAX);
             if (!hospital) return api.fail(exchange, hospital.error());
             filter.hospital_id = *hospital;
             auto free = query_boolean(request, "free");
             if (!free) return api.fail(exchange, free.error());
             filter.only_free = free->value_or(false);
             filter.profile = query_text(request, "profile");
             filter.region = query_text(request, "region");
             api.read(exchange, [filter](StoreReads& store) -> Result<Response> {
               if (!filter.profile.empty()) {
                 auto profile = store.find_profile(filter.profile);
                 if (!profile) return profile.error();
                 if (!*profile) return validation_error("profile", "not a care profile");
               }
               if (!filter.region.empty()) {
                 auto region = store.find_region(filter.region);
                 if (!region) return region.error();
                 if (!*region) return validation_error("region", "not a region's code");
               }
               auto places = store.list_places(filter);
               if (!places) return places.error();
               json::array items;
               for (auto const& p : *places) items.push_back(to_json(p));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Put, "/api/v1/places/{hospital_id}/{profile}/{date}", Access::SignedIn,
           Body::Json,
           "Publish a day's planned places: {\"capacity\":N} (the hospital's staff, "
           "administrators); never below the places booked",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const hospital_id = parse_id(exchange->param("hospital_id"));
             if (!hospital_id) {
               return api.fail(exchange, validation_error("hospital_id", "must be an id"));
             }
             auto const date = parse_date(exchange->param("date"));
             if (!date) return api.fail(exchange, validation_error("date", "must be YYYY-MM-DD"));
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto capacity = body->integer("capacity", Need::Required, 0, kMaxPlacesPerDay);
             if (!capacity) return api.fail(exchange, capacity.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             PlaceKey key{*hospital_id, exchange->param("profile"), *date};
             api.write(exchange, [&api, exchange, key, capacity = static_cast<int>(**capacity)](
                                     Store& store) -> Result<Response> {
               auto places =
                   api.services().workflow.set_places(store, exchange->actor(), key, capacity);
               if (!places) return places.error();
               return Api::json(200, to_json(*places));
             });
           }});
  api.add({Method::Put, "/api/v1/organizations/{id}/profiles", Access::SignedIn, Body::Json,
           "Set what a hospital treats and the routes it receives: {\"profiles\":[…],"
           "\"accepts\":[\"planned\",\"high_tech\"]} (administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const id = parse_id(exchange->param("id"));
             if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no hospital has this id"));
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto profiles = body->texts("profiles", Need::Required, 64, 64);
             if (!profiles) return api.fail(exchange, profiles.error());
             auto accepts = body->texts("accepts", Need::Required, 2, 16);
             if (!accepts) return api.fail(exchange, accepts.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             auto routes = routes_of(**accepts);
             if (!routes) return api.fail(exchange, routes.error());
             api.write(exchange, [&api, exchange, id = *id, profiles = std::move(**profiles),
                                  routes = *routes](Store& store) -> Result<Response> {
               auto hospital = api.services().workflow.set_hospital_profiles(
                   store, exchange->actor(), id, profiles, routes);
               if (!hospital) return hospital.error();
               return Api::json(200, to_json(*hospital));
             });
           }});
  api.add({Method::Get, "/api/v1/reasons", Access::Public, Body::None,
           "The reason catalogue of ?action=reject|decline|refuse|cancel, with names in kk, ru "
           "and en; without action, every reason",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const action_name = query_text(exchange->request, "action");
             json::array items;
             if (action_name.empty()) {
               for (auto const& reason : reasons()) items.push_back(to_json(reason));
               return api.reply(exchange, Api::json(200, items));
             }
             auto const action = parse<Action>(action_name);
             if (!action || !takes_reason(*action)) {
               return api.fail(exchange,
                               validation_error("action", "must be reject, decline, refuse or "
                                                          "cancel"));
             }
             for (auto const* reason : reasons_for(*action)) items.push_back(to_json(*reason));
             api.reply(exchange, Api::json(200, items));
           }});
}

}  // namespace joldama::server
