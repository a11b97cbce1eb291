#include "server/security/rate_limiter.hpp"

#include <algorithm>

namespace joldama::server {

RateLimiter::RateLimiter(std::size_t max_events, std::chrono::seconds window, std::size_t max_keys)
    : max_events_(max_events), window_(window), max_keys_(max_keys) {}

void RateLimiter::prune(std::deque<Timestamp>& events, Timestamp now) const {
  while (!events.empty() && events.front() <= now - window_) events.pop_front();
}

void RateLimiter::evict_if_full(Timestamp now) {
  if (events_.size() < max_keys_) return;
  for (auto it = events_.begin(); it != events_.end();) {
    prune(it->second, now);
    it = it->second.empty() ? events_.erase(it) : std::next(it);
  }
  while (events_.size() >= max_keys_) {
    auto stalest = std::min_element(
        events_.begin(), events_.end(),
        [](auto const& a, auto const& b) { return a.second.back() < b.second.back(); });
    events_.erase(stalest);
  }
}

bool RateLimiter::exhausted(std::string const& key, Timestamp now) {
  std::lock_guard lock{mutex_};
  auto const it = events_.find(key);
  if (it == events_.end()) return false;
  prune(it->second, now);
  return it->second.size() >= max_events_;
}

void RateLimiter::record(std::string const& key, Timestamp now) {
  std::lock_guard lock{mutex_};
  if (!events_.contains(key)) evict_if_full(now);
  auto& events = events_[key];
  prune(events, now);
  events.push_back(now);
}

bool RateLimiter::admit(std::string const& key, Timestamp now) {
  std::lock_guard lock{mutex_};
  if (!events_.contains(key)) evict_if_full(now);
  auto& events = events_[key];
  prune(events, now);
  if (events.size() >= max_events_) return false;
  events.push_back(now);
  return true;
}

void RateLimiter::reset(std::string const& key) {
  std::lock_guard lock{mutex_};
  events_.erase(key);
}

std::chrono::seconds RateLimiter::retry_after(std::string const& key, Timestamp now) {
  std::lock_guard lock{mutex_};
  auto const it = events_.find(key);
  if (it == events_.end() || it->second.size() < max_events_) return std::chrono::seconds{0};
  auto const wait = it->second.front() + window_ - now;
  return std::max(std::chrono::seconds{1}, std::chrono::ceil<std::chrono::seconds>(wait));
}

}  // namespace joldama::server
