#pragma once
// Where passwords are checked: a few threads of their own, off the I/O threads, since Argon2id is
// slow on purpose. The queue is bounded: a flood of sign-ins is refused at once (the caller
// answers 503 with Retry-After) rather than held in memory while every answer grows late.

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <string>

namespace joldama::server {

class PasswordHasher {
 public:
  // `threads` check passwords; at most `max_waiting` more wait for one of them.
  PasswordHasher(std::size_t threads, std::size_t max_waiting);
  ~PasswordHasher();  // waits for the jobs in hand
  PasswordHasher(PasswordHasher const&) = delete;
  PasswordHasher& operator=(PasswordHasher const&) = delete;

  // Runs `job` on a hashing thread; false (and `job` never runs) when the queue is full.
  bool try_post(std::function<void()> job);

  // A hash to verify against when the login does not exist, so that a wrong login takes as
  // long to refuse as a wrong password.
  std::string const& decoy_hash() const { return decoy_hash_; }

  // Jobs waiting or running now.
  std::size_t pending() const { return pending_.load(); }

 private:
  std::size_t capacity_;
  std::atomic<std::size_t> pending_{0};
  std::string decoy_hash_;
  boost::asio::thread_pool pool_;
};

}  // namespace joldama::server
