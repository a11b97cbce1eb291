// Every route of the API with fuzzed path parameters, query strings and bodies, sent by each
// role: the decoding and validation of every command, the handlers, the workflow and storage.
// Whatever arrives, the answer keeps the contract: never a 5xx, JSON, the error body on errors.
//
// Input: byte 0 picks the route, byte 1 the user, byte 2 the id, byte 3 the action and the
// If-Match version; bytes 4.. are "PATH-PARAMS?QUERY" up to the first newline, then the body.
// Routes that end or change sessions and accounts are left out: they would sign the fuzzer's
// own users out (the API tests cover them).

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_bureau.hpp"
#include "workflow/enums.hpp"

using namespace joldama;

namespace {

std::vector<server::Route const*> const& fuzzed_routes() {
  static auto const routes = [] {
    std::vector<server::Route const*> chosen;
    for (auto const& route : fuzz::Bureau::get().router().routes()) {
      if (!route.changes_accounts) chosen.push_back(&route);
    }
    return chosen;
  }();
  return routes;
}

// The route's pattern with its parameters filled: ids and actions from their bytes, the other
// parameters from the '/'-separated pieces of `params`.
std::string fill(std::string_view pattern, std::uint8_t id, std::uint8_t action,
                 std::string_view params) {
  std::string target;
  auto next_piece = [&] {
    auto const slash = params.find('/');
    auto const text = params.substr(0, slash);
    params = slash == std::string_view::npos ? std::string_view{} : params.substr(slash + 1);
    return std::string{text};
  };
  while (!pattern.empty()) {
    auto const open = pattern.find('{');
    target += pattern.substr(0, open);
    if (open == std::string_view::npos) break;
    auto const close = pattern.find('}', open);
    auto const name = pattern.substr(open + 1, close - open - 1);
    if (name == "id" || name == "aid") {
      target += std::to_string(id);
    } else if (name == "action") {
      target += to_string(static_cast<Action>(action % enum_count<Action>()));
    } else {
      target += next_piece();
    }
    pattern.remove_prefix(close + 1);
  }
  return target;
}

}  // namespace

// JOLDAMA_FUZZ_ROUTES=1 lists the fuzzed routes by their first byte (for writing seeds).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (std::getenv("JOLDAMA_FUZZ_ROUTES")) {
    auto const& routes = fuzzed_routes();
    for (std::size_t i = 0; i < routes.size(); ++i) {
      fmt::print("{} {} {}\n", i, server::to_string(routes[i]->method), routes[i]->pattern);
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size < 4) return 0;
  auto& bureau = fuzz::Bureau::get();
  auto const& routes = fuzzed_routes();
  auto const& route = *routes[data[0] % routes.size()];
  auto const& token = bureau.tokens()[data[1] % bureau.tokens().size()];
  std::string_view const text{reinterpret_cast<char const*>(data + 4), size - 4};
  auto const newline = text.find('\n');
  auto const head = text.substr(0, newline);
  auto const body =
      newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  auto const question = head.find('?');

  server::Request request;
  request.method = route.method;
  request.target = fill(route.pattern, data[2], data[3], head.substr(0, question));
  if (question != std::string_view::npos) request.target += head.substr(question);
  request.headers.emplace_back("authorization", "Bearer " + token);
  if (route.body == server::Body::Json) {
    request.headers.emplace_back("content-type", "application/json");
  } else if (route.body == server::Body::File) {
    request.headers.emplace_back("content-type", "application/pdf");
    request.headers.emplace_back("x-filename", "scan.pdf");
  }
  if (route.method == server::Method::Post) {
    static std::uint64_t counter = 0;
    request.headers.emplace_back("idempotency-key", fmt::format("fuzz-{}", ++counter));
  }
  request.headers.emplace_back("if-match", fmt::format("\"{}\"", 1 + data[3] / 32));
  request.body = std::string{body};

  auto const response = bureau.handle(request);
  fuzz::check_api_answer(request, response);
  return 0;
}
