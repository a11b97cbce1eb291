// The request headers the API reads itself: the session cookie, the bearer token, the
// Idempotency-Key and If-Match.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/api/handler_support.hpp"
#include "server/transport/http.hpp"

using namespace joldama;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const header{reinterpret_cast<char const*>(data), size};

  if (auto const value = server::cookie_value(header, server::kSessionCookie)) {
    // The value is a suffix of the header, after the cookie's name and '='.
    if (value->size() + std::string_view{server::kSessionCookie}.size() + 1 > header.size()) {
      std::abort();
    }
  }
  if (auto const token = server::bearer_token(header)) {
    if (!header.starts_with("Bearer ") || token->size() != header.size() - 7) std::abort();
  }
  if (server::is_valid_idempotency_key(header)) {
    if (header.empty() || header.size() > 200) std::abort();
  }

  server::Request request;
  request.headers.emplace_back("if-match", std::string{header});
  auto const version = server::if_match_version(request);
  if (version && *version <= 0) std::abort();
  if (!version && version.error().code != Errc::Malformed) std::abort();
  return 0;
}
