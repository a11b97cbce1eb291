// Signing in and out, and who is signed in.

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/api.hpp"
#include "server/crypto.hpp"
#include "server/handler_support.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

// Hashing is slow on purpose; it runs off the I/O threads.
boost::asio::thread_pool& password_pool() {
  static boost::asio::thread_pool pool{2};
  return pool;
}

// A hash to verify against when the login does not exist, so that a wrong login takes as
// long to refuse as a wrong password.
std::string const& decoy_hash() {
  static std::string const hash = hash_password("joldama-decoy-password").value();
  return hash;
}

std::string session_cookie(std::string const& token, ServerConfig const& config) {
  auto const max_age = std::chrono::duration_cast<std::chrono::seconds>(config.sessions.absolute);
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kSessionCookie,
                     token, max_age.count(), config.secure_cookies ? "; Secure" : "");
}

void sign_in(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  auto login = body->text("login");
  if (!login) return api.fail(exchange, login.error());
  auto password = body->text("password");
  if (!password) return api.fail(exchange, password.error());
  if (auto s = body->finish(); !s) return api.fail(exchange, s.error());

  auto const& services = api.services();
  auto const now = services.clock.now();
  auto const by_login = "login:" + *login;
  auto const by_address = "address:" + exchange->request.peer;
  if (api.login_failures_by_login().exhausted(by_login, now) ||
      api.login_failures_by_address().exhausted(by_address, now)) {
    auto const wait = std::max(api.login_failures_by_login().retry_after(by_login, now),
                               api.login_failures_by_address().retry_after(by_address, now));
    auto response = Api::error_response(
        make_error(Errc::RateLimited, "too many failed sign-ins; wait and try again"));
    response.set_header("retry-after", std::to_string(wait.count()));
    return api.reply(exchange, std::move(response));
  }

  auto user = query(services.reader, [&](Store& s) { return s.find_user_by_login(*login); });
  if (!user) return api.fail(exchange, user.error());

  boost::asio::post(password_pool(), [&api, exchange, user = *user, login = *login,
                                      password = std::move(*password), by_login, by_address, now] {
    auto const& config = api.services().config;
    bool const verified = user ? verify_password(user->password_hash, password)
                               : (verify_password(decoy_hash(), password), false);
    if (!verified || user->disabled) {
      api.login_failures_by_login().record(by_login, now);
      api.login_failures_by_address().record(by_address, now);
      if (user) {
        api.record(AuditEvent{now,
                              user->login,
                              user->role,
                              "login_failed",
                              std::nullopt,
                              {{"address", exchange->request.peer}}});
      }
      return api.fail(exchange, make_error(Errc::Unauthenticated, "wrong login or password"));
    }
    api.login_failures_by_login().reset(by_login);
    auto const token = random_token();
    auto const csrf = random_token();
    Session session{
        sha256_hex(token), user->id, sha256_hex(csrf), now, now, now + config.sessions.absolute};
    api.write<Response>(
        exchange,
        [&api, session, user = *user, token, csrf, peer = exchange->request.peer,
         now](Store& store) -> Result<Response> {
          if (auto s = store.insert_session(session); !s) return s.error();
          if (auto s = store.append_audit(AuditEvent{
                  now, user.login, user.role, "login", std::nullopt, {{"address", peer}}});
              !s) {
            return s.error();
          }
          auto user_json = api.user_json(store, user);
          if (!user_json) return user_json.error();
          return Api::json(
              200, json::object{{"token", token}, {"csrf_token", csrf}, {"user", *user_json}});
        },
        [&api, token](Response const& signed_in) {
          auto response = signed_in;
          response.set_header("set-cookie", session_cookie(token, api.services().config));
          return response;
        });
  });
}

void sign_out(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const actor = exchange->actor();
  auto const now = api.services().clock.now();
  api.write(exchange,
            [actor, now, hash = exchange->session_hash](Store& store) -> Result<Response> {
              if (auto s = store.delete_session(hash); !s) return s.error();
              if (auto s = store.append_audit(
                      AuditEvent{now, actor.login, actor.role, "logout", std::nullopt, {}});
                  !s) {
                return s.error();
              }
              Response response;
              response.status = 204;
              response.set_header(
                  "set-cookie",
                  fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", kSessionCookie));
              return response;
            });
}

}  // namespace

void add_session_routes(Api& api) {
  api.add({Method::Post, "/api/v1/session", Access::Public, Body::Json,
           "Sign in with login and password; returns a bearer token, a CSRF token and the user, "
           "and sets the session cookie",
           [&api](std::shared_ptr<Exchange> const& exchange) { sign_in(api, exchange); }});
  api.add(changing_accounts(
      {Method::Delete, "/api/v1/session", Access::SignedIn, Body::None,
       "Sign out: the session's token stops working",
       [&api](std::shared_ptr<Exchange> const& exchange) { sign_out(api, exchange); }}));
  api.add(changing_accounts(
      {Method::Post, "/api/v1/session/csrf", Access::SignedIn, Body::None,
       "A new CSRF token for the signed-in session (for a browser tab that lost it); the "
       "previous one stops working",
       [&api](std::shared_ptr<Exchange> const& exchange) {
         // Safe without a CSRF token: the cookie is SameSite=Strict, so another site cannot
         // send it, and the answer cannot be read by another origin.
         auto const csrf = random_token();
         api.write(exchange,
                   [hash = exchange->session_hash, csrf](Store& store) -> Result<Response> {
                     if (auto s = store.set_session_csrf(hash, sha256_hex(csrf)); !s)
                       return s.error();
                     return Api::json(200, json::object{{"csrf_token", csrf}});
                   });
       },
       Csrf::Exempt}));
  api.add({Method::Get, "/api/v1/me", Access::SignedIn, Body::None, "The signed-in user",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [&](Store& store) -> Result<Response> {
               auto user = api.user_json(store, *exchange->user);
               if (!user) return user.error();
               return Api::json(200, *user);
             });
           }});
  api.add(changing_accounts(
      {Method::Put, "/api/v1/me", Access::SignedIn, Body::Json,
       "Change the signed-in user's interface language: {\"locale\":\"kk|ru|en\"}",
       [&api](std::shared_ptr<Exchange> const& exchange) {
         auto body = api.json_body(*exchange);
         if (!body) return api.fail(exchange, body.error());
         auto locale = body->choice<Locale>("locale", JsonInput::Need::Required);
         if (!locale) return api.fail(exchange, locale.error());
         if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
         api.write(exchange, [&api, exchange, locale = **locale](Store& store) -> Result<Response> {
           auto user = api.services().accounts.set_locale(store, exchange->actor(), locale);
           if (!user) return user.error();
           auto user_json = api.user_json(store, *user);
           if (!user_json) return user_json.error();
           return Api::json(200, *user_json);
         });
       }}));
}

}  // namespace joldama::server
