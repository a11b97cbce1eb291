#pragma once
// One table of (method, path pattern) → handler. Patterns are literal segments and `{name}`
// parameters: "/api/v1/referrals/{id}/actions/{action}".

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/transport/http.hpp"

namespace joldama::server {

struct Exchange;
using Handler = std::function<void(std::shared_ptr<Exchange> const&)>;

enum class Access { Public, SignedIn };
enum class Body { None, Json, File };
// Whether a write with the session cookie must carry the session's X-CSRF-Token.
enum class Csrf { Required, Exempt };

struct Route {
  Method method = Method::Get;
  std::string pattern;
  Access access = Access::SignedIn;
  Body body = Body::None;
  std::string summary;  // one line, for the API's own documentation
  Handler handler;
  Csrf csrf = Csrf::Required;
  // Writes users or sessions: the server's session cache forgets everything around the write.
  bool changes_accounts = false;
  // Open to a user who must still choose their own password (their account, signing out).
  bool before_password_change = false;
  // Asked by a page on its own (a poll), not by the person: it does not keep the session from
  // ending after inactivity.
  bool background = false;
};

// The route, open to a user who must still replace the password an administrator chose.
inline Route open_before_password_change(Route route) {
  route.before_password_change = true;
  return route;
}

// The route, marked as one a page polls on its own (see Route::background).
inline Route polled_in_background(Route route) {
  route.background = true;
  return route;
}

// The route, marked as one that writes users or sessions.
inline Route changing_accounts(Route route) {
  route.changes_accounts = true;
  return route;
}

class Router {
 public:
  void add(Route route);

  struct Match {
    Route const* route = nullptr;               // the route, if method and path match
    std::map<std::string, std::string> params;  // its `{name}` values
    std::vector<Method> allowed;                // methods of a path that matched otherwise
  };
  Match match(Method method, std::string_view path) const;

  std::vector<Route> const& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace joldama::server
