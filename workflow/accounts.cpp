#include "workflow/accounts.hpp"

#include <tuple>

#include <fmt/format.h>

#include "workflow/access.hpp"
#include "workflow/validation.hpp"

namespace joldama {

SessionStatus session_status(Session const& session, Timestamp now, SessionPolicy const& policy) {
  if (now >= session.expires_at) return SessionStatus::Expired;
  if (now - session.last_seen_at >= policy.idle) return SessionStatus::Idle;
  return SessionStatus::Active;
}

namespace {

// An organization's address (free text) and telephone (normalized), each optional.
Result<std::pair<std::string, std::string>> valid_contacts(std::string_view address,
                                                           std::string_view phone) {
  auto checked_address = validate_text("address", address, 300, Presence::Optional);
  if (!checked_address) return checked_address.error();
  std::string checked_phone;
  if (!phone.empty()) {
    auto normalized = validate_phone("phone", phone);
    if (!normalized) return normalized.error();
    checked_phone = std::move(*normalized);
  }
  return std::pair{std::move(*checked_address), std::move(checked_phone)};
}

// Where a user of `role` belongs: their organization and region, checked against the store.
struct Binding {
  std::optional<Id> organization_id;
  std::string region;
};

Result<Binding> bind(Store& store, Role role, std::optional<Id> organization_id,
                     std::string const& region) {
  Binding binding;
  bool const needs_organization = role == Role::Doctor || role == Role::Hospital;
  if (needs_organization) {
    if (!organization_id) {
      return validation_error("organization_id", "this role belongs to an organization");
    }
    auto organization = store.find_organization(*organization_id);
    if (!organization) return organization.error();
    auto const expected =
        role == Role::Doctor ? OrganizationKind::Polyclinic : OrganizationKind::Hospital;
    if (!*organization || (*organization)->kind != expected) {
      return validation_error("organization_id", fmt::format("choose a {}", to_string(expected)));
    }
    binding.organization_id = organization_id;
    binding.region = (*organization)->region;
  } else if (organization_id) {
    return validation_error("organization_id", "this role does not belong to an organization");
  }
  if (role == Role::Commission) {
    auto found = store.find_region(region);
    if (!found) return found.error();
    if (!*found) return validation_error("region", "a commission belongs to a region");
    binding.region = region;
  }
  return binding;
}

}  // namespace

Result<User> Accounts::create_user(Store& store, Actor const& by, UserDraft const& draft) const {
  if (auto s = require(by, Capability::ManageUsers); !s) return s.error();
  if (auto s = validate_login(draft.login); !s) return s.error();
  auto name = validate_text("name", draft.name, 200, Presence::Required);
  if (!name) return name.error();
  if (draft.password_hash.empty()) return validation_error("password", "a password is required");
  if (draft.role == Role::System) return validation_error("role", "no user acts as the system");

  User user;
  user.login = draft.login;
  user.name = std::move(*name);
  user.role = draft.role;
  user.locale = draft.locale;
  user.password_hash = draft.password_hash;
  user.created_at = clock_.now();
  user.must_change_password = by.role == Role::Admin;

  auto binding = bind(store, draft.role, draft.organization_id, draft.region);
  if (!binding) return binding.error();
  user.organization_id = binding->organization_id;
  user.region = binding->region;

  auto id = store.insert_user(user);
  if (!id) {
    if (id.error().code == Errc::Duplicate) {
      return make_error(Errc::Duplicate, "this login is taken", "login");
    }
    return id.error();
  }
  user.id = *id;
  AuditEvent event{user.created_at,
                   by.login,
                   by.role,
                   "create_user",
                   std::nullopt,
                   {{"user_id", std::to_string(user.id)},
                    {"login", user.login},
                    {"role", std::string{to_string(user.role)}}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return user;
}

Result<std::vector<User>> Accounts::users(StoreReads& store, Actor const& by) const {
  if (auto s = require(by, Capability::ManageUsers); !s) return s.error();
  return store.list_users();
}

Result<User> Accounts::change_user(Store& store, Actor const& by, Id user_id,
                                   UserChanges const& changes) const {
  if (auto s = require(by, Capability::ManageUsers); !s) return s.error();
  auto found = store.find_user(user_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no such user");
  User user = **found;
  std::vector<std::pair<std::string, std::string>> detail{{"user_id", std::to_string(user.id)}};
  if (changes.name) {
    auto name = validate_text("name", *changes.name, 200, Presence::Required);
    if (!name) return name.error();
    user.name = std::move(*name);
    detail.emplace_back("name", user.name);
  }
  bool end_sessions = false;
  bool rebound = false;
  if (changes.role || changes.organization_id || changes.region) {
    Role const role = changes.role.value_or(user.role);
    if (role == Role::System) return validation_error("role", "no user acts as the system");
    if (user.id == by.user_id && role != user.role) {
      return validation_error("role", "you cannot change your own role");
    }
    bool const needs_organization = role == Role::Doctor || role == Role::Hospital;
    // A role keeps its organization or region unless a new one is named; a new role names
    // its own (a doctor's polyclinic is no hospital, nor a commission's region).
    bool const same_role = role == user.role;
    auto const organization =
        changes.organization_id
            ? changes.organization_id
            : (needs_organization && same_role ? user.organization_id : std::nullopt);
    auto const region =
        changes.region.value_or(role == Role::Commission && same_role ? user.region : "");
    auto binding = bind(store, role, organization, region);
    if (!binding) return binding.error();
    // What the user may see changes with the binding: their sessions end.
    rebound = role != user.role || binding->organization_id != user.organization_id ||
              binding->region != user.region;
    end_sessions = rebound;
    user.role = role;
    user.organization_id = binding->organization_id;
    user.region = binding->region;
    detail.emplace_back("role", std::string{to_string(user.role)});
    detail.emplace_back("organization_id",
                        user.organization_id ? std::to_string(*user.organization_id) : "");
    detail.emplace_back("region", user.region);
  }
  if (changes.disabled) {
    if (*changes.disabled && user.id == by.user_id) {
      return validation_error("disabled", "you cannot disable your own account");
    }
    user.disabled = *changes.disabled;
    end_sessions = end_sessions || user.disabled;
    detail.emplace_back("disabled", user.disabled ? "true" : "false");
  }
  if (changes.password_hash) {
    if (changes.password_hash->empty())
      return validation_error("password", "a password is required");
    user.password_hash = *changes.password_hash;
    user.must_change_password = true;
    end_sessions = true;
    detail.emplace_back("password", "reset");
  }
  if (auto s = store.update_user(user); !s) return s.error();
  if (end_sessions) {
    if (auto s = store.delete_sessions_of(user.id); !s) return s.error();
  }
  // The notices told of referrals of the old scope: none of them stays to be read in the new.
  if (rebound) {
    if (auto s = store.delete_notices_of(user.id); !s) return s.error();
  }
  AuditEvent event{clock_.now(), by.login, by.role, "change_user", std::nullopt, std::move(detail)};
  if (auto s = store.append_audit(event); !s) return s.error();
  return user;
}

Result<Organization> Accounts::create_organization(Store& store, Actor const& by,
                                                   Organization organization) const {
  if (auto s = require(by, Capability::ManageOrganizations); !s) return s.error();
  auto name = validate_text("name", organization.name, 300, Presence::Required);
  if (!name) return name.error();
  organization.name = std::move(*name);
  auto contacts = valid_contacts(organization.address, organization.phone);
  if (!contacts) return contacts.error();
  std::tie(organization.address, organization.phone) = std::move(*contacts);
  auto region = store.find_region(organization.region);
  if (!region) return region.error();
  if (!*region) return validation_error("region", "no region has this code");
  auto id = store.insert_organization(organization);
  if (!id) return id.error();
  organization.id = *id;
  AuditEvent event{clock_.now(),
                   by.login,
                   by.role,
                   "create_organization",
                   std::nullopt,
                   {{"organization_id", std::to_string(organization.id)},
                    {"kind", std::string{to_string(organization.kind)}},
                    {"region", organization.region}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return organization;
}

Result<Organization> Accounts::set_organization_contacts(Store& store, Actor const& by,
                                                         Id organization_id, std::string address,
                                                         std::string phone) const {
  if (auto s = require(by, Capability::ManageOrganizations); !s) return s.error();
  auto found = store.find_organization(organization_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no organization has this id");
  auto contacts = valid_contacts(address, phone);
  if (!contacts) return contacts.error();
  Organization organization = **found;
  std::tie(organization.address, organization.phone) = std::move(*contacts);
  if (auto s = store.save_organization_contacts(organization.id, organization.address,
                                                organization.phone);
      !s) {
    return s.error();
  }
  AuditEvent event{clock_.now(),
                   by.login,
                   by.role,
                   "set_contacts",
                   std::nullopt,
                   {{"organization_id", std::to_string(organization.id)},
                    {"address", organization.address},
                    {"phone", organization.phone}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return organization;
}

Result<User> Accounts::change_own_password(Store& store, Actor const& who, std::string new_hash,
                                          std::string_view keep_session_hash) const {
  if (new_hash.empty()) return validation_error("new", "a password is required");
  auto found = store.find_user(who.user_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no such user");
  User user = **found;
  user.password_hash = std::move(new_hash);
  user.must_change_password = false;
  if (auto s = store.update_user(user); !s) return s.error();
  if (auto s = store.delete_other_sessions(user.id, keep_session_hash); !s) return s.error();
  AuditEvent event{clock_.now(), who.login, who.role, "change_password", std::nullopt,
                   {{"user_id", std::to_string(user.id)}}};
  if (auto s = store.append_audit(event); !s) return s.error();
  return user;
}

Result<User> Accounts::set_locale(Store& store, Actor const& who, Locale locale) const {
  auto found = store.find_user(who.user_id);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::NotFound, "no such user");
  User user = **found;
  user.locale = locale;
  if (auto s = store.update_user(user); !s) return s.error();
  return user;
}

}  // namespace joldama
