#pragma once
// The audit log's hash chain. Each event's hash is SHA-256 over the previous event's hash and an
// unambiguous encoding of the event (every field length-prefixed), so changing, removing or
// reordering any stored event breaks the chain from that event on.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/sqlite.hpp"
#include "workflow/result.hpp"

namespace joldama::storage {

// An event as stored.
struct AuditRecord {
  std::int64_t seq = 0;
  std::int64_t at_millis = 0;
  std::string actor;
  std::string role;
  std::string action;
  std::optional<std::int64_t> referral_id;
  std::string detail;  // JSON object text, hashed exactly as stored
  std::string prev_hash;
  std::string hash;
};

// The hash of the chain's first event's predecessor: 64 zeros.
std::string genesis_hash();

// Lower-case hex SHA-256 of `prev_hash` and the event's fields.
std::string audit_hash(std::string_view prev_hash, AuditRecord const& record);

// SHA-256 of `bytes`, lower-case hex.
std::string sha256_hex(std::string_view bytes);

struct AuditVerification {
  bool ok = true;
  std::int64_t events = 0;                 // events checked (all of them when ok)
  std::optional<std::int64_t> broken_seq;  // the first event that does not verify
  std::string reason;
};

// Walks the whole log in order. Errors only when the database cannot be read.
Result<AuditVerification> verify_audit(Database& db);

}  // namespace joldama::storage
