#include "storage/listing_cache.hpp"

namespace joldama::storage {

std::vector<SharedListing> ListingCache::find_all(std::span<Key const> keys) {
  std::vector<SharedListing> held;
  held.reserve(keys.size());
  std::lock_guard lock{mutex_};
  for (auto const& key : keys) held.push_back(find_locked(key));
  return held;
}

SharedListing ListingCache::find_locked(Key const& key) {
  auto const found = by_id_.find(key.id);
  if (found == by_id_.end() || found->second->key != key) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  recent_.splice(recent_.begin(), recent_, found->second);
  return found->second->listing;
}

void ListingCache::keep(Key const& key, SharedListing listing) {
  if (capacity_ == 0) return;
  std::lock_guard lock{mutex_};
  if (auto const found = by_id_.find(key.id); found != by_id_.end()) {
    found->second->key = key;
    found->second->listing = std::move(listing);
    recent_.splice(recent_.begin(), recent_, found->second);
    return;
  }
  recent_.push_front(Held{key, std::move(listing)});
  by_id_[key.id] = recent_.begin();
  if (recent_.size() > capacity_) {
    by_id_.erase(recent_.back().key.id);
    recent_.pop_back();
  }
}

ListingCache::Statistics ListingCache::statistics() const {
  std::lock_guard lock{mutex_};
  return Statistics{hits_, misses_, recent_.size()};
}

}  // namespace joldama::storage
