#pragma once
// The audit log's keys, kept in a file outside the database (created at first start, readable
// by its owner only). Each key has
// - a chain key: every event's hash is HMAC-SHA-256 under it, so that whoever holds the
//   database but not the key cannot recompute the chain after changing or removing an event;
// - an Ed25519 signing key: the server signs checkpoints of the chain (anchors) with it; their
//   public half, in a file of its own, is what an operator copies off the machine with the
//   anchors, to verify them later.
// A key applies from the event numbered `from_seq` on. Rotation appends a new key that applies
// from the next event; the old ones stay, to verify what they keyed. Events before the first
// key (a log begun before the log was keyed) are hashed with plain SHA-256.
//
// The key file, one key per line (hex):   key ID FROM_SEQ CHAIN_KEY SIGNING_SEED
// The public key file, one per line:      ID PUBLIC_KEY

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflow/result.hpp"

namespace joldama::storage {

using KeyBytes = std::array<unsigned char, 32>;

struct AuditKey {
  std::string id;  // 16 hex digits of SHA-256 of the public key
  std::int64_t from_seq = 1;
  KeyBytes chain{};
  KeyBytes seed{};        // Ed25519 seed
  KeyBytes public_key{};  // derived from the seed
};

class AuditKeys {
 public:
  // Reads the key file; creates it (mode 0600) with one key applying from `next_seq` when it
  // does not exist, and writes the public key file beside it. Errors when a file cannot be read,
  // written or parsed.
  static Result<AuditKeys> load_or_create(std::filesystem::path const& path,
                                          std::int64_t next_seq);
  // Reads an existing key file.
  static Result<AuditKeys> load(std::filesystem::path const& path);

  // The key that hashes event `seq`, or null before the first key.
  AuditKey const* key_for(std::int64_t seq) const;
  AuditKey const& current() const { return keys_.back(); }
  std::vector<AuditKey> const& keys() const { return keys_; }

  // Appends a new key applying from `next_seq` to the key file and the public key file.
  Result<AuditKey> rotate(std::int64_t next_seq);

  // The Ed25519 signature of `message` with the current key, in hex.
  std::string sign(std::string_view message) const;

  // Where the public keys are written: the key file's name with ".pub" added.
  static std::filesystem::path public_key_path(std::filesystem::path const& key_path);

 private:
  std::filesystem::path path_;
  std::vector<AuditKey> keys_;  // by from_seq, increasing
};

// An advisory lock on the key file: a running server holds it shared; a key rotation takes it
// exclusively, and so refuses to run beside a server that keeps using the old key.
class KeyFileLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Unavailable when another process holds it the other way (or exclusively).
  static Result<KeyFileLock> take(std::filesystem::path const& key_path, Mode mode);
  KeyFileLock(KeyFileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  KeyFileLock& operator=(KeyFileLock&&) = delete;
  ~KeyFileLock();

 private:
  explicit KeyFileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Public keys by id, read from a public key file.
using PublicKeys = std::map<std::string, KeyBytes, std::less<>>;
Result<PublicKeys> load_public_keys(std::filesystem::path const& path);

// Whether `signature_hex` is `public_key`'s Ed25519 signature of `message`.
bool signature_verifies(KeyBytes const& public_key, std::string_view message,
                        std::string_view signature_hex);

// HMAC-SHA-256 of `message` under `key`, lower-case hex.
std::string hmac_sha256_hex(KeyBytes const& key, std::string_view message);

}  // namespace joldama::storage
