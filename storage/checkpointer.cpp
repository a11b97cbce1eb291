#include "storage/checkpointer.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include "storage/thread_setup.hpp"

namespace joldama::storage {

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(std::filesystem::path const& path,
                                                          int threshold_frames, int nice) {
  // A small cache: copying pages needs none of them twice.
  auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadWrite, 1024);
  if (!db) return db.error();
  // This connection never writes, so it never checkpoints on its own either.
  if (auto s = db->exec("PRAGMA wal_autocheckpoint = 0"); !s) return s.error();
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*db), threshold_frames, nice));
}

Checkpointer::Checkpointer(SqliteDatabase db, int threshold_frames, int nice)
    : db_(std::move(db)),
      threshold_frames_(threshold_frames),
      nice_(nice),
      thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  stop();
}

bool Checkpointer::log_grew(int frames) {
  if (frames < threshold_frames_) return false;
  if (frames >= kOvergrown * threshold_frames_) return true;
  {
    std::lock_guard lock{mutex_};
    if (due_) return false;
    due_ = true;
  }
  wake_.notify_one();
  return false;
}

void Checkpointer::checkpoint_on_writers_connection(sqlite3* writer_connection) {
  checkpoint(writer_connection, "the writer's");
}

void Checkpointer::checkpoint(sqlite3* connection, char const* whose) {
  int const sqlite_result =
      sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  bool const failed = sqlite_result != SQLITE_OK && sqlite_result != SQLITE_BUSY;
  if (failed) {
    fmt::print(stderr, "joldama: {} checkpoint failed: {}\n", whose, sqlite3_errmsg(connection));
  }
  std::lock_guard lock{mutex_};
  if (sqlite_result == SQLITE_OK) ++counts_.made;
  if (sqlite_result == SQLITE_BUSY) ++counts_.found_busy;
  if (failed) ++counts_.failed;
}

void Checkpointer::stop() {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Checkpointer::Counts Checkpointer::counts() const {
  std::lock_guard lock{mutex_};
  return counts_;
}

void Checkpointer::run() {
  name_this_thread("checkpointer", nice_);
  std::unique_lock lock{mutex_};
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || due_; });
    if (stopping_) return;
    lock.unlock();
    checkpoint(db_.handle(), "the checkpointer's");
    lock.lock();
    due_ = false;
  }
}

}  // namespace joldama::storage
