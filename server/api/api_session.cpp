// Signing in and out, and who is signed in.

#include <fmt/format.h>


#include "server/api/api.hpp"
#include "server/security/crypto.hpp"
#include "server/api/handler_support.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

std::string session_cookie(std::string const& token, ServerConfig const& config) {
  auto const max_age = std::chrono::duration_cast<std::chrono::seconds>(config.sessions.absolute);
  // `__Host-`: the browser keeps it only when it came Secure, for this host alone (no Domain)
  // and for every path — no subdomain or plain-http page can set one in its place.
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
                     session_cookie_name(config), token, max_age.count(),
                     secure_session_cookie(config) ? "; Secure" : "");
}

Response refused(Error const& error, std::chrono::seconds retry_after) {
  auto response = Api::error_response(error);
  response.set_header("retry-after", std::to_string(retry_after.count()));
  return response;
}

// The throttle's stored counters for `login` at `peer`, which another server sharing the
// database may have moved since this one last looked.
Status take_stored_failures(Api& api, std::string const& login, std::string const& peer,
                                   Timestamp now) {
  auto const keys = LoginThrottle::keys_for(login, peer);
  auto stored =
      query(api.services().reader, [&](StoreReads& s) { return s.find_login_failures(keys); });
  if (!stored) return stored.error();
  api.login_throttle().merge(*stored, now);
  return ok();
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
  auto const peer = exchange->request.peer;
  // One read: the account, and the throttle's stored counters (see take_stored_failures).
  auto const keys = LoginThrottle::keys_for(*login, peer);
  std::vector<LoginFailures> stored;
  auto user = query(services.reader, [&](StoreReads& s) -> Result<std::optional<User>> {
    auto failures = s.find_login_failures(keys);
    if (!failures) return failures.error();
    stored = std::move(*failures);
    return s.find_user_by_login(*login);
  });
  if (!user) return api.fail(exchange, user.error());
  api.login_throttle().merge(stored, now);
  // The attempt is reserved before its password is checked: a burst of parallel attempts is
  // counted as it arrives, not after the hashing.
  auto reservation = api.login_throttle().reserve(*login, peer, now);
  if (!reservation.attempt) {
    return api.reply(exchange,
                     refused(make_error(Errc::RateLimited,
                                        "too many failed sign-ins; wait and try again"),
                             reservation.retry_after));
  }

  auto check = [&api, exchange, attempt = reservation.attempt, user = *user,
                password = std::move(*password), peer, now] {
    auto const& hasher = api.password_hasher();
    bool const verified = user ? verify_password(user->password_hash, password)
                               : (verify_password(hasher.decoy_hash(), password), false);
    if (!verified || user->disabled) {
      // The failure is counted durably before it is answered, so that a restart forgives
      // nothing.
      auto const counters = api.login_throttle().failed(*attempt, now);
      std::optional<AuditEvent> event;
      if (user) {
        event = AuditEvent{
            now, user->login, user->role, "login_failed", std::nullopt, {{"address", peer}}};
      }
      return api.write(exchange, [counters, event](Store& store) -> Result<Response> {
        for (auto const& c : counters) {
          if (auto s = store.save_login_failures(c); !s) return s.error();
        }
        if (event) {
          if (auto s = store.append_audit(*event); !s) return s.error();
        }
        return Api::error_response(make_error(Errc::Unauthenticated, "wrong login or password"));
      });
    }
    auto const forgotten = api.login_throttle().succeeded(*attempt);
    auto const& config = api.services().config;
    auto const token = random_token();
    auto const csrf = random_token();
    Session session{
        sha256_hex(token), user->id, sha256_hex(csrf), now, now, now + config.sessions.absolute};
    api.write<Response>(
        exchange,
        [&api, session, forgotten, user = *user, token, csrf, peer,
         now](Store& store) -> Result<Response> {
          for (auto const& key : forgotten) {
            if (auto s = store.delete_login_failures(key); !s) return s.error();
          }
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
  };
  if (!api.password_hasher().try_post(std::move(check))) {
    // The reservation is dropped with the job: a refused attempt counts for nothing.
    return api.reply(exchange, refused(make_error(Errc::Unavailable,
                                                  "too many sign-ins at once; try again shortly"),
                                       std::chrono::seconds{1}));
  }
}

void change_password(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  auto current = body->text("current");
  if (!current) return api.fail(exchange, current.error());
  auto next = body->text("new");
  if (!next) return api.fail(exchange, next.error());
  if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
  auto const& user = *exchange->user;
  if (auto s = api.password_quality().check(*next, user.login, "new", *current); !s) {
    return api.fail(exchange, s.error());
  }
  if (*next == *current) {
    return api.fail(exchange, validation_error("new", "choose a password other than the current"));
  }
  // Guessing the current password here is guessing it at the sign-in: the same throttle.
  auto const now = api.services().clock.now();
  if (auto s = take_stored_failures(api, user.login, exchange->request.peer, now); !s) {
    return api.fail(exchange, s.error());
  }
  auto reservation = api.login_throttle().reserve(user.login, exchange->request.peer, now);
  if (!reservation.attempt) {
    return api.reply(exchange,
                     refused(make_error(Errc::RateLimited,
                                        "too many wrong passwords; wait and try again"),
                             reservation.retry_after));
  }
  auto check = [&api, exchange, attempt = reservation.attempt, current = std::move(*current),
                next = std::move(*next), now] {
    auto const& who = *exchange->user;
    if (!verify_password(who.password_hash, current)) {
      auto const counters = api.login_throttle().failed(*attempt, now);
      AuditEvent event{now, who.login, who.role, "password_change_failed", std::nullopt,
                       {{"address", exchange->request.peer}}};
      return api.write(exchange, [counters, event](Store& store) -> Result<Response> {
        for (auto const& c : counters) {
          if (auto s = store.save_login_failures(c); !s) return s.error();
        }
        if (auto s = store.append_audit(event); !s) return s.error();
        return Api::error_response(validation_error("current", "the current password is wrong"));
      });
    }
    auto const forgotten = api.login_throttle().succeeded(*attempt);
    auto hash = hash_password(next);
    if (!hash) return api.fail(exchange, hash.error());
    api.write(exchange, [&api, exchange, forgotten,
                         hash = std::move(*hash)](Store& store) -> Result<Response> {
      for (auto const& key : forgotten) {
        if (auto s = store.delete_login_failures(key); !s) return s.error();
      }
      auto changed = api.services().accounts.change_own_password(store, exchange->actor(), hash,
                                                                 exchange->session_hash);
      if (!changed) return changed.error();
      Response response;
      response.status = 204;
      return response;
    });
  };
  if (!api.password_hasher().try_post(std::move(check))) {
    return api.reply(exchange, refused(make_error(Errc::Unavailable,
                                                  "too many password checks at once; try again "
                                                  "shortly"),
                                       std::chrono::seconds{1}));
  }
}

void sign_out(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const actor = exchange->actor();
  auto const now = api.services().clock.now();
  api.write(exchange,
            [&api, actor, now, hash = exchange->session_hash](Store& store) -> Result<Response> {
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
                  fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
                              session_cookie_name(api.services().config),
                              secure_session_cookie(api.services().config) ? "; Secure" : ""));
              return response;
            });
}

}  // namespace

void add_session_routes(Api& api) {
  api.add({Method::Post, "/api/v1/session", Access::Public, Body::Json,
           "Sign in with login and password; returns a bearer token, a CSRF token and the user, "
           "and sets the session cookie",
           [&api](std::shared_ptr<Exchange> const& exchange) { sign_in(api, exchange); }});
  api.add(open_before_password_change(changing_accounts(
      {Method::Delete, "/api/v1/session", Access::SignedIn, Body::None,
       "Sign out: the session's token stops working",
       [&api](std::shared_ptr<Exchange> const& exchange) { sign_out(api, exchange); }})));
  api.add(open_before_password_change(changing_accounts(
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
       Csrf::Exempt})));
  api.add(open_before_password_change({Method::Get, "/api/v1/me", Access::SignedIn, Body::None, "The signed-in user",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             api.read(exchange, [&api, exchange](StoreReads& store) -> Result<Response> {
               auto user = api.user_json(store, *exchange->user);
               if (!user) return user.error();
               return Api::json(200, *user);
             });
           }}));
  api.add(open_before_password_change(changing_accounts(
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
       }})));
  api.add(open_before_password_change(changing_accounts(
      {Method::Post, "/api/v1/me/password", Access::SignedIn, Body::Json,
       "Change the signed-in user's password: {\"current\",\"new\"} → 204; the other sessions "
       "end. A wrong current password counts as a failed sign-in; a weak or dictionary password, "
       "or one holding the login, is 422 on `new`",
       [&api](std::shared_ptr<Exchange> const& exchange) { change_password(api, exchange); }})));
}

}  // namespace joldama::server
