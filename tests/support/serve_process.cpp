#include "tests/support/serve_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace joldama::testing {

ServeProcess::ServeProcess(std::filesystem::path const& db, std::vector<std::string> extra,
                           std::filesystem::path const& stderr_file) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    if (!stderr_file.empty()) {
      int const err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
    }
    std::vector<std::string> args{JOLDAMA_BINARY, "serve", "--db", db.string(), "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  stdout_ = out[0];
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(stdout_);
}

std::string ServeProcess::read_lines(int lines) {
  while (std::count(output_.begin(), output_.end(), '\n') < lines) {
    pollfd poller{stdout_, POLLIN, 0};
    if (::poll(&poller, 1, 30'000) <= 0) break;
    char chunk[1024];
    auto const n = ::read(stdout_, chunk, sizeof chunk);
    if (n <= 0) break;
    output_.append(chunk, static_cast<std::size_t>(n));
  }
  return output_;
}

std::uint16_t ServeProcess::wait_for_port() {
  return port_of(read_lines(1));
}

bool ServeProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServeProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  for (int i = 0; i < 150; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    ::usleep(100'000);
  }
  return -1;
}

std::uint16_t port_of(std::string const& output) {
  std::smatch match;
  static std::regex const first_line{R"(^listening on http://127\.0\.0\.1:(\d+)\n)"};
  if (!std::regex_search(output, match, first_line)) return 0;
  return static_cast<std::uint16_t>(std::stoi(match[1]));
}

}  // namespace joldama::testing
