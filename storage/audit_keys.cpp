#include "storage/audit_keys.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "workflow/validation.hpp"

namespace joldama::storage {

namespace {

constexpr std::string_view kKeyFileHeader =
    "# Joldama's audit keys: keep this file secret, and in a backup of its own (never beside the\n"
    "# database's). Its .pub file and the anchor file are what to copy off this machine.\n";

std::string hex(unsigned char const* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

bool from_hex(std::string_view text, KeyBytes& out) {
  std::size_t length = 0;
  return text.size() == out.size() * 2 &&
         sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length,
                        nullptr) == 0 &&
         length == out.size();
}

std::string key_id(KeyBytes const& public_key) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), public_key.data(), public_key.size());
  return hex(digest.data(), 8);
}

void derive_public(AuditKey& key) {
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_seed_keypair(key.public_key.data(), secret.data(), key.seed.data());
  sodium_memzero(secret.data(), secret.size());
  key.id = key_id(key.public_key);
}

AuditKey new_key(std::int64_t from_seq) {
  AuditKey key;
  key.from_seq = from_seq;
  randombytes_buf(key.chain.data(), key.chain.size());
  randombytes_buf(key.seed.data(), key.seed.size());
  derive_public(key);
  return key;
}

std::string key_line(AuditKey const& key) {
  return fmt::format("key {} {} {} {}\n", key.id, key.from_seq,
                     hex(key.chain.data(), key.chain.size()), hex(key.seed.data(), key.seed.size()));
}

std::string public_line(AuditKey const& key) {
  return fmt::format("{} {}\n", key.id, hex(key.public_key.data(), key.public_key.size()));
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    auto const space = line.find(' ');
    if (space != 0) out.push_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return out;
}

Result<std::string> read_file(std::filesystem::path const& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return make_error(Errc::NotFound, fmt::format("cannot read {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Appends `text` to `path` (created readable by its owner only) and makes it durable.
Status append_durably(std::filesystem::path const& path, std::string_view text, bool exclusive) {
  int const flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : 0);
  int const fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  return ok();
}

}  // namespace

std::filesystem::path AuditKeys::public_key_path(std::filesystem::path const& key_path) {
  auto path = key_path;
  path += ".pub";
  return path;
}

Result<AuditKeys> AuditKeys::load(std::filesystem::path const& path) {
  if (sodium_init() < 0) return make_error(Errc::Internal, "libsodium could not be initialized");
  auto text = read_file(path);
  if (!text) return text.error();
  AuditKeys keys;
  keys.path_ = path;
  for (auto const& [number, line] : meaningful_lines(*text)) {
    auto const bad = [&, n = number](std::string_view why) {
      return make_error(Errc::Validation,
                        fmt::format("{}: line {}: {}", path.string(), n, why));
    };
    auto const w = words(line);
    if (w.size() != 5 || w[0] != "key") return bad("expected `key ID FROM_SEQ CHAIN SEED`");
    AuditKey key;
    auto const [end, ec] = std::from_chars(w[2].data(), w[2].data() + w[2].size(), key.from_seq);
    if (ec != std::errc{} || end != w[2].data() + w[2].size() || key.from_seq < 1) {
      return bad("FROM_SEQ must be an event number");
    }
    if (!from_hex(w[3], key.chain) || !from_hex(w[4], key.seed)) {
      return bad("a key must be 64 hex digits");
    }
    derive_public(key);
    if (key.id != w[1]) return bad("the id does not belong to this key");
    if (!keys.keys_.empty() && key.from_seq <= keys.keys_.back().from_seq) {
      return bad("keys must apply from increasing event numbers");
    }
    keys.keys_.push_back(std::move(key));
  }
  if (keys.keys_.empty()) {
    return make_error(Errc::Validation, fmt::format("{} holds no key", path.string()));
  }
  return keys;
}

Result<AuditKeys> AuditKeys::load_or_create(std::filesystem::path const& path,
                                            std::int64_t next_seq) {
  if (sodium_init() < 0) return make_error(Errc::Internal, "libsodium could not be initialized");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto const key = new_key(std::max<std::int64_t>(1, next_seq));
    if (auto s = append_durably(path, std::string{kKeyFileHeader} + key_line(key), true); !s) {
      return s.error();
    }
    if (auto s = append_durably(public_key_path(path), public_line(key), false); !s) {
      return s.error();
    }
  }
  return load(path);
}

Result<AuditKey> AuditKeys::rotate(std::int64_t next_seq) {
  if (next_seq <= current().from_seq) {
    return make_error(Errc::Validation, "a new key must apply from a later event");
  }
  auto key = new_key(next_seq);
  if (auto s = append_durably(path_, key_line(key), false); !s) return s.error();
  if (auto s = append_durably(public_key_path(path_), public_line(key), false); !s) {
    return s.error();
  }
  keys_.push_back(key);
  return key;
}

AuditKey const* AuditKeys::key_for(std::int64_t seq) const {
  AuditKey const* found = nullptr;
  for (auto const& key : keys_) {
    if (key.from_seq <= seq) found = &key;
  }
  return found;
}

std::string AuditKeys::sign(std::string_view message) const {
  auto const& key = current();
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_seed_keypair(public_key.data(), secret.data(), key.seed.data());
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<unsigned char const*>(message.data()), message.size(),
                       secret.data());
  sodium_memzero(secret.data(), secret.size());
  return hex(signature.data(), signature.size());
}

Result<KeyFileLock> KeyFileLock::take(std::filesystem::path const& key_path, Mode mode) {
  int const fd = ::open(key_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(Errc::NotFound,
                      fmt::format("cannot open {}: {}", key_path.string(), std::strerror(errno)));
  }
  if (::flock(fd, (mode == Mode::Shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(Errc::Unavailable,
                      fmt::format("{} is in use by a running server; stop it first",
                                  key_path.string()));
  }
  return KeyFileLock{fd};
}

KeyFileLock::~KeyFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

Result<PublicKeys> load_public_keys(std::filesystem::path const& path) {
  if (sodium_init() < 0) return make_error(Errc::Internal, "libsodium could not be initialized");
  auto text = read_file(path);
  if (!text) return text.error();
  PublicKeys keys;
  for (auto const& [number, line] : meaningful_lines(*text)) {
    auto const w = words(line);
    KeyBytes key{};
    if (w.size() != 2 || !from_hex(w[1], key) || key_id(key) != w[0]) {
      return make_error(Errc::Validation,
                        fmt::format("{}: line {}: expected `ID PUBLIC_KEY`", path.string(), number));
    }
    keys.emplace(std::string{w[0]}, key);
  }
  return keys;
}

bool signature_verifies(KeyBytes const& public_key, std::string_view message,
                        std::string_view signature_hex) {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  std::size_t length = 0;
  if (signature_hex.size() != signature.size() * 2 ||
      sodium_hex2bin(signature.data(), signature.size(), signature_hex.data(),
                     signature_hex.size(), nullptr, &length, nullptr) != 0 ||
      length != signature.size()) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<unsigned char const*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

std::string hmac_sha256_hex(KeyBytes const& key, std::string_view message) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return hex(mac.data(), mac.size());
}

}  // namespace joldama::storage
