#include "server/security/login_throttle.hpp"

#include <algorithm>
#include <utility>

#include "server/security/crypto.hpp"

namespace joldama::server {

namespace {

using std::chrono::seconds;

constexpr std::string_view kLoginAtAddress = "la:";
constexpr std::string_view kAddress = "a:";
constexpr std::string_view kLogin = "l:";

seconds ceil_seconds(std::chrono::milliseconds wait) {
  return std::max(seconds{1}, std::chrono::ceil<seconds>(wait));
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottlePolicy policy, std::size_t max_keys)
    : policy_(policy), max_keys_(max_keys) {}

LoginThrottle::Attempt::~Attempt() {
  if (!concluded_) throttle_.release(*this);
}

seconds LoginThrottle::delay_after(std::size_t failures, std::size_t free, seconds first,
                                   seconds max) {
  if (failures < free) return seconds{0};
  auto const doublings = failures - free;
  // 2^doublings overflows long before it matters: past the cap, the cap.
  if (doublings >= 30) return max;
  return std::min(max, first * (std::int64_t{1} << doublings));
}

LoginThrottle::Kind LoginThrottle::kind_of(std::string_view key) {
  if (key.starts_with(kLoginAtAddress)) return Kind::LoginAtAddress;
  if (key.starts_with(kAddress)) return Kind::Address;
  return Kind::Login;
}

void LoginThrottle::age(Counter& counter, Timestamp now) const {
  if (counter.failures == 0) return;
  bool const forgotten = counter.kind == Kind::Address
                             ? now - counter.first_at >= policy_.address_window
                             : now - counter.last_at >= policy_.memory;
  if (forgotten) counter.failures = 0;
}

seconds LoginThrottle::wait(Counter const& counter, Timestamp now) const {
  auto const pending = counter.failures + counter.in_flight;
  if (counter.kind == Kind::Address) {
    if (pending < policy_.failures_per_address) return seconds{0};
    // Attempts still in flight may yet succeed: ask to come back soon.
    if (counter.failures < policy_.failures_per_address) return seconds{1};
    return ceil_seconds(counter.first_at + policy_.address_window - now);
  }
  bool const at_address = counter.kind == Kind::LoginAtAddress;
  auto const free =
      at_address ? policy_.free_failures_per_login_at_address : policy_.free_failures_per_login;
  if (pending < free) return seconds{0};
  // Beyond the free attempts, one at a time, each after its delay.
  if (counter.in_flight > 0) return seconds{1};
  auto const delay =
      delay_after(counter.failures, free, policy_.first_delay,
                  at_address ? policy_.max_delay_at_address : policy_.max_delay_of_login);
  auto const ready = counter.last_at + delay;
  if (now >= ready) return seconds{0};
  return ceil_seconds(ready - now);
}

std::vector<std::string> LoginThrottle::keys_for(std::string_view login,
                                                std::string_view address) {
  auto const login_hash = sha256_hex(login);
  return {std::string{kLoginAtAddress} + login_hash + ":" + std::string{address},
          std::string{kAddress} + std::string{address}, std::string{kLogin} + login_hash};
}

LoginThrottle::Reservation LoginThrottle::reserve(std::string_view login, std::string_view address,
                                                  Timestamp now) {
  auto keys = keys_for(login, address);
  std::lock_guard lock{mutex_};
  evict_if_full();
  seconds longest{0};
  for (auto const& key : keys) {
    auto& counter = counters_[key];
    counter.kind = kind_of(key);
    age(counter, now);
    longest = std::max(longest, wait(counter, now));
  }
  if (longest > seconds{0}) return Reservation{nullptr, longest};
  for (auto const& key : keys) ++counters_[key].in_flight;
  return Reservation{std::shared_ptr<Attempt>{new Attempt{*this, std::move(keys)}}, seconds{0}};
}

std::vector<LoginFailures> LoginThrottle::failed(Attempt& attempt, Timestamp now) {
  std::vector<LoginFailures> stored;
  std::lock_guard lock{mutex_};
  attempt.concluded_ = true;
  for (auto const& key : attempt.keys_) {
    auto& counter = counters_[key];
    counter.kind = kind_of(key);
    if (counter.in_flight > 0) --counter.in_flight;
    age(counter, now);
    if (counter.failures == 0) counter.first_at = now;
    ++counter.failures;
    counter.last_at = now;
    stored.push_back(LoginFailures{key, static_cast<int>(counter.failures), counter.first_at,
                                   counter.last_at});
  }
  return stored;
}

std::vector<std::string> LoginThrottle::succeeded(Attempt& attempt) {
  std::vector<std::string> forgotten;
  std::lock_guard lock{mutex_};
  attempt.concluded_ = true;
  for (auto const& key : attempt.keys_) {
    auto& counter = counters_[key];
    if (counter.in_flight > 0) --counter.in_flight;
    if (counter.kind == Kind::Address) continue;
    counter.failures = 0;
    forgotten.push_back(key);
  }
  return forgotten;
}

void LoginThrottle::release(Attempt& attempt) {
  std::lock_guard lock{mutex_};
  attempt.concluded_ = true;
  for (auto const& key : attempt.keys_) {
    auto const it = counters_.find(key);
    if (it != counters_.end() && it->second.in_flight > 0) --it->second.in_flight;
  }
}

void LoginThrottle::restore(std::vector<LoginFailures> const& stored, Timestamp now) {
  // Before serving nothing is in memory yet: every stored counter is newer.
  merge(stored, now);
}

void LoginThrottle::merge(std::vector<LoginFailures> const& stored, Timestamp now) {
  std::lock_guard lock{mutex_};
  for (auto const& s : stored) {
    if (s.failures <= 0) continue;
    auto& counter = counters_[s.key];
    counter.kind = kind_of(s.key);
    // Newer, or as new and more (clocks that tell the same millisecond).
    if (std::pair{s.last_at, static_cast<std::size_t>(s.failures)} >
        std::pair{counter.last_at, counter.failures}) {
      counter.failures = static_cast<std::size_t>(s.failures);
      counter.first_at = s.first_at;
      counter.last_at = s.last_at;
    }
    age(counter, now);
  }
}

std::size_t LoginThrottle::remembered() {
  std::lock_guard lock{mutex_};
  return counters_.size();
}

void LoginThrottle::evict_if_full() {
  if (counters_.size() < max_keys_) return;
  // Counters with nothing to remember first; then the stalest of those not in flight.
  std::erase_if(counters_, [](auto const& entry) {
    return entry.second.failures == 0 && entry.second.in_flight == 0;
  });
  while (counters_.size() >= max_keys_) {
    auto stalest = counters_.end();
    for (auto it = counters_.begin(); it != counters_.end(); ++it) {
      if (it->second.in_flight > 0) continue;
      if (stalest == counters_.end() || it->second.last_at < stalest->second.last_at) stalest = it;
    }
    if (stalest == counters_.end()) return;  // everything is in flight: let it grow this once
    counters_.erase(stalest);
  }
}

}  // namespace joldama::server
