#include "storage/audit_chain.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>

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

std::string audit_hash(std::string_view prev_hash, AuditRecord const& record) {
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
  return sha256_hex(message);
}

Result<AuditVerification> verify_audit(Database& db) {
  auto rows = db.prepare(
      "SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash "
      "FROM audit ORDER BY seq");
  if (!rows) return rows.error();
  AuditVerification result;
  std::string expected_prev = genesis_hash();
  std::int64_t expected_seq = 1;
  for (;;) {
    auto row = rows->step();
    if (!row) return row.error();
    if (!*row) break;
    AuditRecord record{rows->int64(0), rows->int64(1), rows->text(2),
                       rows->text(3),  rows->text(4),  rows->optional_int64(5),
                       rows->text(6),  rows->text(7),  rows->text(8)};
    auto fail = [&](std::string reason) {
      result.ok = false;
      result.broken_seq = record.seq;
      result.reason = std::move(reason);
      return result;
    };
    if (record.seq != expected_seq) {
      return fail(fmt::format("expected event {} but found {}: events are missing", expected_seq,
                              record.seq));
    }
    if (record.prev_hash != expected_prev) {
      return fail("its previous-hash does not match the event before it");
    }
    if (audit_hash(record.prev_hash, record) != record.hash) {
      return fail("its content does not match its hash: it was altered");
    }
    expected_prev = record.hash;
    ++expected_seq;
    ++result.events;
  }
  return result;
}

}  // namespace joldama::storage
