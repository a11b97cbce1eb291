#pragma once
// Moves committed pages from the write-ahead log into the database file on a thread and a
// connection of its own, so that the writer never stops to do it (SQLite would otherwise make
// the commit that grows the log past its limit copy the whole log). The writer only tells it
// how long the log has grown. Passive: it never waits for a reader or for the writer, and
// anything it has not copied yet stays safe in the log.

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite.hpp"

namespace joldama::storage {

class Checkpointer {
 public:
  // Copies the log into the database once it holds `threshold_frames` pages.
  static Result<std::unique_ptr<Checkpointer>> start(std::filesystem::path const& path,
                                                     int threshold_frames, int nice);
  ~Checkpointer();

  // Called by the writer after each commit with the log's length in pages. Cheap; thread-safe.
  // True when the log has outgrown the checkpointer: then the writer must copy it itself, now.
  //
  // Under a constant stream of commits the checkpointer's copy never reaches the end of the log
  // (frames are appended while it copies), and SQLite starts the log over only after a
  // checkpoint has copied all of it: the log would grow without end. Between two commits, on
  // the writer's own connection, nothing is appended meanwhile, so that checkpoint completes.
  bool log_grew(int frames);
  // The writer's own checkpoint, when the log has outgrown this thread: copies the log on the
  // writer's connection, between two of its commits, and counts it with this thread's. Busy
  // only while this thread is copying; the next commit tries again.
  void checkpoint_on_writers_connection(sqlite3* writer_connection);

  // The log's length, in multiples of the threshold, at which the writer steps in.
  static constexpr int kOvergrown = 4;
  // Stops the thread and closes the connection. Idempotent.
  void stop();

  // Checkpoints made, by this thread or by the writer; those given up because another
  // connection was copying the log (SQLITE_BUSY): the next commit asks again; and those that
  // failed (the disk full, say), each also reported on stderr: the log keeps what they did not
  // copy, and grows until one succeeds.
  struct Counts {
    std::uint64_t made = 0;
    std::uint64_t found_busy = 0;
    std::uint64_t failed = 0;
  };
  Counts counts() const;

 private:
  Checkpointer(SqliteDatabase db, int threshold_frames, int nice);
  void run();
  // Copies what it can of the log into the database on `connection` (passive), counts the
  // checkpoint by what SQLite answered, and reports a failure as `whose` checkpoint.
  void checkpoint(sqlite3* connection, char const* whose);

  SqliteDatabase db_;
  int const threshold_frames_;
  int const nice_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  Counts counts_;
  std::thread thread_;
};

}  // namespace joldama::storage
