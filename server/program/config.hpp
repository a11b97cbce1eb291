#pragma once
// The server's settings: defaults, then the configuration file (--config), then the command
// line, each overriding the one before.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "server/program/command_line.hpp"
#include "workflow/accounts.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/patient_messages.hpp"
#include "workflow/result.hpp"
#include "workflow/services.hpp"

namespace joldama::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  // A SQLite file (the embedded default), or a PostgreSQL database: a libpq URI, postgresql://…
  std::string db = "data/joldama.db";
  std::filesystem::path web_root;  // default: web-static/ next to the sources
  std::filesystem::path calendar;  // default: config/calendar-kz.txt next to the sources
  std::filesystem::path icd10;     // default: config/icd10.tsv next to the sources
  bool demo = false;
  int threads = 2;

  DeadlinePolicy deadlines;
  AccessPolicy access;
  SessionPolicy sessions;
  bool secure_cookies = false;  // add `Secure` to the session cookie (behind TLS)
  // The address people reach the bureau at (behind a proxy that ends TLS, say). When it is
  // https, the session cookie is `Secure` and named with the `__Host-` prefix.
  std::string public_url;
  // /metrics: served on the main address only to `Authorization: Bearer <metrics_token>`, or,
  // with `metrics_listen` (HOST:PORT), on that address alone; without either, not at all.
  std::string metrics_token;
  std::string metrics_listen;

  std::chrono::seconds read_timeout{15};
  std::size_t json_body_limit = 1024 * 1024;
  std::size_t attachment_body_limit = 10 * 1024 * 1024;

  std::chrono::seconds sweep_interval{60};
  // How long an Idempotency-Key is remembered: a retry within this time returns the first
  // answer; the sweep forgets older keys, so the table does not grow without end.
  std::chrono::hours idempotency_keys_for{24};
  // The audit chain's key file and its anchor file, outside the database; empty means beside it
  // (DB.audit-key, DB.anchors). An anchor is made every so many events and at shutdown.
  std::filesystem::path audit_key_file;
  std::filesystem::path audit_anchor_file;
  std::int64_t audit_anchor_every = 1000;
  std::size_t writer_max_batch = 64;
  std::size_t read_connections = 8;
  // Threads that run the API's reads: 0 runs each on the I/O thread that took the request,
  // which suits SQLite in the process; an engine across a socket wants a pool of its own.
  // Unset: 0 on SQLite, read_connections on PostgreSQL (see reading_threads()).
  std::optional<std::size_t> read_threads;

  // Sign-in: failures of one login at one address before delays begin; failures per address
  // in 15 minutes; failures of one login from every address before its (short) delays begin.
  std::size_t login_failures_per_login = 5;
  std::size_t login_failures_per_address = 20;
  std::size_t login_failures_everywhere = 20;
  // The wait after the free failures; each further failure doubles it (up to 15 minutes).
  std::chrono::seconds login_first_delay{1};
  // Sign-ins that may wait for a password check beyond those being checked; more get 503.
  std::size_t password_checks_waiting = 32;
  std::size_t public_lookups_per_minute = 30;   // per address
  std::size_t public_lookups_per_minute_total = 1200;  // from every address together

  // How long staff notices and messages sent to patients are kept; the sweep removes older.
  std::chrono::days notices_kept_for{180};
  // The gateways of patients' messages; a channel whose address is empty is not sent (its
  // messages wait in the outbox). sms.gateway_url: http(s)://, with sms.token as the bearer
  // token; email.smtp_url: smtp:// or smtps://, with email.from, and email.user and
  // email.password when the server wants them.
  std::string sms_gateway_url;
  std::string sms_token;
  std::string smtp_url;
  std::string email_from;
  std::string smtp_user;
  std::string smtp_password;
  DeliveryPolicy delivery;
  std::chrono::milliseconds delivery_poll{2000};  // how often the worker looks for due messages
};

// The defaults, with the paths next to the sources.
ServerConfig default_config();

// Whether the session cookie must be Secure (and `__Host-`): secure_cookies, or an https
// public_url.
bool secure_session_cookie(ServerConfig const& config);
// The session cookie's name: `__Host-joldama_session` when it is Secure, else joldama_session.
std::string_view session_cookie_name(ServerConfig const& config);

// Where patients' messages point: public_url, or the address the server listens on.
std::string patient_facing_url(ServerConfig const& config);

// The threads the API's reads run on: read_threads, or what suits the engine.
std::size_t reading_threads(ServerConfig const& config);

// The audit files, as configured or beside the database.
std::filesystem::path audit_key_file(ServerConfig const& config);
std::filesystem::path audit_anchor_file(ServerConfig const& config);
// A file that belongs to the database `db`, named with `suffix`: beside a SQLite file; for a
// PostgreSQL database, which has no file of its own here, data/postgres`suffix` (every server of
// one PostgreSQL database must be given the same audit key: see audit_key_file).
std::filesystem::path beside(std::string const& db, std::string_view suffix);

// Applies `key = value` lines (# comments). Validation errors name the line in `field`.
Status apply_config_text(ServerConfig& config, std::string_view text);
Status apply_config_file(ServerConfig& config, std::filesystem::path const& path);

// Applies the flags of `joldama serve` (--config first, then the others).
Result<ServerConfig> config_from_command_line(CommandLine const& line);

}  // namespace joldama::server
