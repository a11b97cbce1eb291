#include "server/program/config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "storage/engine.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace {

template <class T>
bool parse_number(std::string_view text, T& out, T min, T max) {
  T value{};
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "true" || text == "yes" || text == "1") {
    out = true;
    return true;
  }
  if (text == "false" || text == "no" || text == "0") {
    out = false;
    return true;
  }
  return false;
}

// Applies one setting; false when the key is unknown or the value out of range.
bool apply(ServerConfig& c, std::string_view key, std::string_view value) {
  int number = 0;
  std::size_t size = 0;
  if (key == "host") return !(c.host = std::string{value}).empty();
  if (key == "port") return parse_number<std::uint16_t>(value, c.port, 0, 65535);
  if (key == "db") return !(c.db = std::string{value}).empty();
  if (key == "web_root") return !(c.web_root = std::string{value}).empty();
  if (key == "calendar") return !(c.calendar = std::string{value}).empty();
  if (key == "icd10") return !(c.icd10 = std::string{value}).empty();
  if (key == "demo") return parse_bool(value, c.demo);
  if (key == "threads") return parse_number(value, c.threads, 1, 256);
  if (key == "secure_cookies") return parse_bool(value, c.secure_cookies);
  if (key == "public_url") {
    c.public_url = std::string{value};
    return value.starts_with("https://") || value.starts_with("http://");
  }
  if (key == "metrics_token") {
    // A bearer token people cannot guess: at least 24 printable characters.
    c.metrics_token = std::string{value};
    return value.size() >= 24 && value.find_first_of(" \t") == std::string_view::npos;
  }
  if (key == "metrics_listen") {
    c.metrics_listen = std::string{value};
    auto const colon = value.rfind(':');
    std::uint16_t port = 0;
    return colon != std::string_view::npos && colon > 0 &&
           parse_number<std::uint16_t>(value.substr(colon + 1), port, 0, 65535);
  }
  if (key == "deadlines.commission_working_days") {
    return parse_number(value, c.deadlines.commission_working_days, 1, 365);
  }
  if (key == "deadlines.republican_working_days") {
    return parse_number(value, c.deadlines.republican_working_days, 1, 365);
  }
  if (key == "deadlines.hospital_working_days") {
    return parse_number(value, c.deadlines.hospital_working_days, 1, 365);
  }
  if (key == "deadlines.talon_validity_days") {
    return parse_number(value, c.deadlines.talon_validity_days, 1, 365);
  }
  if (key == "deadlines.booking_working_days") {
    return parse_number(value, c.deadlines.booking_working_days, 1, 30);
  }
  if (key == "deadlines.booking_horizon_days") {
    return parse_number(value, c.deadlines.booking_horizon_days, 1, 366);
  }
  if (key == "deadlines.info_reply_working_days") {
    return parse_number(value, c.deadlines.info_reply_working_days, 1, 365);
  }
  if (key == "session.idle_minutes") {
    if (!parse_number(value, number, 1, 24 * 60)) return false;
    c.sessions.idle = std::chrono::minutes{number};
    return true;
  }
  if (key == "session.absolute_hours") {
    if (!parse_number(value, number, 1, 7 * 24)) return false;
    c.sessions.absolute = std::chrono::hours{number};
    return true;
  }
  if (key == "read_timeout_seconds") {
    if (!parse_number(value, number, 1, 3600)) return false;
    c.read_timeout = std::chrono::seconds{number};
    return true;
  }
  if (key == "idempotency_keys_hours") {
    if (!parse_number(value, number, 1, 24 * 366)) return false;
    c.idempotency_keys_for = std::chrono::hours{number};
    return true;
  }
  if (key == "sweep_interval_seconds") {
    if (!parse_number(value, number, 1, 86400)) return false;
    c.sweep_interval = std::chrono::seconds{number};
    return true;
  }
  if (key == "audit_key_file") return !(c.audit_key_file = std::string{value}).empty();
  if (key == "audit_anchor_file") return !(c.audit_anchor_file = std::string{value}).empty();
  if (key == "audit_anchor_every") {
    return parse_number<std::int64_t>(value, c.audit_anchor_every, 1, 100'000'000);
  }
  if (key == "writer_max_batch")
    return parse_number<std::size_t>(value, c.writer_max_batch, 1, 10000);
  if (key == "read_connections")
    return parse_number<std::size_t>(value, c.read_connections, 1, 256);
  if (key == "read_threads") {
    std::size_t threads = 0;
    if (!parse_number<std::size_t>(value, threads, 0, 256)) return false;
    c.read_threads = threads;
    return true;
  }
  if (key == "limits.login_failures_per_login") {
    return parse_number<std::size_t>(value, c.login_failures_per_login, 1, 1000);
  }
  if (key == "limits.login_failures_per_address") {
    return parse_number<std::size_t>(value, c.login_failures_per_address, 1, 100000);
  }
  if (key == "limits.login_failures_everywhere") {
    return parse_number<std::size_t>(value, c.login_failures_everywhere, 1, 100000);
  }
  if (key == "limits.login_first_delay_seconds") {
    if (!parse_number(value, number, 1, 900)) return false;
    c.login_first_delay = std::chrono::seconds{number};
    return true;
  }
  if (key == "limits.password_checks_waiting") {
    return parse_number<std::size_t>(value, c.password_checks_waiting, 0, 10000);
  }
  if (key == "limits.patient_accesses_per_day") {
    return parse_number(value, c.access.patient_accesses_per_day, 0, 10000);
  }
  if (key == "limits.public_lookups_per_minute_total") {
    return parse_number<std::size_t>(value, c.public_lookups_per_minute_total, 1, 10'000'000);
  }
  if (key == "limits.public_lookups_per_minute") {
    return parse_number<std::size_t>(value, c.public_lookups_per_minute, 1, 100000);
  }
  if (key == "notifications.keep_days") {
    if (!parse_number(value, number, 1, 3660)) return false;
    c.notices_kept_for = std::chrono::days{number};
    return true;
  }
  if (key == "sms.gateway_url") {
    c.sms_gateway_url = std::string{value};
    return value.starts_with("https://") || value.starts_with("http://");
  }
  if (key == "sms.token") return !(c.sms_token = std::string{value}).empty();
  if (key == "email.smtp_url") {
    c.smtp_url = std::string{value};
    return value.starts_with("smtp://") || value.starts_with("smtps://");
  }
  if (key == "email.from") {
    c.email_from = std::string{value};
    auto const at = value.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < value.size() &&
           value.find_first_of(" \t<>\r\n") == std::string_view::npos;
  }
  if (key == "email.user") return !(c.smtp_user = std::string{value}).empty();
  if (key == "email.password") return !(c.smtp_password = std::string{value}).empty();
  if (key == "delivery.max_attempts") return parse_number(value, c.delivery.max_attempts, 1, 100);
  if (key == "delivery.first_retry_seconds") {
    if (!parse_number(value, number, 1, 86400)) return false;
    c.delivery.first_retry = std::chrono::seconds{number};
    return true;
  }
  if (key == "delivery.longest_retry_seconds") {
    if (!parse_number(value, number, 1, 7 * 86400)) return false;
    c.delivery.longest_retry = std::chrono::seconds{number};
    return true;
  }
  if (key == "delivery.poll_milliseconds") {
    if (!parse_number(value, number, 10, 600'000)) return false;
    c.delivery_poll = std::chrono::milliseconds{number};
    return true;
  }
  (void)size;
  return false;
}

}  // namespace

ServerConfig default_config() {
  ServerConfig config;
  config.web_root = std::filesystem::path{JOLDAMA_SOURCE_DIR} / "web-static";
  config.calendar = std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" / "calendar-kz.txt";
  config.icd10 = std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" / "icd10.tsv";
  return config;
}

bool secure_session_cookie(ServerConfig const& config) {
  return config.secure_cookies || config.public_url.starts_with("https://");
}

std::string_view session_cookie_name(ServerConfig const& config) {
  return secure_session_cookie(config) ? "__Host-joldama_session" : "joldama_session";
}

std::string patient_facing_url(ServerConfig const& config) {
  auto url = config.public_url;
  if (url.empty()) url = fmt::format("http://{}:{}", config.host, config.port);
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::filesystem::path beside(std::string const& db, std::string_view suffix) {
  std::filesystem::path path = storage::names_postgres(db) ? "data/postgres" : db;
  path += std::string{suffix};
  return path;
}

std::size_t reading_threads(ServerConfig const& config) {
  if (config.read_threads) return *config.read_threads;
  return storage::names_postgres(config.db) ? config.read_connections : 0;
}

std::filesystem::path audit_key_file(ServerConfig const& config) {
  return config.audit_key_file.empty() ? beside(config.db, ".audit-key") : config.audit_key_file;
}

std::filesystem::path audit_anchor_file(ServerConfig const& config) {
  return config.audit_anchor_file.empty() ? beside(config.db, ".anchors")
                                          : config.audit_anchor_file;
}

Status apply_config_text(ServerConfig& config, std::string_view text) {
  for (auto const& [number, line] : meaningful_lines(text)) {
    auto const eq = line.find('=');
    auto const where = fmt::format("line {}", number);
    if (eq == std::string_view::npos) return validation_error(where, "expected `key = value`");
    auto const key = trim(line.substr(0, eq));
    auto const value = trim(line.substr(eq + 1));
    if (!apply(config, key, value)) {
      return validation_error(where, fmt::format("unknown setting or bad value: {}", key));
    }
  }
  return ok();
}

Status apply_config_file(ServerConfig& config, std::filesystem::path const& path) {
  std::ifstream in{path};
  if (!in) return make_error(Errc::NotFound, fmt::format("cannot read {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  auto applied = apply_config_text(config, text.str());
  if (!applied) {
    return make_error(
        Errc::Validation,
        fmt::format("{}: {}: {}", path.string(), applied.error().field, applied.error().message));
  }
  return ok();
}

Result<ServerConfig> config_from_command_line(CommandLine const& line) {
  ServerConfig config = default_config();
  if (auto file = line.option("--config")) {
    if (auto s = apply_config_file(config, *file); !s) return s.error();
  }
  struct Flag {
    char const* flag;
    char const* key;
  };
  for (auto const& [flag, key] : {Flag{"--host", "host"}, Flag{"--port", "port"},
                                  Flag{"--db", "db"}, Flag{"--web-root", "web_root"},
                                  Flag{"--threads", "threads"}, Flag{"--calendar", "calendar"}}) {
    if (auto value = line.option(flag)) {
      if (!apply(config, key, *value))
        return validation_error(flag, fmt::format("bad value for {}", flag));
    }
  }
  if (line.has("--demo")) config.demo = true;
  return config;
}

}  // namespace joldama::server
