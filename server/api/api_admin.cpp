// Administration: users and organizations.

#include "server/api/api.hpp"
#include "server/security/crypto.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/access.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;
using Need = JsonInput::Need;

namespace {

// The Argon2id hash of a new password for `login` that meets the policy.
Result<std::string> new_password_hash(Api const& api, std::string const& password,
                                      std::string_view login) {
  if (auto s = api.password_quality().check(password, login, "password"); !s) return s.error();
  return hash_password(password);
}

void create_user(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  UserDraft draft;
  auto login = body->text("login");
  if (!login) return api.fail(exchange, login.error());
  draft.login = std::move(*login);
  auto name = body->text("name");
  if (!name) return api.fail(exchange, name.error());
  draft.name = std::move(*name);
  auto role = body->choice<Role>("role", Need::Required);
  if (!role) return api.fail(exchange, role.error());
  draft.role = **role;
  auto organization = body->integer("organization_id", Need::Optional, 1, INT64_MAX);
  if (!organization) return api.fail(exchange, organization.error());
  draft.organization_id = *organization;
  auto region = body->text("region", Need::Optional);
  if (!region) return api.fail(exchange, region.error());
  draft.region = std::move(*region);
  auto locale = body->choice<Locale>("locale", Need::Optional);
  if (!locale) return api.fail(exchange, locale.error());
  draft.locale = locale->value_or(Locale::Kk);
  auto password = body->text("password");
  if (!password) return api.fail(exchange, password.error());
  if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
  if (auto s = require(exchange->actor(), Capability::ManageUsers); !s) {
    return api.fail(exchange, s.error());
  }
  auto hash = new_password_hash(api, *password, draft.login);
  if (!hash) return api.fail(exchange, hash.error());
  draft.password_hash = std::move(*hash);
  api.write(exchange, [&api, exchange, draft = std::move(draft)](Store& store) -> Result<Response> {
    auto user = api.services().accounts.create_user(store, exchange->actor(), draft);
    if (!user) return user.error();
    auto shown = api.user_json(store, *user);
    if (!shown) return shown.error();
    return Api::json(201, json::object{{"user", *shown}, {"disabled", user->disabled}});
  });
}

void change_user(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such user"));
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  UserChanges changes;
  auto name = body->text("name", Need::Optional);
  if (!name) return api.fail(exchange, name.error());
  if (!name->empty()) changes.name = std::move(*name);
  auto disabled = body->boolean("disabled", Need::Optional);
  if (!disabled) return api.fail(exchange, disabled.error());
  changes.disabled = *disabled;
  auto role = body->choice<Role>("role", Need::Optional);
  if (!role) return api.fail(exchange, role.error());
  changes.role = *role;
  auto organization = body->integer("organization_id", Need::Optional, 1, INT64_MAX);
  if (!organization) return api.fail(exchange, organization.error());
  changes.organization_id = *organization;
  auto region = body->text("region", Need::Optional);
  if (!region) return api.fail(exchange, region.error());
  if (!region->empty()) changes.region = std::move(*region);
  auto password = body->text("password", Need::Optional);
  if (!password) return api.fail(exchange, password.error());
  if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
  if (auto s = require(exchange->actor(), Capability::ManageUsers); !s) {
    return api.fail(exchange, s.error());
  }
  auto save = [&api, exchange, id = *id](UserChanges& ready) {
    api.write(exchange, [&api, exchange, id, changes = std::move(ready)](
                            Store& store) -> Result<Response> {
      auto user = api.services().accounts.change_user(store, exchange->actor(), id, changes);
      if (!user) return user.error();
      auto shown = api.user_json(store, *user);
      if (!shown) return shown.error();
      return Api::json(200, json::object{{"user", *shown}, {"disabled", user->disabled}});
    });
  };
  if (password->empty()) return save(changes);
  // A new password is checked against the user's login: read it first.
  api.read_then<std::optional<User>>(
      exchange, [id = *id](StoreReads& store) { return store.find_user(id); },
      [&api, exchange, save, changes = std::move(changes),
       password = std::move(*password)](std::optional<User>& target) mutable {
        if (!target) return api.fail(exchange, make_error(Errc::NotFound, "no such user"));
        auto hash = new_password_hash(api, password, target->login);
        if (!hash) return api.fail(exchange, hash.error());
        changes.password_hash = std::move(*hash);
        save(changes);
      });
}

}  // namespace

void add_admin_routes(Api& api) {
  api.add({Method::Get, "/api/v1/users", Access::SignedIn, Body::None,
           "Every user, with whether they are disabled (administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [&api, exchange](StoreReads& store) -> Result<Response> {
               auto users = api.services().accounts.users(store, exchange->actor());
               if (!users) return users.error();
               json::array items;
               for (auto const& user : *users) {
                 auto shown = api.user_json(store, user);
                 if (!shown) return shown.error();
                 items.emplace_back(json::object{{"user", *shown}, {"disabled", user.disabled}});
               }
               return Api::json(200, items);
             });
           }});
  api.add({Method::Post, "/api/v1/users", Access::SignedIn, Body::Json,
           "Create a user: {login, name, role, organization_id?, region?, locale?, password} "
           "(administrators; the password has at least 12 characters)",
           [&api](std::shared_ptr<Exchange> const& exchange) { create_user(api, exchange); }});
  api.add(changing_accounts(
      {Method::Patch, "/api/v1/users/{id}", Access::SignedIn, Body::Json,
       "Rename, disable or re-enable a user, or reset their password: {name?, disabled?, "
       "password?} (administrators; ends the user's sessions when disabling or resetting)",
       [&api](std::shared_ptr<Exchange> const& exchange) { change_user(api, exchange); }}));
  api.add({Method::Get, "/api/v1/patient-accesses", Access::SignedIn, Body::None,
           "Doctors' accesses to records of patients from elsewhere, newest first, with their "
           "reasons: ?limit=&before= (administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             PatientAccessFilter filter;
             auto limit = query_integer(exchange->request, "limit", 1, 1000);
             if (!limit) return api.fail(exchange, limit.error());
             filter.limit = static_cast<std::size_t>(limit->value_or(100));
             auto before = query_integer(exchange->request, "before", 1, INT64_MAX);
             if (!before) return api.fail(exchange, before.error());
             filter.before_id = *before;
             api.read(exchange, [&api, exchange, filter](StoreReads& store) -> Result<Response> {
               auto accesses =
                   api.services().lookup.patient_accesses(store, exchange->actor(), filter);
               if (!accesses) return accesses.error();
               json::array items;
               for (auto const& a : *accesses) items.push_back(to_json(a));
               return Api::json(200, items);
             });
           }});
  api.add({Method::Post, "/api/v1/organizations", Access::SignedIn, Body::Json,
           "Add an organization: {name, kind, level, region, address?, phone?} (administrators)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             Organization organization;
             auto name = body->text("name");
             if (!name) return api.fail(exchange, name.error());
             organization.name = std::move(*name);
             auto kind = body->choice<OrganizationKind>("kind", Need::Required);
             if (!kind) return api.fail(exchange, kind.error());
             organization.kind = **kind;
             auto level = body->choice<OrganizationLevel>("level", Need::Required);
             if (!level) return api.fail(exchange, level.error());
             organization.level = **level;
             auto region = body->text("region");
             if (!region) return api.fail(exchange, region.error());
             organization.region = std::move(*region);
             auto address = body->text("address", Need::Optional);
             if (!address) return api.fail(exchange, address.error());
             organization.address = std::move(*address);
             auto phone = body->text("phone", Need::Optional);
             if (!phone) return api.fail(exchange, phone.error());
             organization.phone = std::move(*phone);
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             api.write(exchange, [&api, exchange, organization](Store& store) -> Result<Response> {
               auto created = api.services().accounts.create_organization(store, exchange->actor(),
                                                                          organization);
               if (!created) return created.error();
               return Api::json(201, to_json(*created));
             });
           }});
  api.add({Method::Put, "/api/v1/organizations/{id}/contacts", Access::SignedIn, Body::Json,
           "Set where patients find an organization: {address, phone} (administrators; either "
           "may be empty)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const id = parse_id(exchange->param("id"));
             if (!id) {
               return api.fail(exchange,
                               make_error(Errc::NotFound, "no organization has this id"));
             }
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto address = body->text("address", Need::Optional);
             if (!address) return api.fail(exchange, address.error());
             auto phone = body->text("phone", Need::Optional);
             if (!phone) return api.fail(exchange, phone.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             api.write(exchange, [&api, exchange, id = *id, address = std::move(*address),
                                  phone = std::move(*phone)](Store& store) -> Result<Response> {
               auto organization = api.services().accounts.set_organization_contacts(
                   store, exchange->actor(), id, address, phone);
               if (!organization) return organization.error();
               return Api::json(200, to_json(*organization));
             });
           }});
}

}  // namespace joldama::server
