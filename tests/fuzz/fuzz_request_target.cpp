// The request target as the server reads it: percent-decoding, the split into path and query,
// the router's match against the real route table, and the worklist cursor.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/api/json.hpp"
#include "server/transport/router.hpp"
#include "tests/fuzz/fuzz_bureau.hpp"

using namespace joldama;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const target{reinterpret_cast<char const*>(data), size};
  auto const& router = fuzz::Bureau::get().router();

  std::string path;
  std::map<std::string, std::string> query;
  if (server::parse_target(target, path, query)) {
    // A target that parses has an absolute path without NUL bytes.
    if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) std::abort();
    for (auto method : {server::Method::Get, server::Method::Post, server::Method::Put,
                        server::Method::Patch, server::Method::Delete}) {
      auto const match = router.match(method, path);
      if (match.route) {
        if (match.route->method != method) std::abort();
        // Every parameter of the pattern is filled with a non-empty segment.
        for (auto const& [name, value] : match.params) {
          if (value.empty() || value.find('/') != std::string::npos) std::abort();
        }
      }
    }
    if (auto const cursor = query.find("cursor"); cursor != query.end()) {
      if (auto const decoded = server::decode_cursor(cursor->second)) {
        // A cursor that decodes encodes back to one that decodes to the same position.
        if (server::decode_cursor(server::encode_cursor(*decoded)) != decoded) std::abort();
      }
    }
  }
  (void)server::split_path(target);
  for (bool plus_is_space : {false, true}) {
    if (auto const decoded = server::percent_decode(target, plus_is_space)) {
      if (decoded->size() > target.size()) std::abort();  // decoding never lengthens
    }
  }
  return 0;
}
