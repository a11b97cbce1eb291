#pragma once
// Real local servers for the patients' messages to go to: an HTTP SMS gateway in this process
// that fails on demand, and an SMTP server (Debian's python3-aiosmtpd) as a child process that
// writes each mail it takes to a maildir.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace joldama::testing {

// A free port on 127.0.0.1 now (bound and let go: another program might take it first).
std::uint16_t free_port();

class SmsSink {
 public:
  struct Received {
    std::string authorization;    // the Authorization header
    std::string idempotency_key;  // the Idempotency-Key header
    std::string body;             // the JSON the gateway was sent
  };

  SmsSink();
  ~SmsSink();
  SmsSink(SmsSink const&) = delete;
  SmsSink& operator=(SmsSink const&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;

  // The next `count` requests are answered with `status` (503, say); then 200 again.
  void fail_next(int count, int status = 503);
  // The next request is taken and recorded but not answered until release() (or the sink
  // closes): a sender killed meanwhile never learns that the gateway took it.
  void hold_next();
  void release();

  std::vector<Received> received();
  // Forgets what was received so far.
  void forget();
  // Waits (up to `seconds`) until `count` requests have come; whether they did.
  bool wait_for(std::size_t count, int seconds = 30);

 private:
  void serve();

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Received> received_;
  int failures_left_ = 0;
  int failure_status_ = 503;
  bool hold_ = false;
  bool released_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

class SmtpSink {
 public:
  // Starts aiosmtpd on 127.0.0.1:`port` (a free one when 0), writing to `maildir`, and waits
  // until it takes connections.
  explicit SmtpSink(std::filesystem::path maildir, std::uint16_t port = 0);
  ~SmtpSink();
  SmtpSink(SmtpSink const&) = delete;
  SmtpSink& operator=(SmtpSink const&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;
  // The mails taken so far, each as the server wrote it (headers added by the server first).
  std::vector<std::string> mails() const;
  bool wait_for(std::size_t count, int seconds = 30) const;

 private:
  std::filesystem::path maildir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace joldama::testing
