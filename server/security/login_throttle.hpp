#pragma once
// The sign-in throttle. Every attempt is reserved before its password is hashed, so that a burst
// of parallel attempts cannot all pass the check before any of them is counted; a reservation
// counts as a failure until its outcome is known.
//
// Three counters decide (ASVS 2.2.1: growing delays rather than a lockout a stranger can cause):
// - a login at one address: a few free failures, then each further attempt waits twice as long
//   as the one before, up to a quarter of an hour. Only that address waits so long.
// - an address, whatever the login: at most so many failures in a window, then it waits for
//   the window to end.
// - a login, from every address together: more free failures, then a growing delay of at most
//   a minute, so that guessing from many addresses is slowed, while a stranger failing on
//   someone's login from elsewhere can make them wait a minute at the most.
// Counters are forgotten after a day without failures, and a login's on a successful sign-in
// (the address's stay). Thread-safe.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/time.hpp"

namespace joldama::server {

struct LoginThrottlePolicy {
  std::size_t free_failures_per_login_at_address = 5;
  std::size_t failures_per_address = 20;  // in each window
  std::size_t free_failures_per_login = 20;
  std::chrono::seconds address_window{15 * 60};
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay_at_address{15 * 60};
  std::chrono::seconds max_delay_of_login{60};
  std::chrono::hours memory{24};  // a login's failures are forgotten this long after the last
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottlePolicy policy, std::size_t max_keys = 200'000);

  // An attempt whose password is being checked. Dropped without an outcome (the request was
  // abandoned), it counts for nothing.
  class Attempt {
   public:
    ~Attempt();
    Attempt(Attempt const&) = delete;
    Attempt& operator=(Attempt const&) = delete;

   private:
    friend class LoginThrottle;
    Attempt(LoginThrottle& throttle, std::vector<std::string> keys)
        : throttle_(throttle), keys_(std::move(keys)) {}
    LoginThrottle& throttle_;
    std::vector<std::string> keys_;  // login at address, address, login
    bool concluded_ = false;
  };

  struct Reservation {
    std::shared_ptr<Attempt> attempt;  // null when refused
    std::chrono::seconds retry_after{0};
  };

  // The keys of the counters an attempt for `login` from `address` meets: the login at the
  // address, the address, the login.
  static std::vector<std::string> keys_for(std::string_view login, std::string_view address);

  // Reserves an attempt for `login` from `address` at `now`, or says how long to wait.
  Reservation reserve(std::string_view login, std::string_view address, Timestamp now);

  // The password was wrong: counts the failure. Returns the counters to store.
  std::vector<LoginFailures> failed(Attempt& attempt, Timestamp now);

  // The sign-in succeeded: the login's counters are forgotten, the address's stay. Returns the
  // keys whose stored counters are to be deleted.
  std::vector<std::string> succeeded(Attempt& attempt);

  // Takes back counters stored before a restart.
  void restore(std::vector<LoginFailures> const& stored, Timestamp now);

  // Takes the stored counters that are newer than this server's: those another server sharing
  // the database counted (several servers behind a load balancer). Called before reserve(), so
  // that failures made one after another count the same whichever server took each. Attempts
  // made at the same moment on different servers can each miss the others', so N servers admit
  // at most N times the attempts of one; and a success on another server is not seen here
  // until the counter ages out.
  void merge(std::vector<LoginFailures> const& stored, Timestamp now);

  // How many keys are held in memory now (at most max_keys beyond those in flight).
  std::size_t remembered();

  // The oldest last failure still worth keeping at `now`.
  Timestamp forget_before(Timestamp now) const { return now - policy_.memory; }

  // The delay before the next attempt after `failures`, of which `free` cost nothing.
  static std::chrono::seconds delay_after(std::size_t failures, std::size_t free,
                                          std::chrono::seconds first, std::chrono::seconds max);

 private:
  enum class Kind { LoginAtAddress, Address, Login };
  struct Counter {
    Kind kind = Kind::Login;
    std::size_t failures = 0;
    std::size_t in_flight = 0;
    Timestamp first_at{};
    Timestamp last_at{};
  };

  static Kind kind_of(std::string_view key);
  // Forgets what has aged out of `counter` at `now`.
  void age(Counter& counter, Timestamp now) const;
  // Zero when `counter` admits one more attempt at `now`, else how long to wait.
  std::chrono::seconds wait(Counter const& counter, Timestamp now) const;
  void release(Attempt& attempt);
  void evict_if_full();

  LoginThrottlePolicy policy_;
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Counter> counters_;
};

}  // namespace joldama::server
