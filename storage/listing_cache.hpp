#pragma once
// Worklist rows as last read, shared by the read connections. A page of a worklist is found
// from the queue indexes with each row's id, version and overdue mark; only rows not already
// held at that version are read and joined again.
//
// Exact because a listing is fully determined by (id, version, overdue mark): every change of
// a referral advances its version (SqliteStore::update_referral refuses one that does not),
// the sweep's overdue mark is part of the key, and the names joined in (patient, referring
// organization, hospital) never change, since nothing updates patients or organizations. An
// update of those must clear this cache.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "workflow/model.hpp"

namespace joldama::storage {

class ListingCache {
 public:
  struct Key {
    Id id = 0;
    std::int64_t version = 0;
    std::optional<std::int64_t> overdue_since_millis;
    bool operator==(Key const&) const = default;
  };

  // Holds at most `capacity` listings, forgetting the least recently used.
  explicit ListingCache(std::size_t capacity) : capacity_(capacity) {}

  // The listing held at exactly each key, or null, in the keys' order. A page of a worklist is
  // looked up under one lock, not under one per row, as the read connections share this cache.
  std::vector<SharedListing> find_all(std::span<Key const> keys);
  void keep(Key const& key, SharedListing listing);

  struct Statistics {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t size = 0;
  };
  Statistics statistics() const;

 private:
  SharedListing find_locked(Key const& key);  // with mutex_ held

  struct Held {
    Key key;
    SharedListing listing;
  };
  mutable std::mutex mutex_;
  std::size_t const capacity_;
  std::list<Held> recent_;  // most recently used first
  std::unordered_map<Id, std::list<Held>::iterator> by_id_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace joldama::storage
