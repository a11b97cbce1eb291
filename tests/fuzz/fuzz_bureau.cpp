#include "tests/fuzz/fuzz_bureau.hpp"

#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "tests/support/test_server.hpp"

namespace joldama::fuzz {

namespace asio = boost::asio;
namespace json = boost::json;

struct Bureau::Parts {
  // A test server on a fresh copy of the demo database; requests reach its Api directly.
  testing::TestServer server;
  // The connection's strand of the real server: where handlers bring their answers back.
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread io_thread{[this] { io.run(); }};
  std::vector<std::string> tokens;
};

namespace {

// The process's bureau is never destroyed: the fuzzer may exit from any thread at any moment,
// and a bureau torn down under a running request would be a false finding.
Bureau* the_bureau = nullptr;

}  // namespace

Bureau& Bureau::get() {
  if (!the_bureau) the_bureau = new Bureau();
  return *the_bureau;
}

Bureau::Bureau() : parts_(std::make_unique<Parts>()) {
  for (auto const* login : {"doctor", "commission", "republic", "hospital", "admin"}) {
    parts_->tokens.push_back(parts_->server.token(login));
  }
}

server::Response Bureau::handle(server::Request request) {
  auto& p = *parts_;
  request.peer = "127.0.0.1";
  auto answer = std::make_shared<std::promise<server::Response>>();
  auto future = answer->get_future();
  p.server.app->api().handle(
      request, [answer](server::Response response) { answer->set_value(std::move(response)); },
      [&p](std::function<void()> work) { asio::post(p.io, std::move(work)); });
  if (future.wait_for(std::chrono::minutes{1}) != std::future_status::ready) {
    report("no answer within a minute", request, server::Response{});
  }
  return future.get();
}

server::Router const& Bureau::router() const {
  return parts_->server.app->api().router();
}

std::vector<std::string> const& Bureau::tokens() const {
  return parts_->tokens;
}

void report(std::string const& what, server::Request const& request,
            server::Response const& response) {
  fmt::print(stderr, "FINDING: {}\n  {} {}\n  body ({} bytes): {:.300}\n  answer {}: {:.500}\n",
             what, server::to_string(request.method), request.target, request.body.size(),
             request.body, response.status, response.body);
  std::abort();
}

void check_api_answer(server::Request const& request, server::Response const& response) {
  if (response.status < 200 || response.status >= 500) {
    report(fmt::format("status {}", response.status), request, response);
  }
  if (response.status == 204 || request.method == server::Method::Head) return;
  auto const type = response.header("content-type").value_or("");
  if (!type.starts_with("application/json")) {
    if (response.status >= 400) report("an error without a JSON body", request, response);
    return;  // a download, the metrics text
  }
  boost::system::error_code ec;
  auto const body = json::parse(response.body, ec);
  if (ec) report("a body that is not JSON", request, response);
  if (response.status < 400) return;
  auto const* error = body.is_object() ? body.as_object().if_contains("error") : nullptr;
  if (!error || !error->is_object() || !error->as_object().contains("code") ||
      !error->as_object().at("code").is_string() || !error->as_object().contains("message") ||
      !error->as_object().at("message").is_string()) {
    report("an error body outside the contract", request, response);
  }
}

}  // namespace joldama::fuzz
