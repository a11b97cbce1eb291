#pragma once
// The audit log's hash chain. Each event's hash covers the previous event's hash and an
// unambiguous encoding of the event (every field length-prefixed), so changing, removing or
// reordering any stored event breaks the chain from that event on. The hash is HMAC-SHA-256
// under the chain key that applies to the event (see AuditKeys), so that the chain cannot be
// recomputed without the key; events before the first key, and logs kept without keys (tests,
// tools), use plain SHA-256.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/audit_anchors.hpp"
#include "storage/audit_keys.hpp"
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

// Lower-case hex of the event's hash after `prev_hash`: HMAC-SHA-256 under `key`, or plain
// SHA-256 without one.
std::string audit_hash(std::string_view prev_hash, AuditRecord const& record,
                       AuditKey const* key = nullptr);

// SHA-256 of `bytes`, lower-case hex.
std::string sha256_hex(std::string_view bytes);

// What a verification found wrong first.
enum class AuditFinding {
  None,
  Missing,       // events are missing between two others
  Altered,       // an event does not match its hash, or does not link to the one before
  Recomputed,    // from an event on, the hashes were recomputed without the key
  Rewritten,     // the chain differs from a signed anchor: recomputed (with the key) before it
  Truncated,     // an anchor signed an event the log no longer has: its tail was cut off
  ForgedAnchor,  // an anchor is not signed by a known key
};

struct AuditVerification {
  bool ok = true;
  std::int64_t events = 0;                 // events checked before the first problem
  std::optional<std::int64_t> broken_seq;  // the event the problem is found at
  AuditFinding finding = AuditFinding::None;
  std::string reason;
  std::int64_t anchors = 0;         // anchors compared with the chain
  bool signatures_checked = false;  // whether their signatures were checked
};

// What verification may use beyond the database: the keys (to check every event's hash), the
// anchors and the public keys (to check the anchors' signatures). Each may be absent.
struct AuditEvidence {
  AuditKeys const* keys = nullptr;
  std::vector<NumberedAnchor> const* anchors = nullptr;
  PublicKeys const* public_keys = nullptr;
};

// Walks the whole log in order, then compares it with the anchors. Errors only when the
// database cannot be read.
Result<AuditVerification> verify_audit(Database& db, AuditEvidence const& evidence = {});

}  // namespace joldama::storage
