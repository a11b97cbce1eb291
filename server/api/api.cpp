#include "server/api/api.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <exception>

#include "server/security/crypto.hpp"
#include "server/api/idempotency.hpp"
#include "server/api/metrics.hpp"
#include "server/transport/static_files.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kTouchEvery{60};
// How long request log lines are gathered before they are written together.
constexpr std::chrono::milliseconds kLogGathering{50};

bool is_write(Method m) {
  return m == Method::Post || m == Method::Put || m == Method::Patch || m == Method::Delete;
}

bool is_api_path(std::string_view path) {
  return path.starts_with("/api/") || path == "/healthz" || path == "/metrics";
}

}  // namespace

int to_http_status(Errc code) {
  switch (code) {
    case Errc::Malformed: return 400;
    case Errc::Unauthenticated: return 401;
    case Errc::Forbidden: return 403;
    case Errc::NotFound: return 404;
    case Errc::MethodNotAllowed: return 405;
    case Errc::InvalidTransition: return 409;
    case Errc::PatientExists: return 409;
    case Errc::Duplicate: return 409;
    case Errc::QuotaExhausted: return 409;
    case Errc::QuotaBelowUsage: return 409;
    case Errc::NoFreePlace: return 409;
    case Errc::CapacityBelowBookings: return 409;
    case Errc::ReferralExists: return 409;
    case Errc::StaleVersion: return 412;
    case Errc::TooLarge: return 413;
    case Errc::UnsupportedMediaType: return 415;
    case Errc::Validation: return 422;
    case Errc::NotEligible: return 422;
    case Errc::IdempotencyKeyReused: return 422;
    case Errc::PasswordChangeRequired: return 403;
    case Errc::PreconditionRequired: return 428;
    case Errc::RateLimited: return 429;
    case Errc::StorageFull: return 503;
    case Errc::Unavailable: return 503;
    case Errc::Internal: return 500;
  }
  return 500;
}

Api::Api(ApiServices services)
    : services_(services),
      metrics_(std::make_unique<Metrics>()),
      static_files_(std::make_unique<StaticFiles>(services.config.web_root)),
      login_throttle_(LoginThrottlePolicy{services.config.login_failures_per_login,
                                          services.config.login_failures_per_address,
                                          services.config.login_failures_everywhere,
                                          std::chrono::minutes{15}, services.config.login_first_delay}),
      password_hasher_(2, services.config.password_checks_waiting),
      public_lookups_(services.config.public_lookups_per_minute, std::chrono::minutes{1}),
      all_public_lookups_(services.config.public_lookups_per_minute_total, std::chrono::minutes{1}),
      log_("request-log", kLogGathering,
           [](std::vector<std::string>& lines) {
             std::string text;
             for (auto const& line : lines) (text += line) += '\n';
             std::fwrite(text.data(), 1, text.size(), stderr);
             std::fflush(stderr);
           }),
      read_audit_(services.writer),
      reads_(reading_threads(services.config)) {
  add_operations_routes(*this);
  add_session_routes(*this);
  add_reference_routes(*this);
  add_place_routes(*this);
  add_patient_routes(*this);
  add_referral_routes(*this);
  add_quota_routes(*this);
  add_public_routes(*this);
  add_audit_routes(*this);
  add_admin_routes(*this);
  add_calendar_routes(*this);
  add_notification_routes(*this);
  add_outbox_routes(*this);
  add_report_routes(*this);
}

Api::~Api() = default;

Status Api::restore_login_failures() {
  auto const now = services_.clock.now();
  auto stored = query(services_.reader, [&](StoreReads& store) {
    return store.list_login_failures(login_throttle_.forget_before(now));
  });
  if (!stored) return stored.error();
  login_throttle_.restore(*stored, now);
  return ok();
}

void Api::flush() {
  reads_.finish();  // before the connections' io_context goes, since reads answer through it
  read_audit_.drain();
  log_.flush();
}

std::size_t Api::body_limit(Method method, std::string_view target) const {
  if (!is_write(method)) return services_.config.json_body_limit;
  std::string path;
  std::map<std::string, std::string> query;
  if (!parse_target(target, path, query)) return services_.config.json_body_limit;
  auto const match = router_.match(method, path);
  if (match.route && match.route->body == Body::File) return services_.config.attachment_body_limit;
  return services_.config.json_body_limit;
}

Response Api::json(int status, json::value const& body) {
  return json_text(status, json::serialize(body));
}

Response Api::json_text(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.set_header("content-type", "application/json; charset=utf-8");
  return response;
}

Response Api::error_response(Error const& error) {
  auto response = json(to_http_status(error.code), to_json(error));
  if (error.code == Errc::Unauthenticated) response.set_header("www-authenticate", "Bearer");
  return response;
}

void Api::handle(Request request, Respond respond, Dispatch dispatch) {
  auto exchange = std::make_shared<Exchange>();
  exchange->request = std::move(request);
  exchange->respond = std::move(respond);
  exchange->dispatch = std::move(dispatch);
  exchange->started = std::chrono::steady_clock::now();
  try {
    route_request(exchange);
  } catch (std::exception const& e) {
    fmt::print(stderr, "joldama: a handler failed: {}\n", e.what());
    fail(exchange, make_error(Errc::Internal, "an internal error occurred"));
  } catch (...) {
    fail(exchange, make_error(Errc::Internal, "an internal error occurred"));
  }
}

void Api::route_request(std::shared_ptr<Exchange> const& exchange) {
  auto& request = exchange->request;
  if (request.method == Method::Other) {
    return fail(exchange, make_error(Errc::MethodNotAllowed, "this method is not supported"));
  }
  if (!parse_target(request.target, request.path, request.query)) {
    return fail(exchange, make_error(Errc::Malformed, "the request target is malformed"));
  }
  if (!is_api_path(request.path)) {
    if (request.method != Method::Get && request.method != Method::Head) {
      auto response =
          error_response(make_error(Errc::MethodNotAllowed, "only GET is allowed here"));
      response.set_header("allow", "GET, HEAD");
      return reply(exchange, std::move(response));
    }
    return reply(exchange, static_files_->serve(request));
  }

  auto match = router_.match(request.method, request.path);
  if (!match.route) {
    if (match.allowed.empty()) {
      return fail(exchange, make_error(Errc::NotFound, "no such endpoint"));
    }
    std::string allow;
    for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string{to_string(m)};
    auto response =
        error_response(make_error(Errc::MethodNotAllowed, fmt::format("allowed here: {}", allow)));
    response.set_header("allow", allow);
    return reply(exchange, std::move(response));
  }
  exchange->route = match.route;
  exchange->params = std::move(match.params);
  if (auto key = request.header("idempotency-key"); key && !is_valid_idempotency_key(*key)) {
    return fail(exchange, make_error(Errc::Malformed,
                                     "Idempotency-Key is 1 to 200 printable ASCII characters"));
  }

  if (match.route->access == Access::SignedIn) return authenticate_then_handle(exchange);
  match.route->handler(exchange);
}

void Api::guarded(std::shared_ptr<Exchange> const& exchange, std::function<void()> const& step) {
  try {
    step();
  } catch (std::exception const& e) {
    fmt::print(stderr, "joldama: a handler failed: {}\n", e.what());
    fail(exchange, make_error(Errc::Internal, "an internal error occurred"));
  } catch (...) {
    fail(exchange, make_error(Errc::Internal, "an internal error occurred"));
  }
}

void Api::on_connection_thread(std::shared_ptr<Exchange> const& exchange,
                               std::function<void()> step) {
  if (!reads_.pooled()) return step();
  exchange->dispatch(std::move(step));
}

void Api::read(std::shared_ptr<Exchange> const& exchange,
               std::function<Result<Response>(StoreReads&)> work) {
  read_then<Response>(exchange, std::move(work),
                      [this, exchange](Response& response) { reply(exchange, std::move(response)); });
}

void Api::authenticate_then_handle(std::shared_ptr<Exchange> const& exchange) {
  auto const& request = exchange->request;
  std::optional<std::string> token;
  if (auto header = request.header("authorization")) {
    token = bearer_token(*header);
  } else if (auto cookies = request.header("cookie")) {
    token = cookie_value(*cookies, session_cookie_name(services_.config));
    exchange->cookie_session = token.has_value();
  }
  auto const unauthenticated = make_error(Errc::Unauthenticated, "sign in first");
  if (!token || token->empty() || token->size() > 128) return fail(exchange, unauthenticated);

  auto hash = sha256_hex(*token);
  if (auto known = sessions_.find(hash, services_.clock.now())) {
    return handle_signed_in(exchange, hash, std::move(*known));
  }
  auto const generation = sessions_.generation();
  read_then<std::optional<SessionCache::Entry>>(
      exchange,
      [hash](StoreReads& store) -> Result<std::optional<SessionCache::Entry>> {
        auto session = store.find_session(hash);
        if (!session) return session.error();
        if (!*session) return std::optional<SessionCache::Entry>{};
        auto user = store.find_user((*session)->user_id);
        if (!user) return user.error();
        if (!*user) return std::optional<SessionCache::Entry>{};
        return std::optional<SessionCache::Entry>{SessionCache::Entry{**session, **user}};
      },
      [this, exchange, hash, generation, unauthenticated](
          std::optional<SessionCache::Entry>& found) {
        if (!found) return fail(exchange, unauthenticated);
        // The stored last-seen time is updated only now and then; the cache holds the latest,
        // so that a request right after another one never finds a stale time.
        auto known = sessions_.keep(hash, std::move(*found), generation, services_.clock.now());
        handle_signed_in(exchange, hash, std::move(known));
      });
}

void Api::handle_signed_in(std::shared_ptr<Exchange> const& exchange, std::string const& hash,
                           SessionCache::Entry entry) {
  auto const& request = exchange->request;
  auto const now = services_.clock.now();
  auto& [session, user] = entry;
  auto const status = session_status(session, now, services_.config.sessions);
  if (status != SessionStatus::Active || user.disabled) {
    sessions_.forget_all();
    services_.writer.submit([hash](Store& store) { return store.delete_session(hash); },
                            [this](Status) { sessions_.forget_all(); });
    return fail(exchange, make_error(Errc::Unauthenticated,
                                     status == SessionStatus::Idle
                                         ? "the session ended after inactivity; sign in again"
                                         : "the session has ended; sign in again"));
  }
  // A cookie is sent by the browser on its own, so a write with it must also prove that the
  // page making it could read the CSRF token that came with the session.
  if (exchange->cookie_session && is_write(request.method) &&
      exchange->route->csrf == Csrf::Required) {
    auto const csrf = request.header("x-csrf-token");
    if (!csrf || !constant_time_equal(sha256_hex(*csrf), session.csrf_hash)) {
      return fail(exchange, make_error(Errc::Forbidden,
                                       "a write with the session cookie needs its X-CSRF-Token"));
    }
  }
  exchange->session_hash = hash;
  // A page's poll is not the person at work: it must not keep an idle session open.
  if (!exchange->route->background) {
    sessions_.seen(hash, now, now - services_.config.sessions.idle);
    if (now - session.last_seen_at >= kTouchEvery) {
      services_.writer.submit([hash, now](Store& store) { return store.touch_session(hash, now); },
                              [](Status) {});
    }
  }
  exchange->user = std::move(user);
  if (exchange->user->must_change_password && !exchange->route->before_password_change) {
    return fail(exchange, make_error(Errc::PasswordChangeRequired,
                                     "choose a password of your own first: the one you have "
                                     "was set by an administrator"));
  }
  exchange->route->handler(exchange);
}

void Api::reply(std::shared_ptr<Exchange> const& exchange, Response response) {
  if (exchange->answered.exchange(true)) return;
  response.set_header("x-content-type-options", "nosniff");
  if (!response.header("cache-control")) response.set_header("cache-control", "no-store");
  auto const elapsed = std::chrono::steady_clock::now() - exchange->started;
  auto const seconds = std::chrono::duration<double>(elapsed).count();
  // Routes are logged as patterns, never as concrete paths: a path can hold an IIN.
  // Stable strings (the router's patterns, literals): the metrics keep views of them.
  std::string_view const route = exchange->route ? std::string_view{exchange->route->pattern}
                                 : is_api_path(exchange->request.path) ? "unmatched"
                                                                       : "static";
  auto const method = to_string(exchange->request.method);
  metrics_->observe(route, method, response.status, seconds);
  log_.push(fmt::format("{} {} {} {} {:.1f}ms user={}", format_timestamp(services_.clock.now()),
                        method, route, response.status, seconds * 1000.0,
                        exchange->user ? std::to_string(exchange->user->id) : "-"));
  // The connection's callbacks leave the exchange with the answer: whatever still holds the
  // exchange afterwards (a command's closure on the writer's thread, say) must not be what keeps
  // the connection alive, since a connection may only be destroyed on its own thread.
  auto const respond = std::move(exchange->respond);
  auto const dispatch = std::move(exchange->dispatch);
  exchange->respond = nullptr;
  exchange->dispatch = nullptr;
  respond(std::move(response));
}

void Api::read_audited(std::shared_ptr<Exchange> const& exchange,
                       std::function<Result<Audited>(StoreReads&)> work) {
  read_then<Audited>(exchange, std::move(work),
                     [this, exchange](Audited& read) { record_then_reply(exchange, read); });
}

void Api::record_then_reply(std::shared_ptr<Exchange> const& exchange, Audited& read) {
  if (read.events.empty()) return reply(exchange, std::move(read.response));
  auto shared = std::make_shared<Response>(std::move(read.response));
  read_audit_.append(
      std::move(read.events), [this, exchange, shared](Status status) {
        exchange->dispatch([this, exchange, shared, status] {
          if (!status) {
            // What was read is not shown unless its reading is on record.
            auto const code =
                status.error().code == Errc::StorageFull ? Errc::StorageFull : Errc::Unavailable;
            return fail(exchange, make_error(code, "the read could not be recorded; nothing is "
                                                   "shown: try again shortly"));
          }
          reply(exchange, std::move(*shared));
        });
      });
}

std::optional<IdempotencyRecord> Api::idempotency_for(Exchange const& exchange) const {
  // The key's form was checked by route_request().
  if (!exchange.user) return std::nullopt;
  return idempotency_record(exchange.request, exchange.user->id, services_.clock.now());
}

Result<Response> Api::metrics_response(StoreReads& store) {
  auto counts = store.count_referrals_by_state(ReferralFilter{});
  if (!counts) return counts.error();
  Response response;
  response.status = 200;
  response.body = metrics_->render(*counts, services_.writer);
  response.set_header("content-type", "text/plain; version=0.0.4; charset=utf-8");
  return response;
}

Result<JsonInput> Api::json_body(Exchange const& exchange) const {
  auto const type = exchange.request.header("content-type").value_or("");
  auto const media = type.substr(0, type.find(';'));
  if (media != "application/json") {
    return make_error(Errc::UnsupportedMediaType, "send the body as application/json");
  }
  return JsonInput::parse(exchange.request.body);
}

Result<json::value> Api::user_json(StoreReads& store, User const& user) const {
  std::optional<Organization> organization;
  if (user.organization_id) {
    auto found = store.find_organization(*user.organization_id);
    if (!found) return found.error();
    organization = *found;
  }
  return to_json(user, organization);
}

}  // namespace joldama::server
