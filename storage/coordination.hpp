#pragma once
// Several servers on one PostgreSQL database (the Coordination port, workflow/ports.hpp):
// - what the others changed reaches each server by LISTEN/NOTIFY: the database's own triggers
//   notify `joldama_accounts` when a user or a session's trust changes, `joldama_calendar` when
//   a day off is announced (schema migration 24), in the transaction of the change, so that the
//   news arrives once it is committed. A connection of its own listens, on a thread of its own;
//   when it breaks it is opened again and the listener is told that anything may have changed.
// - the sweep's turn is a session advisory lock, held on another connection of its own while a
//   server sweeps (and let go with it, should that connection or the server die).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "workflow/ports.hpp"

namespace joldama::storage {

class PgDatabase;

class PostgresCoordination final : public Coordination {
 public:
  explicit PostgresCoordination(std::string conninfo);
  ~PostgresCoordination() override;

  void listen(Listener listener) override;
  Status start() override;
  void stop() override;
  bool begin_sweep_turn() override;
  void end_sweep_turn() override;

 private:
  // Opens the listening connection and listens; false if it cannot now.
  bool connect_listener();
  void run();

  std::string conninfo_;
  Listener listener_;
  std::unique_ptr<PgDatabase> listening_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex turn_mutex_;
  std::unique_ptr<PgDatabase> turn_;
  bool holding_turn_ = false;
};

// The coordination the database at `location` needs: PostgresCoordination for PostgreSQL,
// SoleServer for a SQLite file.
std::unique_ptr<Coordination> coordination_for(std::string const& location);

}  // namespace joldama::storage
