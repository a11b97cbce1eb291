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
  void log_grew(int frames);
  // Stops the thread and closes the connection. Idempotent.
  void stop();

  std::uint64_t checkpoints() const;

 private:
  Checkpointer(Database db, int threshold_frames, int nice);
  void run();

  Database db_;
  int const threshold_frames_;
  int const nice_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace joldama::storage
