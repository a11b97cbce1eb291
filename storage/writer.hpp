#pragma once
// The single writer. Every write command in the process goes through one Writer, which owns the
// only read-write connection and runs commands on its own thread, in arrival order.
//
// Each command runs in its own SAVEPOINT inside a BEGIN IMMEDIATE transaction: a command that
// fails rolls back alone. With max_batch = 1 every command is its own transaction; with more,
// up to max_batch queued commands share one commit (group commit), and each is acknowledged
// only after that commit is durable (WAL, synchronous=FULL).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

struct WriterOptions {
  std::size_t max_batch = 1;  // commands that may share one commit
};

class Writer final : public Transactor {
 public:
  // Opens (creating if needed) and migrates the database, then starts the writer thread.
  static Result<std::unique_ptr<Writer>> start(std::filesystem::path const& path,
                                               WriterOptions options = {});
  ~Writer() override;

  void submit(Work work, Done done) override;

  // Finishes every queued command, then stops the thread and closes the connection. Commands
  // submitted afterwards fail with Unavailable. Idempotent.
  void stop();

 private:
  struct Item {
    Work work;
    Done done;
  };

  Writer(Database db, WriterOptions options);
  void run();
  void run_batch(std::deque<Item>& batch);

  Database db_;
  SqliteStore store_;
  WriterOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace joldama::storage
