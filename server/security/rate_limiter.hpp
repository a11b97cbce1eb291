#pragma once
// Counts events per key (a login, an address) in a sliding window. Thread-safe. Memory is
// bounded: keys whose events have all left the window are forgotten, and beyond max_keys the
// stalest key is dropped.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "workflow/time.hpp"

namespace joldama::server {

class RateLimiter {
 public:
  RateLimiter(std::size_t max_events, std::chrono::seconds window, std::size_t max_keys = 100'000);

  // Whether `key` has used up its events in the window ending at `now`.
  bool exhausted(std::string const& key, Timestamp now);
  // Records one event for `key`.
  void record(std::string const& key, Timestamp now);
  // Records one event and tells whether it was still within the limit (for counting every
  // request, not only failures).
  bool admit(std::string const& key, Timestamp now);
  // Forgets `key` (after a successful login, say).
  void reset(std::string const& key);
  // Seconds until `key` may try again (0 when it may now).
  std::chrono::seconds retry_after(std::string const& key, Timestamp now);

 private:
  void prune(std::deque<Timestamp>& events, Timestamp now) const;
  void evict_if_full(Timestamp now);

  std::size_t max_events_;
  std::chrono::milliseconds window_;
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Timestamp>> events_;
};

}  // namespace joldama::server
