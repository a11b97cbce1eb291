#include "workflow/accounts.hpp"

#include <fmt/format.h>

#include "workflow/validation.hpp"

namespace joldama {

SessionStatus session_status(Session const& session, Timestamp now, SessionPolicy const& policy) {
  if (now >= session.expires_at) return SessionStatus::Expired;
  if (now - session.last_seen_at >= policy.idle) return SessionStatus::Idle;
  return SessionStatus::Active;
}

Result<User> Accounts::create_user(Store& store, Actor const& by, UserDraft const& draft) const {
  if (by.role != Role::Admin && by.role != Role::System) {
    return make_error(Errc::Forbidden, "only an administrator creates users");
  }
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

  bool const needs_organization = draft.role == Role::Doctor || draft.role == Role::Hospital;
  if (needs_organization) {
    if (!draft.organization_id) {
      return validation_error("organization_id", "this role belongs to an organization");
    }
    auto organization = store.find_organization(*draft.organization_id);
    if (!organization) return organization.error();
    auto const expected =
        draft.role == Role::Doctor ? OrganizationKind::Polyclinic : OrganizationKind::Hospital;
    if (!*organization || (*organization)->kind != expected) {
      return validation_error("organization_id", fmt::format("choose a {}", to_string(expected)));
    }
    user.organization_id = draft.organization_id;
    user.region = (*organization)->region;
  } else if (draft.organization_id) {
    return validation_error("organization_id", "this role does not belong to an organization");
  }
  if (draft.role == Role::Commission) {
    auto region = store.find_region(draft.region);
    if (!region) return region.error();
    if (!*region) return validation_error("region", "a commission belongs to a region");
    user.region = draft.region;
  }

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
