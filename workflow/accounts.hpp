#pragma once
// People who sign in, and their sessions. Password hashing and token generation are the
// server's (libsodium); the rules of who may exist with which role, and when a session ends,
// are here.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/result.hpp"

namespace joldama {

struct SessionPolicy {
  std::chrono::minutes idle{30};           // ends after this long without a request
  std::chrono::minutes absolute{12 * 60};  // ends this long after sign-in, whatever the activity
};

enum class SessionStatus { Active, Idle, Expired };

SessionStatus session_status(Session const& session, Timestamp now, SessionPolicy const& policy);

struct UserDraft {
  std::string login;
  std::string name;
  Role role = Role::Doctor;
  std::optional<Id> organization_id;
  std::string region;
  Locale locale = Locale::Kk;
  std::string password_hash;  // already hashed by the caller
};

// What an administrator may change about a user; unset fields stay as they are.
struct UserChanges {
  std::optional<std::string> name;
  // A new role, organization or region: the user is bound again by the rules of creation (a
  // doctor to a polyclinic, hospital staff to a hospital, a commission to a region). A role that
  // stays keeps its organization or region unless a new one is named; a new role names its own.
  std::optional<Role> role;
  std::optional<Id> organization_id;
  std::optional<std::string> region;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;  // already hashed by the caller
};

class Accounts {
 public:
  explicit Accounts(Clock const& clock) : clock_(clock) {}

  // An administrator (or the system, for demo data) creates a user. The role decides what the
  // user is bound to: doctors to a polyclinic, hospital staff to a hospital, commissions to a
  // region; the republican level and administrators to nothing. Duplicate login → Duplicate.
  // A password an administrator chose must be changed at the user's first sign-in.
  Result<User> create_user(Store& store, Actor const& by, UserDraft const& draft) const;

  // Administrators list users (never their password hashes: the server does not show them).
  Result<std::vector<User>> users(StoreReads& store, Actor const& by) const;

  // An administrator renames, disables or re-enables a user, or resets their password (which
  // the user must then change at their next sign-in). Disabling or a new password ends the
  // user's sessions. An administrator cannot disable
  // themselves (Validation), so the bureau is never left without one by accident.
  Result<User> change_user(Store& store, Actor const& by, Id user_id,
                           UserChanges const& changes) const;

  // An administrator adds a polyclinic or hospital.
  Result<Organization> create_organization(Store& store, Actor const& by,
                                           Organization organization) const;
  // An administrator sets where patients find an organization (both may be empty).
  Result<Organization> set_organization_contacts(Store& store, Actor const& by, Id organization_id,
                                                 std::string address, std::string phone) const;

  // A signed-in user replaces their password (the caller has checked the current one and the
  // new one's quality, and hashed it): the administrator's choice, if it was one, is no longer
  // to be changed, and every other session of the user ends.
  Result<User> change_own_password(Store& store, Actor const& who, std::string new_hash,
                                   std::string_view keep_session_hash) const;

  // A user chooses the interface language.
  Result<User> set_locale(Store& store, Actor const& who, Locale locale) const;

 private:
  Clock const& clock_;
};

}  // namespace joldama
