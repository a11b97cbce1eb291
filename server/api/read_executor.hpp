#pragma once
// Where the API runs its reads of the database. An engine in the process (SQLite) answers a
// read without waiting on anything but memory and the disk, and runs best on the I/O thread
// that asked; an engine across a socket makes a read wait, and those waits must not hold up the
// I/O threads, so its reads go to threads of their own. The API is written for the second:
// every read is handed over here, with the answer brought back to the connection's thread.

#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <shared_mutex>

namespace joldama::server {

class ReadExecutor {
 public:
  // `threads` 0: each read runs at once on the thread that hands it over. Otherwise a pool of
  // that many threads runs them, in the order given, several at a time.
  explicit ReadExecutor(std::size_t threads);
  ~ReadExecutor();  // finish()
  ReadExecutor(ReadExecutor const&) = delete;
  ReadExecutor& operator=(ReadExecutor const&) = delete;

  void run(std::function<void()> read);
  // Waits for the reads in hand; from then on a read runs at once on the thread that hands it
  // over. For shutting down: a pooled read brings its answer back to a connection's I/O
  // executor, so its reads must be done before that executor's io_context is destroyed.
  // Idempotent.
  void finish();
  // Whether reads leave the thread that hands them over (so that their answers must be brought
  // back to the connection's thread).
  bool pooled() const { return pool_ != nullptr; }

 private:
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::shared_mutex finishing_;  // shared while a read is handed to the pool
  bool finished_ = false;
};

}  // namespace joldama::server
