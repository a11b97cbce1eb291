#include "server/transport/http.hpp"

#include "workflow/validation.hpp"

namespace joldama::server {

std::string_view to_string(Method method) {
  switch (method) {
    case Method::Get: return "GET";
    case Method::Head: return "HEAD";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    case Method::Options: return "OPTIONS";
    case Method::Other: return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (auto const& [key, value] : headers) {
    if (key == name) return std::string_view{value};
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (auto const& [key, value] : headers) {
    if (key == name) return std::string_view{value};
  }
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  auto const hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char const c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // '%' needs two hex digits
      int const high = hex(text[i + 1]);
      int const low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query) {
  auto const question = target.find('?');
  auto const raw_path = target.substr(0, question);
  if (raw_path.empty() || raw_path.front() != '/') return false;
  auto decoded = percent_decode(raw_path, false);
  if (!decoded || !is_valid_utf8(*decoded)) return false;
  path = std::move(*decoded);
  query.clear();
  if (question == std::string_view::npos) return true;
  auto rest = target.substr(question + 1);
  while (!rest.empty()) {
    auto const amp = rest.find('&');
    auto const pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto const eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value || !is_valid_utf8(*key) || !is_valid_utf8(*value)) return false;
    // A repeated parameter is ambiguous; the first one wins and the rest are ignored.
    query.emplace(std::move(*key), std::move(*value));
  }
  return true;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto const semicolon = header.find(';');
    auto pair = header.substr(0, semicolon);
    header =
        semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    auto const eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string{pair.substr(eq + 1)};
    }
  }
  return std::nullopt;
}

std::optional<std::string> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (!header.starts_with(kScheme)) return std::nullopt;
  return std::string{header.substr(kScheme.size())};
}

bool is_valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace joldama::server
