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

namespace joldama::server {

class ReadExecutor {
 public:
  // `threads` 0: each read runs at once on the thread that hands it over. Otherwise a pool of
  // that many threads runs them, in the order given, several at a time.
  explicit ReadExecutor(std::size_t threads);
  ~ReadExecutor();  // waits for the reads in hand
  ReadExecutor(ReadExecutor const&) = delete;
  ReadExecutor& operator=(ReadExecutor const&) = delete;

  void run(std::function<void()> read);
  // Whether reads leave the thread that hands them over (so that their answers must be brought
  // back to the connection's thread).
  bool pooled() const { return pool_ != nullptr; }

 private:
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace joldama::server
