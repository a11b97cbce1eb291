#include "tests/support/message_sinks.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace joldama::testing {

namespace {

int listen_on(std::uint16_t port, std::uint16_t& bound) {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket");
  int const one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    ::close(fd);
    throw std::runtime_error("bind");
  }
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  bound = ntohs(address.sin_port);
  return fd;
}

bool connects(std::uint16_t port) {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool const ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A header's value from the head of a request ("" when absent).
std::string header_of(std::string const& head, std::string const& name) {
  std::istringstream lines{head};
  std::string line;
  auto const wanted = lowered(name) + ":";
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lowered(line.substr(0, wanted.size())) == wanted) {
      auto value = line.substr(wanted.size());
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
  }
  return {};
}

// Reads one HTTP request (head and Content-Length body) from `fd`; false when it closed first.
bool read_request(int fd, std::string& head, std::string& body) {
  std::string data;
  char chunk[4096];
  std::size_t head_end = std::string::npos;
  while (head_end == std::string::npos) {
    auto const n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    data.append(chunk, static_cast<std::size_t>(n));
    head_end = data.find("\r\n\r\n");
  }
  head = data.substr(0, head_end);
  body = data.substr(head_end + 4);
  auto const length_text = header_of(head, "content-length");
  std::size_t const length = length_text.empty() ? 0 : std::stoul(length_text);
  while (body.size() < length) {
    auto const n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    body.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

void answer(int fd, int status) {
  auto const body = status < 300 ? std::string{R"({"accepted":true})"}
                                 : std::string{R"({"error":"failing on demand"})"};
  auto const reply = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, status < 300 ? "OK" : "Failing", body.size(), body);
  (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
}

}  // namespace

std::uint16_t free_port() {
  std::uint16_t port = 0;
  ::close(listen_on(0, port));
  return port;
}

SmsSink::SmsSink() {
  listener_ = listen_on(0, port_);
  thread_ = std::thread([this] { serve(); });
}

SmsSink::~SmsSink() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  ::close(listener_);
}

std::string SmsSink::url() const {
  return fmt::format("http://127.0.0.1:{}/sms", port_);
}

void SmsSink::fail_next(int count, int status) {
  std::lock_guard lock{mutex_};
  failures_left_ = count;
  failure_status_ = status;
}

void SmsSink::hold_next() {
  std::lock_guard lock{mutex_};
  hold_ = true;
  released_ = false;
}

void SmsSink::release() {
  {
    std::lock_guard lock{mutex_};
    released_ = true;
  }
  changed_.notify_all();
}

std::vector<SmsSink::Received> SmsSink::received() {
  std::lock_guard lock{mutex_};
  return received_;
}

void SmsSink::forget() {
  std::lock_guard lock{mutex_};
  received_.clear();
}

bool SmsSink::wait_for(std::size_t count, int seconds) {
  std::unique_lock lock{mutex_};
  return changed_.wait_for(lock, std::chrono::seconds{seconds},
                           [&] { return received_.size() >= count; });
}

void SmsSink::serve() {
  for (;;) {
    {
      std::lock_guard lock{mutex_};
      if (stopping_) return;
    }
    pollfd poller{listener_, POLLIN, 0};
    if (::poll(&poller, 1, 50) <= 0) continue;
    int const fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string head;
    std::string body;
    if (!read_request(fd, head, body)) {
      ::close(fd);
      continue;
    }
    int status = 200;
    {
      std::unique_lock lock{mutex_};
      received_.push_back(
          {header_of(head, "authorization"), header_of(head, "idempotency-key"), body});
      changed_.notify_all();
      if (hold_) {
        hold_ = false;
        changed_.wait(lock, [&] { return released_ || stopping_; });
        lock.unlock();
        ::close(fd);  // never answered
        continue;
      }
      if (failures_left_ > 0) {
        --failures_left_;
        status = failure_status_;
      }
    }
    answer(fd, status);
    ::close(fd);
  }
}

SmtpSink::SmtpSink(std::filesystem::path maildir, std::uint16_t port)
    : maildir_(std::move(maildir)), port_(port == 0 ? free_port() : port) {
  auto const listen = fmt::format("127.0.0.1:{}", port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    // Debian's interpreter, where python3-aiosmtpd is installed (not another on the PATH).
    ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", maildir_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 300 && !connects(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  if (!connects(port_)) throw std::runtime_error("aiosmtpd did not start");
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string SmtpSink::url() const {
  return fmt::format("smtp://127.0.0.1:{}", port_);
}

std::vector<std::string> SmtpSink::mails() const {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto const& entry : std::filesystem::directory_iterator(maildir_ / "new", ec)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (auto const& file : files) {
    std::ifstream in{file, std::ios::binary};
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(text.str());
  }
  return out;
}

bool SmtpSink::wait_for(std::size_t count, int seconds) const {
  auto const until = std::chrono::steady_clock::now() + std::chrono::seconds{seconds};
  while (mails().size() < count) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

}  // namespace joldama::testing
