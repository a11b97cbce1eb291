#include "server/transport/router.hpp"

#include <stdexcept>

namespace joldama::server {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;  // past the leading '/'
  while (start <= path.size()) {
    auto const slash = path.find('/', start);
    auto const end = slash == std::string_view::npos ? path.size() : slash;
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

void Router::add(Route route) {
  for (auto const& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      throw std::logic_error("route added twice: " + route.pattern);  // a programming error
    }
  }
  segments_.push_back(split_path(route.pattern));
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match result;
  auto const parts = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    auto const& pattern = segments_[i];
    if (pattern.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool matched = true;
    for (std::size_t k = 0; k < parts.size() && matched; ++k) {
      auto const& want = pattern[k];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (parts[k].empty()) matched = false;
        params[want.substr(1, want.size() - 2)] = parts[k];
      } else {
        matched = want == parts[k];
      }
    }
    if (!matched) continue;
    if (routes_[i].method == method) {
      result.route = &routes_[i];
      result.params = std::move(params);
      return result;
    }
    result.allowed.push_back(routes_[i].method);
  }
  return result;
}

}  // namespace joldama::server
