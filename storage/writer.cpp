#include "storage/writer.hpp"

#include <fmt/format.h>

#include <exception>
#include <vector>

#include "storage/migrations.hpp"

namespace joldama::storage {

Result<std::unique_ptr<Writer>> Writer::start(std::filesystem::path const& path,
                                              WriterOptions options) {
  auto db = Database::open(path, Database::Access::ReadWrite);
  if (!db) return db.error();
  if (auto s = migrate(*db); !s) return s.error();
  if (options.max_batch == 0) options.max_batch = 1;
  return std::unique_ptr<Writer>(new Writer(std::move(*db), options));
}

Writer::Writer(Database db, WriterOptions options)
    : db_(std::move(db)), store_(db_), options_(options), thread_([this] { run(); }) {}

Writer::~Writer() {
  stop();
}

void Writer::submit(Work work, Done done) {
  {
    std::lock_guard lock{mutex_};
    if (!stopping_) {
      queue_.push_back(Item{std::move(work), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(make_error(Errc::Unavailable, "the database is closing"));
}

void Writer::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Writer::run() {
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
  }
}

void Writer::run_batch(std::deque<Item>& batch) {
  std::vector<Status> results;
  results.reserve(batch.size());
  auto const finish = [&](Status const& failure) {
    // `failure` replaces every success: nothing of this batch reached the disk.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Status const& result = i < results.size() && !results[i] ? results[i] : failure;
      try {
        batch[i].done(result);
      } catch (...) {
        // A completion handler must not take the writer down with it.
      }
    }
  };

  if (auto begun = db_.exec("BEGIN IMMEDIATE"); !begun) {
    finish(begun);
    return;
  }
  for (auto& item : batch) {
    if (auto s = db_.exec("SAVEPOINT command"); !s) {
      (void)db_.exec("ROLLBACK");
      finish(s);
      return;
    }
    Status result;
    try {
      result = item.work(store_);
    } catch (std::exception const& e) {
      result = make_error(Errc::Internal, fmt::format("a command failed: {}", e.what()));
    } catch (...) {
      result = make_error(Errc::Internal, "a command failed");
    }
    if (!db_.in_transaction()) {
      // SQLite rolled the whole transaction back (a full disk or an I/O error does that).
      results.push_back(result);
      Status lost =
          result ? make_error(Errc::Unavailable, "the transaction was rolled back") : result;
      finish(lost);
      return;
    }
    Status closed =
        result ? db_.exec("RELEASE command") : db_.exec("ROLLBACK TO command; RELEASE command");
    if (!closed) {
      (void)db_.exec("ROLLBACK");
      results.push_back(result ? closed : result);
      finish(closed);
      return;
    }
    results.push_back(std::move(result));
  }
  if (auto committed = db_.exec("COMMIT"); !committed) {
    if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
    finish(committed);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(results[i]);
    } catch (...) {
    }
  }
}

}  // namespace joldama::storage
