#include "storage/writer.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <exception>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/postgres.hpp"
#include "storage/sqlite.hpp"
#include "storage/thread_setup.hpp"

namespace joldama::storage {

namespace {

// SQLite calls this after every commit with the log's length in pages.
int on_commit(void* context, sqlite3* db, char const*, int log_pages) {
  auto& checkpointer = *static_cast<Checkpointer*>(context);
  if (checkpointer.log_grew(log_pages)) checkpointer.checkpoint_on_writers_connection(db);
  return SQLITE_OK;
}

// The writers of every server on one PostgreSQL database take turns: this lock, held until the
// transaction ends, is what BEGIN IMMEDIATE is to SQLite's one file. One round trip.
constexpr char const* kPostgresBegin = "BEGIN; SELECT pg_advisory_xact_lock(7470002)";

}  // namespace

Status begin_write(Database& db) {
  auto begun = db.dialect() == Dialect::Sqlite ? db.run("BEGIN IMMEDIATE") : db.exec(kPostgresBegin);
  if (!begun && db.in_transaction()) (void)db.exec("ROLLBACK");
  return begun;
}

Result<std::unique_ptr<Writer>> Writer::start(std::filesystem::path const& path,
                                              WriterOptions options) {
  auto opened = SqliteDatabase::open(path, SqliteDatabase::Access::ReadWrite, options.cache_kib);
  if (!opened) return opened.error();
  auto db = std::make_unique<SqliteDatabase>(std::move(*opened));
  if (auto s = migrate(*db); !s) return s.error();
  // Commits never copy the log into the database themselves; the checkpointer does, off the
  // writer's path. A log that grew large once is cut back after it restarts.
  if (auto s = db->exec("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864");
      !s) {
    return s.error();
  }
  auto checkpointer = Checkpointer::start(path, options.checkpoint_pages, options.nice);
  if (!checkpointer) return checkpointer.error();
  sqlite3_wal_hook(db->handle(), on_commit, checkpointer->get());
  if (options.max_batch == 0) options.max_batch = 1;
  return std::unique_ptr<Writer>(new Writer(std::move(db), std::move(*checkpointer), options));
}

Result<std::unique_ptr<Writer>> Writer::start_postgres(std::string const& conninfo,
                                                       WriterOptions options) {
  auto db = PgDatabase::open(conninfo);
  if (!db) return db.error();
  if (auto s = migrate(**db); !s) return s.error();
  if (options.max_batch == 0) options.max_batch = 1;
  return std::unique_ptr<Writer>(new Writer(std::move(*db), nullptr, options));
}

Writer::Writer(std::unique_ptr<Database> db, std::unique_ptr<Checkpointer> checkpointer,
               WriterOptions options)
    : db_(std::move(db)),
      checkpointer_(std::move(checkpointer)),
      store_(*db_, nullptr, options.audit_keys),
      options_(options),
      thread_([this] { run(); }) {
  store_.follow_audit_tail();
}

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

WriterStatistics Writer::statistics() const {
  std::size_t queued = 0;
  {
    std::lock_guard lock{mutex_};
    queued = queue_.size();
  }
  auto const checkpoints = checkpointer_ ? checkpointer_->counts() : Checkpointer::Counts{};
  auto const* postgres = dynamic_cast<PgDatabase const*>(db_.get());
  return WriterStatistics{.commits = commits_,
                          .commands = commands_,
                          .failed_commands = failed_commands_,
                          .reruns = reruns_,
                          .checkpoints = checkpoints.made,
                          .checkpoints_busy = checkpoints.found_busy,
                          .checkpoints_failed = checkpoints.failed,
                          .reconnections = postgres ? postgres->reconnections() : 0,
                          .queued = queued};
}

void Writer::report_figures(FigureSink& sink) const {
  auto const now = statistics();
  sink.figure("writer_commits_total", FigureKind::Counter,
              "Commits of the single writer (one fsync each).", now.commits);
  FigureSample const outcomes[] = {{"outcome", "ok", now.commands - now.failed_commands},
                                   {"outcome", "failed", now.failed_commands}};
  sink.figure("writer_commands_total", FigureKind::Counter,
              "Commands the writer ran; a failed one rolled back alone.", outcomes);
  sink.figure("writer_reruns_total", FigureKind::Counter,
              "Batches undone and run again with a savepoint per command.", now.reruns);
  sink.figure("writer_queue", FigureKind::Gauge, "Commands waiting for the writer now.",
              now.queued);
  if (checkpointer_) {
    sink.figure("writer_checkpoints_total", FigureKind::Counter,
                "Copies of the write-ahead log into the database file.", now.checkpoints);
    sink.figure("writer_checkpoints_busy_total", FigureKind::Counter,
                "Checkpoints given up because another connection was copying the log; the "
                "next commit asks again.",
                now.checkpoints_busy);
    sink.figure("writer_checkpoints_failed_total", FigureKind::Counter,
                "Checkpoints that failed (the disk full, say); the log keeps what they did not "
                "copy and grows until one succeeds.",
                now.checkpoints_failed);
  }
  if (db_->dialect() == Dialect::Postgres) {
    sink.figure("writer_reconnections_total", FigureKind::Counter,
                "Times the writer's connection to PostgreSQL was opened again after it broke.",
                now.reconnections);
  }
}

void Writer::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
    // Every command is done: the chain's end is anchored, so that a tail cut off later shows.
    if (options_.anchors) anchor(true);
  }
  if (checkpointer_) checkpointer_->stop();
}

void Writer::anchor(bool at_stop) {
  if (auto s = options_.anchors->after_commit(*db_, at_stop); !s) {
    fmt::print(stderr, "joldama: the audit chain could not be anchored: {}\n", s.error().message);
  }
}

void Writer::run() {
  name_this_thread("writer", options_.nice);
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
  // Fast path first: one transaction, no savepoints. Only if a command fails after it wrote
  // something must the batch be undone and run again with a savepoint around each command.
  if (attempt(batch, Isolation::Direct)) return;
  ++reruns_;
  attempt(batch, Isolation::Savepoints);
}

Status Writer::run_work(Item& item) {
  try {
    return item.work(store_);
  } catch (std::exception const& e) {
    return make_error(Errc::Internal, fmt::format("a command failed: {}", e.what()));
  } catch (...) {
    return make_error(Errc::Internal, "a command failed");
  }
}

bool Writer::attempt(std::deque<Item>& batch, Isolation isolation) {
  std::vector<Status> results;
  results.reserve(batch.size());
  auto const finish = [&](Status const& failure) {
    // `failure` replaces every success: nothing of this batch reached the disk.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Status const& result = i < results.size() && !results[i] ? results[i] : failure;
      if (!result) ++failed_commands_;
      try {
        batch[i].done(result);
      } catch (...) {
        // A completion handler must not take the writer down with it.
      }
    }
    commands_ += batch.size();
    return true;
  };

  if (auto begun = begin_write(*db_); !begun) return finish(begun);
  store_.new_transaction();
  for (auto& item : batch) {
    if (isolation == Isolation::Savepoints) {
      if (auto s = db_->run("SAVEPOINT command"); !s) {
        (void)db_->exec("ROLLBACK");
        return finish(s);
      }
    }
    auto const changes_before = db_->total_changes();
    Status result = run_work(item);
    // The answers of what the command sent without waiting (PostgreSQL's pipeline): its
    // failure is this command's.
    if (auto settled = db_->settle(); !settled && result) result = settled.error();
    if (!db_->in_transaction()) {
      // The engine rolled the whole transaction back (SQLite does on a full disk or an I/O
      // error; a connection to PostgreSQL that broke took its transaction with it).
      results.push_back(result);
      return finish(result ? make_error(Errc::Unavailable, "the transaction was rolled back")
                           : result);
    }
    if (result && db_->transaction_failed()) {
      // A statement failed and the command went on as if it had not: PostgreSQL would turn the
      // COMMIT into a ROLLBACK. It fails, and only it.
      result = make_error(Errc::Internal, "a command went on after one of its statements failed");
    }
    if (isolation == Isolation::Direct) {
      if (!result && (db_->total_changes() != changes_before || db_->transaction_failed())) {
        // This command wrote and then failed (or, on PostgreSQL, failed in a statement, which
        // spoils the transaction); only a savepoint can undo it alone.
        (void)db_->exec("ROLLBACK");
        return false;
      }
    } else {
      Status closed = result ? db_->run("RELEASE command")
                             : db_->exec("ROLLBACK TO command; RELEASE command");
      if (!result) store_.new_transaction();  // what it appended is undone
      if (!closed) {
        (void)db_->exec("ROLLBACK");
        results.push_back(result ? closed : result);
        return finish(closed);
      }
    }
    results.push_back(std::move(result));
  }
  if (auto committed = db_->run("COMMIT"); !committed) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return finish(committed);
  }
  ++commits_;
  if (options_.anchors) anchor(false);
  return finish(ok());
}

}  // namespace joldama::storage
