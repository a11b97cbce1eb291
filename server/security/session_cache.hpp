#pragma once
// What the server keeps in memory about signed-in sessions, so that most requests need no read
// of the database to learn who sends them:
// - each session with its user as last read, for a few seconds at most, and only while nothing
//   that changes users or sessions has been written since: such a write (a route marked
//   `changes_accounts`, an ended session removed) makes the cache forget every entry, before
//   its commit and again after it, and an entry read before that is never kept;
// - the latest request time of each session, which the database learns only now and then.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "workflow/model.hpp"

namespace joldama::server {

class SessionCache {
 public:
  struct Entry {
    Session session;
    User user;
  };

  // How long an entry is trusted without reading the database again.
  static constexpr std::chrono::seconds kFresh{10};

  // Read before reading the database, and handed to keep() with what was read.
  std::uint64_t generation() const;
  // The session as cached, with its latest request time, if it is fresh.
  std::optional<Entry> find(std::string const& hash, Timestamp now) const;
  // Keeps what was read, unless accounts changed since `generation`; returns it with its
  // latest request time, as find() would.
  Entry keep(std::string const& hash, Entry entry, std::uint64_t generation, Timestamp now);
  // Users or sessions changed: nothing cached may be trusted.
  void forget_all();

  Timestamp last_seen(std::string const& hash) const;
  // Notes a request of the session; now and then forgets sessions idle since `forget_before`.
  void seen(std::string const& hash, Timestamp now, Timestamp forget_before);

 private:
  struct Known {
    std::optional<Entry> entry;
    Timestamp read_at{};
    Timestamp seen{};
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Known> known_;
  std::uint64_t generation_ = 0;
  std::size_t since_prune_ = 0;
};

}  // namespace joldama::server
