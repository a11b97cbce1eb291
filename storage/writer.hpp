#pragma once
// The single writer. Every write command in the process goes through one Writer, which owns the
// only read-write connection and runs commands on its own thread, in arrival order.
//
// Up to max_batch queued commands share one transaction and one commit (group commit); each is
// acknowledged only after that commit is durable (SQLite: WAL, synchronous=FULL; PostgreSQL: its
// WAL flushed, synchronous_commit on). On SQLite the transaction is BEGIN IMMEDIATE, the file's
// one writer; on PostgreSQL, where several servers may write one database, each transaction
// first takes the writers' advisory lock, so that the writers of every server take turns as
// one writer would: a command reads what every earlier command of any server committed, and the
// audit chain, the quota and place ledgers and the sequences never fork.
// A command that fails rolls back alone: a failure that wrote nothing needs no undo; one that
// did makes the writer undo the batch and run it again with each command in its own SAVEPOINT
// (saving the cost of savepoints in the common case). A command's work may therefore run more
// than once; only its last run counts, and it must act on nothing but the Store.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/audit_anchors.hpp"
#include "storage/checkpointer.hpp"
#include "storage/database.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

struct WriterOptions {
  std::size_t max_batch = 1;  // commands that may share one commit
  int cache_kib = 32 * 1024;  // the writer's page cache: the indexes every command walks
  // The writer yields the processor to the threads that answer requests: a burst of queued
  // work (a batch of audit events, say) never holds up an answer, and the writer still runs
  // whenever they wait, which is whenever a write is queued. 0 (the default niceness) to 19.
  int nice = 10;
  // The write-ahead log's length, in 4 KiB pages, at which a checkpoint copies it into the
  // database file (on a thread of its own; see Checkpointer).
  int checkpoint_pages = 4000;
  // The audit chain's keys (plain SHA-256 without them), and where the chain is anchored after
  // commits and at stop. Both must outlive the writer.
  AuditKeys const* audit_keys = nullptr;
  AnchorFile* anchors = nullptr;
};

// How much the writer has done: commits and the commands they carried, and the checkpoints
// that copied SQLite's log into the database file.
struct WriterStatistics {
  std::uint64_t commits = 0;
  std::uint64_t commands = 0;
  std::uint64_t failed_commands = 0;
  std::uint64_t reruns = 0;              // batches run again with a savepoint per command
  std::uint64_t checkpoints = 0;         // copies of the write-ahead log into the database file
  std::uint64_t checkpoints_busy = 0;    // given up: another connection was copying the log
  std::uint64_t checkpoints_failed = 0;  // the disk full, say; the log keeps what was not copied
  std::uint64_t reconnections = 0;       // PostgreSQL: the connection opened again after it broke
  std::size_t queued = 0;                // waiting now
};

// Opens a write transaction on `db` as the writer does: BEGIN IMMEDIATE on SQLite; on
// PostgreSQL a transaction holding the writers' lock. For tools that write outside a server
// (rotating the audit key, say), so that they take their turn with the servers' writers.
Status begin_write(Database& db);

class Writer final : public Transactor {
 public:
  // Opens (creating if needed) and migrates the SQLite file, then starts the writer thread.
  static Result<std::unique_ptr<Writer>> start(std::filesystem::path const& path,
                                               WriterOptions options = {});
  // Connects to the PostgreSQL database (a libpq URI), migrates it, then starts the thread.
  static Result<std::unique_ptr<Writer>> start_postgres(std::string const& conninfo,
                                                        WriterOptions options = {});
  ~Writer() override;

  void submit(Work work, Done done) override;
  WriterStatistics statistics() const;
  void report_figures(FigureSink& sink) const override;

  // Finishes every queued command, then stops the thread and closes the connection. Commands
  // submitted afterwards fail with Unavailable. Idempotent.
  void stop();

 private:
  struct Item {
    Work work;
    Done done;
  };

  // Direct: the batch's commands run one after another in one transaction. Savepoints: each
  // also in its own savepoint, so that one failing after it wrote rolls back alone.
  enum class Isolation { Direct, Savepoints };

  Writer(std::unique_ptr<Database> db, std::unique_ptr<Checkpointer> checkpointer,
         WriterOptions options);
  void run();
  void run_batch(std::deque<Item>& batch);
  // Runs and answers the batch; false (nothing committed or answered) when a Direct run met a
  // command that failed after writing.
  bool attempt(std::deque<Item>& batch, Isolation isolation);
  Status run_work(Item& item);
  // Anchors the audit chain if it has grown enough since the last anchor (or at all, at stop).
  void anchor(bool at_stop);

  std::unique_ptr<Database> db_;
  std::unique_ptr<Checkpointer> checkpointer_;  // SQLite's; PostgreSQL checkpoints itself
  SqliteStore store_;
  WriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> commands_{0};
  std::atomic<std::uint64_t> failed_commands_{0};
  std::atomic<std::uint64_t> reruns_{0};
  std::thread thread_;
};

}  // namespace joldama::storage
