// joldama-torture: crashes the real server again and again under load and proves that nothing
// acknowledged is ever lost. On a SQLite file (the default) one server; on a PostgreSQL database
// (--db postgresql://…) one or several (--servers N), of which one at a time is killed while the
// others go on serving.
//
// Workers drive journeys over HTTP (register a patient and a referral, submit, the commission
// approves, the ministry approves against the quota), every POST with its own Idempotency-Key.
// A request without an answer (the server died under it) is sent again, with the same key and
// body, until it is answered: the client a hospital would run. Meanwhile the server is killed
// with SIGKILL at random moments and started again on the same database. After every kill:
//   - PRAGMA integrity_check is ok and `joldama verify-audit` passes;
//   - every command that got a 2xx is in the database with its effects (the referral exists,
//     its version is at least the acknowledged one, its audit trail holds the action);
//   - every quota's `reserved` and `used` equal the referrals that hold its units;
//   - no retried command was done twice (one referral per patient);
//   - replaying an acknowledged command's key returns the original response, byte for byte;
//   - every read of a referral that was answered 200 left its audit event (reads are recorded
//     durably before they are answered).
// Then, on SQLite, the disk fills up (RLIMIT_FSIZE): writes are answered 503 with a clear error,
// nothing acknowledged is lost, and once space returns the server writes again without a
// restart. (PostgreSQL's own disk is the database server's, not the program's to fill.)
// On PostgreSQL the checks run while the other servers keep writing, on one snapshot; the
// integrity of the file is SQLite's question alone.
//
//   joldama-torture --binary build/joldama [--db FILE|URI] [--servers 1] [--kills 20]
//                   [--seconds-between 2] [--workers 4] [--seed N] [--keep DIR]
//                   [--failover COMMAND]
//
// With --failover (PostgreSQL; see scripts/pg-failover-drill) no server is killed: after
// --seconds-between of load the COMMAND is run (it stops the primary hard and promotes its
// standby; the URI names both, with target_session_attrs=read-write), the servers find the
// promoted database themselves, and the drill says how long writes were refused, then checks
// everything acknowledged, before the failover and after, on the promoted database.

#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/engine.hpp"
#include "storage/sqlite.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace {

namespace json = boost::json;
using joldama::testing::HttpClient;
using joldama::testing::HttpReply;
using joldama::testing::ServeProcess;
namespace storage = joldama::storage;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string binary;
  std::string db;  // a PostgreSQL URI, or empty for a SQLite file of the torture's own
  int servers = 1;
  int kills = 20;
  double seconds_between = 2.0;
  int workers = 4;
  unsigned seed = std::random_device{}();
  std::string keep;
  std::string failover;  // a command that fails the database over to its standby
};

// A command that got a 2xx, as the client saw it.
struct Ack {
  std::string login;
  std::string method;
  std::string target;
  std::string body;
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers;
  int status = 0;
  std::string response;
  std::int64_t referral_id = 0;  // 0 for a patient
  std::int64_t version = 0;
  std::string action;  // "register" for a new referral, the action otherwise
};

// A command about to be sent.
Ack command(std::string login, std::string target, std::string body, std::string key) {
  Ack ack;
  ack.login = std::move(login);
  ack.method = "POST";
  ack.target = std::move(target);
  ack.body = std::move(body);
  ack.key = std::move(key);
  return ack;
}

bool has_row(storage::Statement& statement) {
  auto const row = statement.step();
  return row && *row;
}

int failures = 0;

void fail(std::string const& what) {
  ++failures;
  fmt::print(stderr, "torture: FAILED: {}\n", what);
}

// The servers of one database, started, killed and started again.
class Bureau {
 public:
  Bureau(Options options, std::filesystem::path dir)
      : options_(std::move(options)),
        dir_(std::move(dir)),
        location_(options_.db.empty() ? (dir_ / "bureau.db").string() : options_.db),
        servers_(static_cast<std::size_t>(options_.servers)) {}

  bool postgres() const { return storage::names_postgres(location_); }

  // Starts every server (with --demo: only the first start of an empty database fills it).
  bool start_all() {
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      if (!start(i)) return false;
    }
    return true;
  }

  // Starts server `i`; returns false if it did not come up. `file_size_limit` (SQLite) makes
  // its files stop growing at that size.
  bool start(std::size_t i, std::optional<rlim_t> file_size_limit = std::nullopt) {
    std::vector<std::string> arguments{"--demo"};
    if (postgres()) {
      // One audit key for every server of the database; an anchor file each.
      auto const config = dir_ / fmt::format("server-{}.conf", i);
      std::FILE* file = std::fopen(config.c_str(), "w");
      if (!file) return false;
      fmt::print(file, "audit_key_file = {}\naudit_anchor_file = {}\n", key_file().string(),
                 anchor_file(i).string());
      std::fclose(file);
      arguments.insert(arguments.end(), {"--config", config.string()});
    }
    if (file_size_limit) {
      // The child inherits both: writes beyond the limit fail with EFBIG instead of killing it.
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit limit{*file_size_limit, RLIM_INFINITY};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::filesystem::path const log = dir_ / fmt::format("server-{}-{}.log", i, ++starts_);
    auto process = std::make_unique<ServeProcess>(location_, arguments,
                                                  file_size_limit ? "/dev/null" : log);
    if (file_size_limit) {
      rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
      ::setrlimit(RLIMIT_FSIZE, &unlimited);
      ::signal(SIGXFSZ, SIG_DFL);
    }
    auto const port = process->wait_for_port();
    if (port == 0) return false;
    std::lock_guard lock{mutex_};
    servers_[i] = Server{std::move(process), port};
    return true;
  }

  void kill(std::size_t i) {
    std::unique_ptr<ServeProcess> process;
    {
      std::lock_guard lock{mutex_};
      process = std::move(servers_[i].process);
      servers_[i].port = 0;
    }
    if (process) process->stop(SIGKILL);
  }

  // Stops every server with SIGTERM; 0 when each stopped cleanly.
  int stop_all_cleanly() {
    int status = 0;
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      std::unique_ptr<ServeProcess> process;
      {
        std::lock_guard lock{mutex_};
        process = std::move(servers_[i].process);
        servers_[i].port = 0;
      }
      int const stopped = process ? process->stop(SIGTERM) : -1;
      if (stopped != 0) status = stopped;
    }
    return status;
  }

  // Lets the running server's writes grow files without limit again (space has returned).
  void lift_file_size_limit() {
    std::lock_guard lock{mutex_};
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    auto const& process = servers_.front().process;
    if (process && ::prlimit(process->pid(), RLIMIT_FSIZE, &unlimited, nullptr) != 0) {
      fail("prlimit failed");
    }
  }

  // The port of a running server, taking them in turn; 0 while none runs.
  std::uint16_t port() {
    std::lock_guard lock{mutex_};
    for (std::size_t tried = 0; tried < servers_.size(); ++tried) {
      auto const& server = servers_[next_++ % servers_.size()];
      if (server.port != 0) return server.port;
    }
    return 0;
  }

  std::size_t servers() const { return servers_.size(); }
  std::string const& location() const { return location_; }
  std::filesystem::path key_file() const {
    return postgres() ? dir_ / "audit-key" : std::filesystem::path{location_ + ".audit-key"};
  }
  std::filesystem::path anchor_file(std::size_t i) const {
    return postgres() ? dir_ / fmt::format("anchors-{}", i)
                      : std::filesystem::path{location_ + ".anchors"};
  }
  Options const& options() const { return options_; }

 private:
  struct Server {
    std::unique_ptr<ServeProcess> process;
    std::uint16_t port = 0;
  };
  Options options_;
  std::filesystem::path dir_;
  std::string location_;
  mutable std::mutex mutex_;
  std::vector<Server> servers_;
  std::size_t next_ = 0;
  int starts_ = 0;
};

class Torture {
 public:
  Torture(Bureau& bureau) : bureau_(bureau) {}

  // Signs in the three people of the journey; their sessions live in the database and so
  // survive every crash.
  bool sign_in() {
    for (auto const* login : {"doctor", "commission", "republic"}) {
      try {
        tokens_[login] = joldama::testing::sign_in(bureau_.port(), login);
      } catch (std::runtime_error const& e) {
        fail(e.what());
        return false;
      }
    }
    // The receiving hospital of every talon: one that treats the journeys' cardiac surgery and
    // takes high-technology cases.
    HttpClient doctor{bureau_.port()};
    doctor.use_token(tokens_["doctor"]);
    auto const orgs =
        doctor.get("/api/v1/organizations?kind=hospital&profile=cardiac_surgery&route=high_tech")
            .json();
    if (orgs.is_array() && !orgs.as_array().empty()) {
      hospital_id_ = orgs.as_array().front().at("id").as_int64();
    }
    return hospital_id_ != 0;
  }

  // The workers' loop: journeys until `stop_`.
  void run_workers(int count) {
    for (int i = 0; i < count; ++i) {
      workers_.emplace_back([this, i] { work(static_cast<unsigned>(i)); });
    }
  }

  void stop_workers() {
    stop_ = true;
    for (auto& worker : workers_) worker.join();
    workers_.clear();
    stop_ = false;
  }

  // Sends one command until it is answered (the server may be down for a while); the answer, or
  // status 0 if `stop_` came first.
  HttpReply send(Ack& command) {
    auto const deadline = Clock::now() + std::chrono::seconds{120};
    while (Clock::now() < deadline) {
      auto const port = bureau_.port();
      auto const attempted = Clock::now();
      if (port != 0) {
        HttpClient client{port};
        auto headers = command.headers;
        headers.emplace_back("authorization", "Bearer " + tokens_.at(command.login));
        headers.emplace_back("content-type", "application/json");
        headers.emplace_back("idempotency-key", command.key);
        auto reply = client.request(command.method, command.target, command.body, headers);
        // No answer, or the server said it is unavailable (shutting down, disk full): again.
        if (reply.status != 0 && reply.status != 503) {
          if (reply.status < 300) answered_after(attempted);
          return reply;
        }
        if (reply.status == 503) ++unavailable_;
      }
      if (failed_over_) refused(attempted);
      if (stop_) return HttpReply{};
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    fail(fmt::format("no answer for two minutes to {} {}", command.method, command.target));
    return HttpReply{};
  }

  void refused(Clock::time_point attempted) {
    ++refused_since_failover_;
    std::lock_guard lock{mutex_};
    if (!first_refused_) first_refused_ = attempted;
  }

  void answered_after(Clock::time_point attempted) {
    std::lock_guard lock{mutex_};
    if (failed_over_ && first_refused_ && !first_write_after_ && attempted > *first_refused_) {
      first_write_after_ = Clock::now();
    }
  }

  void record(Ack ack) {
    std::lock_guard lock{mutex_};
    acks_.push_back(std::move(ack));
  }

  std::vector<Ack> acks() const {
    std::lock_guard lock{mutex_};
    return acks_;
  }

  std::size_t unavailable() const { return unavailable_; }

  // The database is failing over from now on: writes are timed from the first one refused.
  void failing_over() {
    std::lock_guard lock{mutex_};
    first_refused_.reset();
    first_write_after_.reset();
    failed_over_ = true;
  }
  // From the first write refused after failing_over() to the first acknowledged of those
  // attempted after it, once there was one.
  std::optional<Clock::duration> writes_refused_for() const {
    std::lock_guard lock{mutex_};
    if (!first_refused_ || !first_write_after_) return std::nullopt;
    return *first_write_after_ - *first_refused_;
  }
  std::size_t refused_since_failover() const { return refused_since_failover_; }

  // A journey's first step alone, for the disk-full phase: the reply as it came (no retry);
  // recorded as acknowledged when it is a 201.
  HttpReply register_patient_once(std::string const& iin) {
    HttpClient client{bureau_.port()};
    auto patient =
        command("doctor", "/api/v1/patients", json::serialize(patient_body(iin)), "disk-" + iin);
    auto reply = client.request(patient.method, patient.target, patient.body,
                                {{"authorization", "Bearer " + tokens_.at("doctor")},
                                 {"content-type", "application/json"},
                                 {"idempotency-key", patient.key}});
    if (reply.status == 201) ack(std::move(patient), reply, 0, 0, "patient");
    return reply;
  }

  std::map<std::string, std::string> const& tokens() const { return tokens_; }

 private:
  static json::object patient_body(std::string const& iin) {
    return json::object{{"iin", iin},           {"last_name", "Сынақ"},
                        {"first_name", "Әсел"}, {"birth_date", "1980-05-17"},
                        {"sex", "female"},      {"residency", "citizen"},
                        {"region", "75"},       {"insured", true}};
  }

  void work(unsigned worker) {
    std::mt19937 random{bureau_.options().seed + worker};
    int journey = 0;
    while (!stop_) {
      ++journey;
      auto const prefix = fmt::format("w{}-j{}-{}", worker, journey, random());
      auto patient = command("doctor", "/api/v1/patients",
                             json::serialize(patient_body(joldama::testing::fresh_iin())),
                             prefix + "-patient");
      auto reply = send(patient);
      if (reply.status == 0) return;
      if (reply.status != 201) {
        fail(fmt::format("patient: {} {}", reply.status, reply.body));
        return;
      }
      auto const iin = std::string{json::parse(patient.body).at("iin").as_string()};
      ack(patient, reply, 0, 0, "patient");

      auto referral = command(
          "doctor", "/api/v1/referrals",
          json::serialize(json::object{{"patient_iin", iin},
                                       {"icd10", "I25.1"},
                                       {"profile", "cardiac_surgery"},
                                       {"urgency", random() % 4 == 0 ? "urgent" : "routine"},
                                       {"care_form", "inpatient"},
                                       {"justification", "Нагрузочная стенокардия"}}),
          prefix + "-referral");
      reply = send(referral);
      if (reply.status == 0) return;
      if (reply.status != 201) {
        fail(fmt::format("referral: {} {}", reply.status, reply.body));
        return;
      }
      auto const created = json::parse(reply.body);
      auto const id = created.at("id").as_int64();
      auto version = created.at("version").as_int64();
      ack(referral, reply, id, version, "register");

      struct Step {
        std::string login;
        std::string action;
        json::object body;
      };
      std::vector<Step> const steps{
          {"doctor", "submit", {}},
          {"commission", "approve", {{"protocol", "П-" + std::to_string(id)}}},
          {"republic", "approve", {{"hospital_id", hospital_id_}}},
      };
      for (auto const& step : steps) {
        if (stop_) return;
        auto action = command(
            step.login, fmt::format("/api/v1/referrals/{}/actions/{}", id, step.action),
            json::serialize(step.body), fmt::format("{}-{}-{}", prefix, step.login, step.action));
        action.headers.emplace_back("if-match", fmt::format("\"{}\"", version));
        reply = send(action);
        if (reply.status == 0) return;
        if (reply.status != 200) {
          fail(fmt::format("{} {} of {}: {} {}", step.login, step.action, id, reply.status,
                           reply.body));
          return;
        }
        version = json::parse(reply.body).at("version").as_int64();
        ack(action, reply, id, version, step.action);
        read(step.login, id);
      }
    }
  }

  // Reads the referral as `login` once; an answered read is acknowledged as one.
  void read(std::string const& login, std::int64_t id) {
    auto const port = bureau_.port();
    if (port == 0) return;
    HttpClient client{port};
    Ack read{login, "GET", fmt::format("/api/v1/referrals/{}", id), {}, {}, {}, 0, {}, id, 0,
             "read_referral"};
    auto const reply =
        client.request(read.method, read.target, {}, {{"authorization", "Bearer " + tokens_.at(login)}});
    if (reply.status != 200) return;  // killed under it, or unavailable: not acknowledged
    read.status = reply.status;
    record(std::move(read));
  }

  void ack(Ack command, HttpReply const& reply, std::int64_t id, std::int64_t version,
           std::string action) {
    command.status = reply.status;
    command.response = reply.body;
    command.referral_id = id;
    command.version = version;
    command.action = std::move(action);
    record(std::move(command));
  }

  Bureau& bureau_;
  std::map<std::string, std::string> tokens_;
  std::int64_t hospital_id_ = 0;
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> unavailable_{0};
  std::atomic<bool> failed_over_{false};
  std::atomic<std::size_t> refused_since_failover_{0};
  std::optional<Clock::time_point> first_refused_;
  std::optional<Clock::time_point> first_write_after_;
  mutable std::mutex mutex_;
  std::vector<Ack> acks_;
};

// The checks on the database: with every server stopped (SQLite), or on one snapshot while the
// others go on writing (PostgreSQL).
void check_database(Bureau const& bureau, std::vector<Ack> const& acks, std::string const& when) {
  {
    auto opened = storage::connect(bureau.location());
    if (!opened) return fail(when + ": cannot open the database: " + opened.error().message);
    auto& db = **opened;
    if (db.dialect() == storage::Dialect::Sqlite) {
      if (auto const integrity = joldama::testing::scalar_text(db, "PRAGMA integrity_check");
          integrity != "ok") {
        fail(when + ": integrity_check: " + integrity);
      }
      if (auto const keys =
              joldama::testing::scalar_text(db, "SELECT count(*) FROM pragma_foreign_key_check");
          keys != "0") {
        fail(when + ": dangling references: " + keys);
      }
    } else if (auto s = db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !s) {
      return fail(when + ": " + s.error().message);
    }
    // Every quota's counters are the referrals holding its units.
    auto const quota_mismatch =
        joldama::testing::scalar_text(db, joldama::testing::kQuotasWhoseCountersDisagree);
    if (quota_mismatch != "0") fail(when + ": quotas whose counters disagree: " + quota_mismatch);
    // A command sent again after a crash was never done twice.
    auto const doubled = joldama::testing::scalar_text(db, R"(
      SELECT count(*) FROM (SELECT r.patient_id FROM referrals r JOIN patients p
                            ON p.id = r.patient_id WHERE p.last_name = 'Сынақ'
                            GROUP BY r.patient_id HAVING count(*) > 1) AS doubled)");
    if (doubled != "0") fail(when + ": patients with a referral registered twice: " + doubled);

    // Every answered read left its event: as many of each reader's reads of each referral as
    // were answered, at least.
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> reads;
    for (auto const& ack : acks) {
      if (ack.action == "read_referral") ++reads[{ack.referral_id, ack.login}];
    }
    // Reads are indexed by partition of the log (migration 7): count in each.
    auto const partitions =
        std::stoll(joldama::testing::scalar_text(db, "SELECT coalesce(max(seq), 0) FROM audit")) /
            1048576 + 1;
    for (auto const& [who, answered] : reads) {
      std::int64_t recorded = 0;
      for (std::int64_t partition = 0; partition < partitions; ++partition) {
        auto in_partition = db.prepare(
            "SELECT count(*) FROM audit WHERE seq / 1048576 = ?1 AND referral_id = ?2 "
            "AND action IN ('read_referral', 'read_attachment') AND action = 'read_referral' "
            "AND actor = ?3");
        if (!in_partition) return fail(when + ": " + in_partition.error().message);
        in_partition->bind(1, partition);
        in_partition->bind(2, who.first);
        in_partition->bind(3, who.second);
        if (has_row(*in_partition)) recorded += in_partition->int64(0);
      }
      if (recorded < answered) {
        fail(fmt::format("{}: {} answered reads of referral {} by {}, {} recorded", when, answered,
                         who.first, who.second, recorded));
      }
    }

    for (auto const& ack : acks) {
      if (ack.action == "read_referral") continue;
      if (ack.action == "patient") {
        auto const iin = std::string{json::parse(ack.body).at("iin").as_string()};
        auto patient = db.prepare("SELECT count(*) FROM patients WHERE iin = ?1");
        if (!patient) return fail(when + ": " + patient.error().message);
        patient->bind(1, iin);
        if (!has_row(*patient) || patient->int64(0) != 1) {
          fail(fmt::format("{}: acknowledged patient {} is missing", when, iin));
        }
        continue;
      }
      auto version = db.prepare("SELECT version FROM referrals WHERE id = ?1");
      if (!version) return fail(when + ": " + version.error().message);
      version->bind(1, ack.referral_id);
      if (!has_row(*version)) {
        fail(fmt::format("{}: acknowledged referral {} is missing", when, ack.referral_id));
        continue;
      }
      if (version->int64(0) < ack.version) {
        fail(fmt::format("{}: referral {} is at version {}, {} was acknowledged", when,
                         ack.referral_id, version->int64(0), ack.version));
      }
      // An acknowledged command is never a read: said so, the referral's events are found
      // through audit_history rather than by a scan of the whole log (migration 7).
      auto audited = db.prepare(
          "SELECT count(*) FROM audit WHERE referral_id = ?1 AND action = ?2 "
          "AND action NOT IN ('read_referral', 'read_attachment')");
      if (!audited) return fail(when + ": " + audited.error().message);
      audited->bind(1, ack.referral_id);
      audited->bind(2, ack.action);
      if (!has_row(*audited) || audited->int64(0) < 1) {
        fail(fmt::format("{}: the audit trail of referral {} lacks its acknowledged {}", when,
                         ack.referral_id, ack.action));
      }
    }
  }  // closed before verify-audit opens it

  // The chain, and each server's anchors of it (once it has made any).
  for (std::size_t i = 0; i < bureau.servers(); ++i) {
    std::string output;
    std::error_code ec;
    auto const anchors = std::filesystem::exists(bureau.anchor_file(i), ec)
                             ? fmt::format(" --anchors '{}'", bureau.anchor_file(i).string())
                             : std::string{};
    FILE* pipe = ::popen(fmt::format("'{}' verify-audit --db '{}' --key '{}'{} 2>&1",
                                     bureau.options().binary, bureau.location(),
                                     bureau.key_file().string(), anchors)
                             .c_str(),
                         "r");
    char buffer[512];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    int const status = ::pclose(pipe);
    if (status != 0 || !output.starts_with("ok ")) fail(when + ": verify-audit: " + output);
  }
}

// Replaying an acknowledged command's key returns the original answer.
void check_replays(Torture& torture, Bureau& bureau, std::vector<Ack> const& acks,
                   std::string const& when) {
  for (auto const& ack : acks) {
    if (ack.key.empty()) continue;  // a read: nothing to replay
    HttpClient client{bureau.port()};
    auto headers = ack.headers;
    headers.emplace_back("authorization", "Bearer " + torture.tokens().at(ack.login));
    headers.emplace_back("content-type", "application/json");
    headers.emplace_back("idempotency-key", ack.key);
    auto const reply = client.request(ack.method, ack.target, ack.body, headers);
    if (reply.status != ack.status || reply.body != ack.response) {
      fail(fmt::format("{}: replaying {} {} gave {} {:.200}, first {} {:.200}", when, ack.method,
                       ack.target, reply.status, reply.body, ack.status, ack.response));
    }
  }
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string const flag = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (flag == "--binary")
      options.binary = value();
    else if (flag == "--db")
      options.db = value();
    else if (flag == "--servers")
      options.servers = std::atoi(value().c_str());
    else if (flag == "--kills")
      options.kills = std::atoi(value().c_str());
    else if (flag == "--seconds-between")
      options.seconds_between = std::atof(value().c_str());
    else if (flag == "--workers")
      options.workers = std::atoi(value().c_str());
    else if (flag == "--seed")
      options.seed = static_cast<unsigned>(std::atol(value().c_str()));
    else if (flag == "--keep")
      options.keep = value();
    else if (flag == "--failover")
      options.failover = value();
    else
      return std::nullopt;
  }
  if (options.binary.empty() || options.kills < 1 || options.workers < 1 ||
      options.seconds_between <= 0 || options.servers < 1 || options.servers > 8) {
    return std::nullopt;
  }
  if (!options.failover.empty() && !storage::names_postgres(options.db)) {
    fmt::print(stderr, "torture: a failover is PostgreSQL's (--db postgresql://…)\n");
    return std::nullopt;
  }
  if (options.servers > 1 && !storage::names_postgres(options.db)) {
    fmt::print(stderr, "torture: several servers share a PostgreSQL database (--db postgresql://…)\n");
    return std::nullopt;
  }
  return options;
}

// The database fails over under load: the servers stay up and find the promoted standby
// themselves; everything acknowledged, before and after, is on it.
int failover(Options const& options, Bureau& bureau, Torture& torture) {
  auto const seconds = std::chrono::duration<double>(options.seconds_between);
  std::this_thread::sleep_for(seconds);
  auto const before = torture.acks().size();
  fmt::print("failover: {} commands acknowledged; now: {}\n", before, options.failover);
  std::fflush(stdout);
  torture.failing_over();
  if (int const status = std::system(options.failover.c_str()); status != 0) {
    fail(fmt::format("the failover command exited with {}", status));
  }
  // Until a write is acknowledged again, then as long again under load.
  auto const deadline = Clock::now() + std::chrono::seconds{120};
  while (failures == 0 && !torture.writes_refused_for() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  auto const refused_for = torture.writes_refused_for();
  if (!refused_for) fail("no write was acknowledged within two minutes of the failover");
  std::this_thread::sleep_for(seconds);
  torture.stop_workers();
  auto const acks = torture.acks();
  check_replays(torture, bureau, acks, "after the failover");
  if (bureau.stop_all_cleanly() != 0) fail("the servers did not stop cleanly");
  check_database(bureau, acks, "after the failover");
  if (failures > 0) {
    fmt::print(stderr, "failover: {} failures (kept in {})\n", failures,
               options.keep.empty() ? "nothing; say --keep DIR" : options.keep);
    return 1;
  }
  fmt::print(
      "failover: ok: writes refused for {:.2f} s (from the first refused to the first "
      "acknowledged on the promoted standby; {} attempts refused meanwhile and sent again); {} "
      "commands acknowledged before the failover and {} after, all on the promoted database, "
      "replays identical\n",
      std::chrono::duration<double>(*refused_for).count(), torture.refused_since_failover(),
      before, acks.size() - before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto const options = parse(argc, argv);
  if (!options) {
    fmt::print(stderr,
               "usage: joldama-torture --binary PATH [--db FILE|URI] [--servers 1] [--kills 20] "
               "[--seconds-between 2] [--workers 4] [--seed N] [--keep DIR] "
               "[--failover COMMAND]\n");
    return 2;
  }
  joldama::testing::TempDir temp;
  std::filesystem::path const dir =
      options->keep.empty() ? temp.path() : std::filesystem::path{options->keep};
  std::filesystem::create_directories(dir);
  fmt::print("torture: {}, {} workers, {} server{} on {}, seed {}, in {}\n",
             options->failover.empty()
                 ? fmt::format("{} kills, up to {}s apart", options->kills, options->seconds_between)
                 : fmt::format("a failover after {}s", options->seconds_between),
             options->workers, options->servers,
             options->servers > 1 ? "s" : "",
             storage::names_postgres(options->db) ? "PostgreSQL" : "SQLite", options->seed,
             dir.string());
  std::fflush(stdout);

  Bureau bureau{*options, dir};
  if (!bureau.start_all()) {
    fmt::print(stderr, "torture: the server did not start\n");
    return 1;
  }
  Torture torture{bureau};
  if (!torture.sign_in()) return 1;
  torture.run_workers(options->workers);
  if (!options->failover.empty()) return failover(*options, bureau, torture);

  std::mt19937 random{options->seed};
  std::uniform_real_distribution<double> pause{0.2, options->seconds_between};
  std::size_t checked = 0;
  // Up to `count` of `acks`, drawn at random.
  auto sample = [&random](std::vector<Ack> const& acks, std::size_t count) {
    std::vector<Ack> drawn;
    std::sample(acks.begin(), acks.end(), std::back_inserter(drawn), count, random);
    return drawn;
  };
  for (int kill = 1; kill <= options->kills && failures == 0; ++kill) {
    std::this_thread::sleep_for(std::chrono::duration<double>(pause(random)));
    // One server at a time: the others go on serving meanwhile.
    std::size_t const victim = random() % bureau.servers();
    bureau.kill(victim);
    auto const acks = torture.acks();
    auto const when = fmt::format("after kill {}", kill);
    // Everything acknowledged since the last kill, and a sample of what came before.
    std::vector<Ack> const earlier(acks.begin(),
                                   acks.begin() + static_cast<std::ptrdiff_t>(checked));
    std::vector<Ack> recent(acks.begin() + static_cast<std::ptrdiff_t>(checked), acks.end());
    auto to_check = recent;
    for (auto& ack : sample(earlier, 300)) to_check.push_back(std::move(ack));
    check_database(bureau, to_check, when);
    if (!bureau.start(victim)) {
      fail(when + ": the server did not start again");
      break;
    }
    auto to_replay = sample(recent, 300);
    for (auto& ack : sample(earlier, 50)) to_replay.push_back(std::move(ack));
    check_replays(torture, bureau, to_replay, when);
    checked = acks.size();
    fmt::print("torture: kill {:2} (server {}): {} commands acknowledged so far, all present\n",
               kill, victim, acks.size());
    std::fflush(stdout);
  }
  torture.stop_workers();
  if (bureau.stop_all_cleanly() != 0) fail("the last servers did not stop cleanly");
  check_database(bureau, torture.acks(), "at the end");

  // The disk fills up: no file may grow beyond 2 MiB (the write-ahead log, emptied by the clean
  // stop, soon reaches that; the database file is larger already, so checkpoints fail too).
  // SQLite's alone: PostgreSQL's disk is its server's.
  if (failures == 0 && !bureau.postgres()) {
    if (!bureau.start(0, 2 * 1024 * 1024)) {
      fail("the server did not start with a small file size limit");
    } else {
      int refused = 0;
      int accepted_before = 0;
      std::string refusal;
      for (int i = 0; i < 5000 && refused == 0; ++i) {
        auto const reply = torture.register_patient_once(joldama::testing::fresh_iin());
        if (reply.status == 201) {
          ++accepted_before;
        } else if (reply.status == 503) {
          ++refused;
          refusal = reply.body;
        } else {
          fail(fmt::format("disk full: registration answered {} {}", reply.status, reply.body));
          break;
        }
      }
      if (refused == 0) {
        fail("disk full: 5000 registrations and never a 503");
      } else {
        auto const code = json::parse(refusal).at("error").at("code").as_string();
        if (code != "storage_full") {
          fail("disk full: the 503 is not a clear error: " + refusal);
        }
        fmt::print("torture: disk full after {} registrations: 503 {}\n", accepted_before, refusal);
      }
      // Space returns: the same server writes again.
      bureau.lift_file_size_limit();
      bool recovered = false;
      for (int i = 0; i < 100 && !recovered; ++i) {
        recovered = torture.register_patient_once(joldama::testing::fresh_iin()).status == 201;
        if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds{100});
      }
      if (!recovered) fail("disk full: the server did not write again once space returned");
      if (bureau.stop_all_cleanly() != 0) fail("disk full: the server did not stop cleanly");
      check_database(bureau, torture.acks(), "after the disk was full");
    }
  }

  if (failures > 0) {
    fmt::print(stderr, "torture: {} failures (database kept in {})\n", failures, dir.string());
    if (options->keep.empty()) {
      // Keep the evidence.
      auto const kept = std::filesystem::temp_directory_path() / "joldama-torture-failed";
      std::error_code ignored;
      std::filesystem::remove_all(kept, ignored);
      std::filesystem::copy(dir, kept, std::filesystem::copy_options::recursive, ignored);
      fmt::print(stderr, "torture: copied to {}\n", kept.string());
    }
    return 1;
  }
  fmt::print(
      "torture: ok: {} kills, {} commands acknowledged and all present, {} answers 503 "
      "while down or full, replays identical{}\n",
      options->kills, torture.acks().size(), torture.unavailable(),
      bureau.postgres() ? "" : ", disk-full refused and recovered");
  return 0;
}
