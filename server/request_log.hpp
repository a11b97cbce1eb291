#pragma once
// One line per request on standard error, written by a thread of its own in batches, so that
// answering a request never waits for a write to the log.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace joldama::server {

class RequestLog {
 public:
  RequestLog();
  ~RequestLog();  // writes what is left
  RequestLog(RequestLog const&) = delete;
  RequestLog& operator=(RequestLog const&) = delete;

  // Queues one line (without its newline). Thread-safe.
  void line(std::string text);
  // Writes everything queued so far before returning.
  void flush();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::vector<std::string> queued_;
  std::size_t pending_ = 0;  // lines queued or being written
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace joldama::server
