#pragma once
// The server's cryptography, all from libsodium: Argon2id password hashes, random tokens,
// SHA-256, constant-time comparison.

#include <string>
#include <string_view>

#include "workflow/result.hpp"

namespace joldama::server {

// Initializes libsodium; call once at start (further calls are harmless).
Status init_crypto();

// An Argon2id hash string (libsodium's crypto_pwhash_str, interactive limits).
Result<std::string> hash_password(std::string_view password);
// Whether `password` matches `hash`. Takes as long as hashing does.
bool verify_password(std::string_view hash, std::string_view password);

// 32 random bytes, URL-safe base64 without padding (43 characters).
std::string random_token();

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace joldama::server
