#include "storage/audit_chain.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <map>

namespace joldama::storage {

namespace {

void append_field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

std::string to_hex(unsigned char const* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace

std::string genesis_hash() {
  return std::string(64, '0');
}

std::string sha256_hex(std::string_view bytes) {
  // libsodium must be initialized once before use; sodium_init() is idempotent and thread-safe.
  [[maybe_unused]] static int const initialized = sodium_init();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<unsigned char const*>(bytes.data()),
                     bytes.size());
  return to_hex(digest.data(), digest.size());
}

namespace {

std::string chain_message(std::string_view prev_hash, AuditRecord const& record) {
  std::string message;
  message.reserve(prev_hash.size() + record.detail.size() + 128);
  append_field(message, prev_hash);
  append_field(message, std::to_string(record.seq));
  append_field(message, std::to_string(record.at_millis));
  append_field(message, record.actor);
  append_field(message, record.role);
  append_field(message, record.action);
  append_field(message, record.referral_id ? std::to_string(*record.referral_id) : std::string{});
  append_field(message, record.detail);
  return message;
}

AuditVerification found(AuditVerification result, AuditFinding finding, std::int64_t seq,
                        std::string reason) {
  result.ok = false;
  result.finding = finding;
  result.broken_seq = seq;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

std::string audit_hash(std::string_view prev_hash, AuditRecord const& record, AuditKey const* key) {
  auto const message = chain_message(prev_hash, record);
  return key ? hmac_sha256_hex(key->chain, message) : sha256_hex(message);
}

Result<AuditVerification> verify_audit(Database& db, AuditEvidence const& evidence) {
  auto rows = db.prepare(
      "SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash "
      "FROM audit ORDER BY seq");
  if (!rows) return rows.error();
  AuditVerification result;
  std::string expected_prev = genesis_hash();
  std::int64_t expected_seq = 1;
  // The first event whose hash does not verify. If an event after it verifies again, it was
  // changed alone; if none does, the chain was recomputed from it on.
  std::optional<std::int64_t> first_bad;
  bool last_matches_plain_sha = false;
  // The stored hashes at the anchors' events.
  std::map<std::int64_t, std::string> at_anchor;
  if (evidence.anchors) {
    for (auto const& a : *evidence.anchors) at_anchor.emplace(a.anchor.seq, std::string{});
  }
  auto const altered = [&](std::int64_t seq) {
    return found(result, AuditFinding::Altered, seq,
                 "altered: its content does not match its hash");
  };
  for (;;) {
    auto row = rows->step();
    if (!row) return row.error();
    if (!*row) break;
    AuditRecord record{rows->int64(0), rows->int64(1), rows->text(2),
                       rows->text(3),  rows->text(4),  rows->optional_int64(5),
                       rows->text(6),  rows->text(7),  rows->text(8)};
    if (record.seq != expected_seq) {
      if (first_bad) return altered(*first_bad);
      return found(result, AuditFinding::Missing, record.seq,
                   fmt::format("expected event {} but found {}: events are missing", expected_seq,
                               record.seq));
    }
    if (record.prev_hash != expected_prev) {
      if (first_bad) return altered(*first_bad);
      return found(result, AuditFinding::Altered, record.seq,
                   "altered: its previous-hash does not match the event before it");
    }
    auto const* key = evidence.keys ? evidence.keys->key_for(record.seq) : nullptr;
    bool const verifies = audit_hash(record.prev_hash, record, key) == record.hash;
    if (verifies && first_bad) return altered(*first_bad);
    if (!verifies && !first_bad) first_bad = record.seq;
    if (!verifies) last_matches_plain_sha = audit_hash(record.prev_hash, record) == record.hash;
    if (auto it = at_anchor.find(record.seq); it != at_anchor.end()) it->second = record.hash;
    expected_prev = record.hash;
    ++expected_seq;
    if (!first_bad) ++result.events;
  }
  std::int64_t const last_seq = expected_seq - 1;
  if (first_bad) {
    // Every event from the first bad one on fails, and they still link to each other: the
    // chain was recomputed — unless only the last event fails and a plain hash does not
    // explain it either.
    if (*first_bad < last_seq || last_matches_plain_sha) {
      return found(result, AuditFinding::Recomputed, *first_bad,
                   "recomputed: from this event on, the chain was recomputed without the key");
    }
    return altered(*first_bad);
  }

  if (!evidence.anchors) return result;
  result.signatures_checked = evidence.public_keys != nullptr;
  for (auto const& [line, anchor] : *evidence.anchors) {
    if (evidence.public_keys) {
      auto const key = evidence.public_keys->find(anchor.key_id);
      if (key == evidence.public_keys->end() ||
          !signature_verifies(key->second, anchor_message(anchor), anchor.signature)) {
        return found(result, AuditFinding::ForgedAnchor, anchor.seq,
                     fmt::format("the anchor on line {} is not signed by a known key", line));
      }
    }
    if (anchor.seq > last_seq) {
      return found(result, AuditFinding::Truncated, last_seq + 1,
                   fmt::format("truncated: the log ends at event {}, but the anchor of {} signed "
                               "event {}: the tail was cut off",
                               last_seq, anchor.at, anchor.seq));
    }
    if (at_anchor.at(anchor.seq) != anchor.hash) {
      return found(result, AuditFinding::Rewritten, anchor.seq,
                   fmt::format("rewritten: it differs from the anchor of {} signed by key {}: "
                               "the chain was recomputed before it",
                               anchor.at, anchor.key_id));
    }
    ++result.anchors;
  }
  return result;
}

}  // namespace joldama::storage
