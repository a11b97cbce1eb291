#pragma once
// Small parsers the route files share: path ids, If-Match, query parameters.

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api/api.hpp"

namespace joldama::server {

// A positive decimal id, or nothing.
inline std::optional<Id> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  Id id = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// If-Match: "7" (also W/"7" or a bare 7). PreconditionRequired without it, Malformed when it is
// not a version.
inline Result<std::int64_t> if_match_version(Request const& request) {
  auto header = request.header("if-match");
  if (!header) {
    return make_error(Errc::PreconditionRequired,
                      "send If-Match with the version you read (the ETag of GET)");
  }
  std::string_view text = *header;
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  auto const version = parse_id(text);
  if (!version) return make_error(Errc::Malformed, "If-Match must be a version such as \"3\"");
  return *version;
}

inline std::string etag(std::int64_t version) {
  return fmt::format("\"{}\"", version);
}

// An optional integer query parameter; Validation naming it when present and not in range.
inline Result<std::optional<std::int64_t>> query_integer(Request const& request,
                                                         std::string const& name, std::int64_t min,
                                                         std::int64_t max) {
  auto const it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  auto const& text = it->second;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return validation_error(
        name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return std::optional<std::int64_t>{value};
}

inline std::string query_text(Request const& request, std::string const& name) {
  auto const it = request.query.find(name);
  return it == request.query.end() ? std::string{} : it->second;
}

// An empty body is an empty object: actions such as submit need nothing.
inline Result<JsonInput> json_or_empty(Api const& api, Exchange const& exchange) {
  if (exchange.request.body.empty()) return JsonInput::parse("{}");
  return api.json_body(exchange);
}

}  // namespace joldama::server
