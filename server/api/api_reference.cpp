// Regions, profiles, organizations.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;

void add_reference_routes(Api& api) {
  api.add({Method::Get, "/api/v1/regions", Access::Public, Body::None,
           "The 20 regions with their KATO codes, names and population",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [](StoreReads& store) -> Result<Response> {
               auto regions = store.list_regions();
               if (!regions) return regions.error();
               json::array items;
               for (auto const& r : *regions) items.push_back(to_json(r));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Get, "/api/v1/profiles", Access::Public, Body::None,
           "The care profiles with their names in Kazakh, Russian and English",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [](StoreReads& store) -> Result<Response> {
               auto profiles = store.list_profiles();
               if (!profiles) return profiles.error();
               json::array items;
               for (auto const& p : *profiles) items.push_back(to_json(p));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Get, "/api/v1/icd10", Access::SignedIn, Body::None,
           "ICD-10 codes with their Russian names: ?q= (the beginning of a code, or words of the "
           "name)&limit= (1 to 100, 20 by default)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const q = query_text(exchange->request, "q");
             if (utf8_length(q) > 100) {
               return api.fail(exchange, validation_error("q", "at most 100 characters"));
             }
             if (trim(q).empty()) {
               return api.fail(exchange, validation_error("q", "give the beginning of a code or "
                                                               "words of the diagnosis"));
             }
             auto limit = query_integer(exchange->request, "limit", 1, 100);
             if (!limit) return api.fail(exchange, limit.error());
             auto const found = api.services().workflow.icd10().search(
                 q, static_cast<std::size_t>(limit->value_or(20)));
             json::array items;
             for (auto const* entry : found) {
               items.push_back(json::object{{"code", entry->code},
                                            {"name", json::object{{"ru", entry->name_ru}}}});
             }
             api.reply(exchange, Api::json(200, items));
           }});
  api.add({Method::Get, "/api/v1/organizations", Access::SignedIn, Body::None,
           "Medical organizations, filtered by ?kind=polyclinic|hospital, "
           "?level=local|regional|republican, ?profile= (hospitals that treat it) and "
           "?route=planned|high_tech (hospitals that receive by it)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             OrganizationFilter filter;
             auto const kind = query_text(exchange->request, "kind");
             auto const level = query_text(exchange->request, "level");
             if (!kind.empty()) {
               filter.kind = parse<OrganizationKind>(kind);
               if (!filter.kind) {
                 return api.fail(exchange,
                                 validation_error("kind", "must be polyclinic or hospital"));
               }
             }
             if (!level.empty()) {
               filter.level = parse<OrganizationLevel>(level);
               if (!filter.level) {
                 return api.fail(
                     exchange, validation_error("level", "must be local, regional or republican"));
               }
             }
             filter.profile = query_text(exchange->request, "profile");
             auto const route = query_text(exchange->request, "route");
             if (!route.empty()) {
               filter.route = parse<joldama::Route>(route);
               if (!filter.route) {
                 return api.fail(exchange,
                                 validation_error("route", "must be planned or high_tech"));
               }
             }
             api.read(exchange, [filter](StoreReads& store) -> Result<Response> {
               if (!filter.profile.empty()) {
                 auto profile = store.find_profile(filter.profile);
                 if (!profile) return profile.error();
                 if (!*profile) return validation_error("profile", "not a care profile");
               }
               auto organizations = store.list_organizations(filter);
               if (!organizations) return organizations.error();
               json::array items;
               for (auto const& o : *organizations) items.push_back(to_json(o));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Get, "/api/v1/organizations/{id}", Access::SignedIn, Body::None,
           "One medical organization, with its address and telephone",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const id = parse_id(exchange->param("id"));
             if (!id) {
               return api.fail(exchange,
                               make_error(Errc::NotFound, "no organization has this id"));
             }
             api.read(exchange, [id = *id](StoreReads& store) -> Result<Response> {
               auto found = store.find_organization(id);
               if (!found) return found.error();
               if (!*found) return make_error(Errc::NotFound, "no organization has this id");
               return Api::json(200, to_json(**found));
             });
           }});
}

}  // namespace joldama::server
