#pragma once
// The JSON API and the static UI behind one RequestHandler. Route files (api_*.cpp) add their
// routes here; this class authenticates, checks CSRF and media types, maps errors to statuses in
// one table, logs and counts every request, and runs handlers' reads and writes.

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "server/program/config.hpp"
#include "server/transport/http.hpp"
#include "server/api/idempotency.hpp"
#include "server/api/json.hpp"
#include "server/security/login_throttle.hpp"
#include "server/security/password_hasher.hpp"
#include "server/security/password_quality.hpp"
#include "server/security/rate_limiter.hpp"
#include "server/api/read_executor.hpp"
#include "server/api/audit_queue.hpp"
#include "server/api/batching_thread.hpp"
#include "server/transport/router.hpp"
#include "server/security/session_cache.hpp"
#include "workflow/accounts.hpp"
#include "workflow/lookup.hpp"
#include "workflow/ports.hpp"
#include "workflow/reports.hpp"
#include "workflow/services.hpp"

namespace joldama::server {

class Metrics;
class StaticFiles;

// One request in flight, shared by the handler and its completions.
struct Exchange {
  Request request;
  Route const* route = nullptr;
  std::map<std::string, std::string> params;
  std::optional<User> user;
  std::string session_hash;  // of the signed-in session's token
  bool cookie_session = false;
  std::chrono::steady_clock::time_point started;
  Respond respond;
  Dispatch dispatch;
  std::atomic<bool> answered{false};

  Actor actor() const { return user ? user->actor() : Actor::system(); }
  std::string const& param(std::string const& name) const { return params.at(name); }
};

struct ApiServices {
  Clock const& clock;
  ServerConfig const& config;
  Workflow const& workflow;
  Lookup const& lookup;
  Reports const& reports;
  Accounts const& accounts;
  Transactor& writer;
  Reader& reader;
  // The calendar the workflow counts working days by (workflow.calendar()), to add the days off
  // administrators announce once they are durable.
  WorkingCalendar& calendar;
  AuditAnchors* anchors = nullptr;  // the audit chain's signed checkpoints, when kept
};

// The one table from error codes to HTTP statuses.
int to_http_status(Errc code);

inline constexpr char const* kSessionCookie = "joldama_session";

class Api final : public RequestHandler {
 public:
  explicit Api(ApiServices services);
  ~Api() override;

  std::size_t body_limit(Method method, std::string_view target) const override;
  void handle(Request request, Respond respond, Dispatch dispatch) override;

  void add(Route route) { router_.add(std::move(route)); }
  Router const& router() const { return router_; }
  ApiServices const& services() const { return services_; }
  Metrics& metrics() { return *metrics_; }
  LoginThrottle& login_throttle() { return login_throttle_; }
  PasswordHasher& password_hasher() { return password_hasher_; }
  PasswordQuality const& password_quality() const { return password_quality_; }
  // Takes back the sign-in throttle's counters stored before a restart; once, before serving.
  Status restore_login_failures();
  RateLimiter& public_lookups() { return public_lookups_; }
  RateLimiter& all_public_lookups() { return all_public_lookups_; }
  SessionCache& sessions() { return sessions_; }

  static Response json(int status, boost::json::value const& body);
  // An answer whose JSON is already written (see JsonWriter).
  static Response json_text(int status, std::string body);
  static Response error_response(Error const& error);

  // Answers once: adds the common headers, logs the request and counts it.
  void reply(std::shared_ptr<Exchange> const& exchange, Response response);
  void fail(std::shared_ptr<Exchange> const& exchange, Error const& error) {
    reply(exchange, error_response(error));
  }

  // Runs `work` on a consistent read snapshot and replies with its response or error.
  void read(std::shared_ptr<Exchange> const& exchange,
            std::function<Result<Response>(StoreReads&)> work);

  // Runs `work` on a read snapshot (on the read executor), then `then` with what it found on
  // the connection's thread; an error, or an exception, is the answer instead. `work` may
  // outlive the handler that asks: it captures by value.
  template <class T>
  void read_then(std::shared_ptr<Exchange> const& exchange,
                 std::function<Result<T>(StoreReads&)> work,
                 std::function<void(T&)> then);

  // An answer that shows patients' data, and the audit events of the reading that made it.
  struct Audited {
    Response response;
    std::vector<AuditEvent> events;
  };
  // For reads that show patients' data: runs `work` on a read snapshot, then appends its audit
  // events as one write command, and answers only once they are durable. If they cannot be
  // written, the answer is 503 and shows nothing: no read of a patient's record goes unrecorded,
  // even across a kill -9.
  void read_audited(std::shared_ptr<Exchange> const& exchange,
                    std::function<Result<Audited>(StoreReads&)> work);

  // Runs `work` as one write command on the single writer and answers with `present(outcome)`
  // once the batch holding it is durable. `work` does all the reading the answer needs, inside
  // the command's transaction, so the answer shows exactly what the command did; `present` only
  // shapes it (JSON), on the connection's I/O thread, so that the writer spends its time on
  // writing. With an Idempotency-Key, the key, the request's hash and the answer are stored in
  // the same transaction (so `present` runs there): a repeat returns the first answer and changes
  // nothing; the same key with another request is refused.
  // `committed`, when given, runs on the writer's thread once the command is durable (also when
  // an Idempotency-Key replays it), before the answer: for what must follow the data in memory.
  template <class T>
  void write(std::shared_ptr<Exchange> const& exchange, std::function<Result<T>(Store&)> work,
             std::function<Response(T const&)> present, std::function<void()> committed = {});

  // For answers that need nothing but what `work` has: it builds the response itself.
  void write(std::shared_ptr<Exchange> const& exchange,
             std::function<Result<Response>(Store&)> work) {
    write<Response>(exchange, std::move(work), [](Response const& r) { return r; });
  }

  // Waits for the reads in flight and their audit events, and writes out the request log; before
  // the writer stops and before the HTTP server that handed over the requests is destroyed (a
  // pooled read answers through its connection's executor).
  void flush();

  // The Prometheus text of the metrics, with the referrals by state read from `store`.
  Result<Response> metrics_response(StoreReads& store);

  // The request body as a JSON object (415 unless declared as JSON, 400 unless valid).
  Result<JsonInput> json_body(Exchange const& exchange) const;

  // A user as the API shows it, with the organization's name.
  Result<boost::json::value> user_json(StoreReads& store, User const& user) const;

 private:
  void route_request(std::shared_ptr<Exchange> const& exchange);
  // The idempotency record to check and keep for this request, if it carries a key.
  std::optional<IdempotencyRecord> idempotency_for(Exchange const& exchange) const;
  // The signed-in user of the request's token or cookie, read from the session cache or else
  // from the store (on the read executor), then the route's handler; Unauthenticated otherwise.
  void authenticate_then_handle(std::shared_ptr<Exchange> const& exchange);
  // The rest of it, once the session is known.
  void handle_signed_in(std::shared_ptr<Exchange> const& exchange, std::string const& hash,
                        SessionCache::Entry entry);
  // Runs `step` guarded: an exception becomes a 500, as in handle().
  void guarded(std::shared_ptr<Exchange> const& exchange, std::function<void()> const& step);
  // Runs `step` on the connection's thread: at once when reads run there, else dispatched.
  void on_connection_thread(std::shared_ptr<Exchange> const& exchange, std::function<void()> step);
  // Appends a read's audit events, and answers once they are durable.
  void record_then_reply(std::shared_ptr<Exchange> const& exchange, Audited& read);

  ApiServices services_;
  Router router_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<StaticFiles> static_files_;
  LoginThrottle login_throttle_;
  PasswordHasher password_hasher_;
  PasswordQuality password_quality_;
  RateLimiter public_lookups_;
  RateLimiter all_public_lookups_;  // one key: every address together
  SessionCache sessions_;
  BatchingThread<std::string> log_;  // one line per request on standard error
  AuditQueue read_audit_;            // the events of reads, committed in groups
  // Last, so that it stops (waiting for the reads in hand) before what they use.
  ReadExecutor reads_;
};

template <class T>
void Api::read_then(std::shared_ptr<Exchange> const& exchange,
                    std::function<Result<T>(StoreReads&)> work, std::function<void(T&)> then) {
  reads_.run([this, exchange, work = std::move(work), then = std::move(then)] {
    guarded(exchange, [&] {
      auto found = std::make_shared<Result<T>>(query(services_.reader, work));
      on_connection_thread(exchange, [this, exchange, found, then] {
        guarded(exchange, [&] {
          if (!*found) return fail(exchange, found->error());
          then(**found);
        });
      });
    });
  });
}

template <class T>
void Api::write(std::shared_ptr<Exchange> const& exchange, std::function<Result<T>(Store&)> work,
                std::function<Response(T const&)> present, std::function<void()> committed) {
  struct Shared {
    std::optional<T> outcome;
    std::optional<Response> response;
  };
  auto const idempotency = idempotency_for(*exchange);
  auto shared = std::make_shared<Shared>();
  bool const changes_accounts = exchange->route && exchange->route->changes_accounts;
  if (changes_accounts) sessions_.forget_all();
  services_.writer.submit(
      [work = std::move(work), present, idempotency, shared](Store& store) -> Status {
        shared->outcome.reset();  // the writer may run a command again; start afresh
        shared->response.reset();
        if (idempotency) {
          auto replayed = replay_answer(store, *idempotency);
          if (!replayed) return replayed.error();
          if (*replayed) {
            shared->response = std::move(**replayed);
            return ok();
          }
        }
        auto outcome = work(store);
        if (!outcome) return outcome.error();
        if (idempotency) {
          auto response = present(*outcome);
          if (auto s = keep_answer(store, *idempotency, response); !s) return s;
          shared->response = std::move(response);
        } else {
          shared->outcome = std::move(*outcome);
        }
        return ok();
      },
      [this, exchange, present, shared, changes_accounts, committed](Status status) {
        // Committed (or undone): sessions read meanwhile are not to be trusted either.
        if (changes_accounts) sessions_.forget_all();
        if (status && committed) committed();
        // Off the writer's thread at once: answering is the connection's work.
        exchange->dispatch([this, exchange, present, shared, status] {
          if (!status) return fail(exchange, status.error());
          if (shared->response) return reply(exchange, std::move(*shared->response));
          reply(exchange, present(*shared->outcome));
        });
      });
}

// The route files.
void add_session_routes(Api& api);
void add_reference_routes(Api& api);
void add_place_routes(Api& api);
void add_patient_routes(Api& api);
void add_referral_routes(Api& api);
void add_quota_routes(Api& api);
void add_public_routes(Api& api);
void add_audit_routes(Api& api);
void add_admin_routes(Api& api);
void add_calendar_routes(Api& api);
void add_notification_routes(Api& api);
void add_outbox_routes(Api& api);
void add_report_routes(Api& api);
void add_operations_routes(Api& api);

// The OpenAPI 3.1 description of every route.
boost::json::value openapi_document(Router const& router);

}  // namespace joldama::server
