#pragma once
// `joldama serve` as a child process, for tests that need the real program: its own file
// descriptor limit, its exit status, a crash that cannot take the test down with it.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace joldama::testing {

class ServeProcess {
 public:
  // Starts `joldama serve --db DB --port 0 EXTRA...`; standard error goes to `stderr_file`
  // when given (and is inherited otherwise).
  explicit ServeProcess(std::filesystem::path const& db, std::vector<std::string> extra = {},
                        std::filesystem::path const& stderr_file = {});
  ~ServeProcess();
  ServeProcess(ServeProcess const&) = delete;
  ServeProcess& operator=(ServeProcess const&) = delete;

  // Reads standard output until it holds `lines` lines (or 30 s pass).
  std::string read_lines(int lines);

  // The port of the first line, "listening on http://127.0.0.1:PORT" (0 if it never came).
  std::uint16_t wait_for_port();

  // Whether the process is still running.
  bool alive();

  // Sends `signal` and returns the exit status (-1 if it did not exit within 15 s, or died of
  // a signal).
  int stop(int signal);

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::string output_;
};

// The port in a first line "listening on http://127.0.0.1:PORT\n", or 0.
std::uint16_t port_of(std::string const& output);

}  // namespace joldama::testing
