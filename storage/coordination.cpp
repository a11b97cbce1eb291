#include "storage/coordination.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <string_view>

#include "storage/postgres.hpp"
#include "storage/thread_setup.hpp"

namespace joldama::storage {

namespace {

// The advisory lock of the sweep's turn (the writers' is 7470002, the migrations' 7470001).
constexpr char const* kTakeSweepTurn = "SELECT pg_try_advisory_lock(7470003)";
constexpr char const* kEndSweepTurn = "SELECT pg_advisory_unlock(7470003)";

}  // namespace

PostgresCoordination::PostgresCoordination(std::string conninfo)
    : conninfo_(std::move(conninfo)) {}

PostgresCoordination::~PostgresCoordination() {
  stop();
}

void PostgresCoordination::listen(Listener listener) {
  listener_ = std::move(listener);
}

bool PostgresCoordination::connect_listener() {
  auto db = PgDatabase::open(conninfo_);
  if (!db) return false;
  if (!(*db)->exec("LISTEN joldama_accounts; LISTEN joldama_calendar")) return false;
  listening_ = std::move(*db);
  return true;
}

Status PostgresCoordination::start() {
  stopping_ = false;
  if (!connect_listener()) {
    return make_error(Errc::Unavailable,
                      "cannot listen for other servers' changes on the PostgreSQL database");
  }
  thread_ = std::thread([this] { run(); });
  return ok();
}

void PostgresCoordination::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  listening_.reset();
  std::lock_guard lock{turn_mutex_};
  turn_.reset();  // ends the session, and with it any turn it held
  holding_turn_ = false;
}

void PostgresCoordination::run() {
  name_this_thread("changes", 0);
  auto const tell = [this](Change change) {
    if (listener_) listener_(change);
  };
  while (!stopping_) {
    if (!listening_) {
      // Cut off: news committed meanwhile never came. Listen again, then say so.
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
      if (connect_listener()) tell(Change::Anything);
      continue;
    }
    pg_conn* conn = listening_->handle();
    pollfd poller{PQsocket(conn), POLLIN, 0};
    // Wakes at least every 100 ms to see whether it is to stop.
    int const ready = ::poll(&poller, 1, 100);
    if (ready < 0) continue;
    if (ready > 0 && PQconsumeInput(conn) == 0) {
      listening_.reset();  // broken; opened again above
      continue;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
      listening_.reset();
      continue;
    }
    while (PGnotify* notice = PQnotifies(conn)) {
      std::string_view const channel{notice->relname};
      if (channel == "joldama_accounts") tell(Change::Accounts);
      if (channel == "joldama_calendar") tell(Change::Calendar);
      PQfreemem(notice);
    }
  }
}

bool PostgresCoordination::begin_sweep_turn() {
  std::lock_guard lock{turn_mutex_};
  if (!turn_) {
    auto db = PgDatabase::open(conninfo_);
    if (!db) return false;
    turn_ = std::move(*db);
  }
  auto taken = turn_->prepare(kTakeSweepTurn);
  if (!taken) return false;
  auto row = taken->step();
  holding_turn_ = row && *row && taken->int64(0) == 1;
  if (!row) {
    // The connection broke (and with it any lock it held): another next time.
    *taken = Statement{};
    turn_.reset();
  }
  return holding_turn_;
}

void PostgresCoordination::end_sweep_turn() {
  std::lock_guard lock{turn_mutex_};
  if (!holding_turn_ || !turn_) return;
  auto ended = turn_->prepare(kEndSweepTurn);
  if (ended) {
    if (!ended->step()) {
      *ended = Statement{};
      turn_.reset();
    }
  }
  holding_turn_ = false;
}

std::unique_ptr<Coordination> coordination_for(std::string const& location) {
  if (is_postgres_url(location)) return std::make_unique<PostgresCoordination>(location);
  return std::make_unique<SoleServer>();
}

}  // namespace joldama::storage
