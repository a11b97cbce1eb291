#include "server/security/session_cache.hpp"

#include <algorithm>

namespace joldama::server {

std::uint64_t SessionCache::generation() const {
  std::lock_guard lock{mutex_};
  return generation_;
}

std::optional<SessionCache::Entry> SessionCache::find(std::string const& hash,
                                                      Timestamp now) const {
  std::lock_guard lock{mutex_};
  auto const it = known_.find(hash);
  if (it == known_.end() || !it->second.entry) return std::nullopt;
  if (now - it->second.read_at >= kFresh || now < it->second.read_at) return std::nullopt;
  Entry entry = *it->second.entry;
  entry.session.last_seen_at = std::max(entry.session.last_seen_at, it->second.seen);
  return entry;
}

SessionCache::Entry SessionCache::keep(std::string const& hash, Entry entry,
                                       std::uint64_t generation, Timestamp now) {
  std::lock_guard lock{mutex_};
  if (generation == generation_) {
    auto& known = known_[hash];
    known.entry = entry;
    known.read_at = now;
  }
  if (auto const it = known_.find(hash); it != known_.end()) {
    entry.session.last_seen_at = std::max(entry.session.last_seen_at, it->second.seen);
  }
  return entry;
}

void SessionCache::forget_all() {
  std::lock_guard lock{mutex_};
  ++generation_;
  for (auto& [hash, known] : known_) known.entry.reset();
}

Timestamp SessionCache::last_seen(std::string const& hash) const {
  std::lock_guard lock{mutex_};
  auto const it = known_.find(hash);
  return it == known_.end() ? Timestamp{} : it->second.seen;
}

void SessionCache::seen(std::string const& hash, Timestamp now, Timestamp forget_before) {
  std::lock_guard lock{mutex_};
  auto& known = known_[hash];
  known.seen = std::max(known.seen, now);
  if (++since_prune_ >= 1024) {
    since_prune_ = 0;
    std::erase_if(known_, [&](auto const& item) { return item.second.seen < forget_before; });
  }
}

}  // namespace joldama::server
