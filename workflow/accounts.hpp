#pragma once
// People who sign in, and their sessions. Password hashing and token generation are the
// server's (libsodium); the rules of who may exist with which role, and when a session ends,
// are here.

#include <chrono>
#include <optional>
#include <string>

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

class Accounts {
 public:
  explicit Accounts(Clock const& clock) : clock_(clock) {}

  // An administrator (or the system, for demo data) creates a user. The role decides what the
  // user is bound to: doctors to a polyclinic, hospital staff to a hospital, commissions to a
  // region; the republican level and administrators to nothing. Duplicate login → Duplicate.
  Result<User> create_user(Store& store, Actor const& by, UserDraft const& draft) const;

  // A user chooses the interface language.
  Result<User> set_locale(Store& store, Actor const& who, Locale locale) const;

 private:
  Clock const& clock_;
};

}  // namespace joldama
