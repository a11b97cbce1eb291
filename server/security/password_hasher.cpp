#include "server/security/password_hasher.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "server/security/crypto.hpp"

namespace joldama::server {

namespace {

std::string make_decoy_hash() {
  if (auto s = init_crypto(); !s) throw std::runtime_error(s.error().message);
  auto hash = hash_password(random_token());
  if (!hash) throw std::runtime_error(hash.error().message);
  return std::move(*hash);
}

}  // namespace

PasswordHasher::PasswordHasher(std::size_t threads, std::size_t max_waiting)
    : capacity_(threads + max_waiting), decoy_hash_(make_decoy_hash()), pool_(threads) {}

PasswordHasher::~PasswordHasher() {
  pool_.join();
}

bool PasswordHasher::try_post(std::function<void()> job) {
  auto taken = pending_.load();
  do {
    if (taken >= capacity_) return false;
  } while (!pending_.compare_exchange_weak(taken, taken + 1));
  boost::asio::post(pool_, [this, job = std::move(job)] {
    struct Done {
      std::atomic<std::size_t>& pending;
      ~Done() { --pending; }
    } done{pending_};
    job();
  });
  return true;
}

}  // namespace joldama::server
