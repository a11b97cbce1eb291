#pragma once
// A whole bureau in the fuzzing process: a TestServer on a fresh copy of the demo database,
// whose Api answers requests handed to it directly rather than over a socket. Built once per
// process; the fuzz targets send it requests and check the answers.

#include <memory>
#include <string>
#include <vector>

#include "server/transport/http.hpp"
#include "server/transport/router.hpp"

namespace joldama::fuzz {

class Bureau {
 public:
  // The process's bureau, seeded and signed in on first use.
  static Bureau& get();

  // Answers `request` through the Api and waits for the answer. Aborts the process (a finding)
  // when no answer comes within a minute.
  server::Response handle(server::Request request);

  server::Router const& router() const;

  // Bearer tokens of one signed-in user per role: doctor, commission, republican, hospital, admin.
  std::vector<std::string> const& tokens() const;

  struct Parts;

 private:
  Bureau();
  std::unique_ptr<Parts> parts_;
};

// A finding: prints `what` and the request, then aborts so that libFuzzer saves the input.
[[noreturn]] void report(std::string const& what, server::Request const& request,
                         server::Response const& response);

// Checks the contract every API answer keeps: never a 5xx, a JSON body, and on errors the error
// body {"error": {"code", "message"[, "field"]}}.
void check_api_answer(server::Request const& request, server::Response const& response);

}  // namespace joldama::fuzz
