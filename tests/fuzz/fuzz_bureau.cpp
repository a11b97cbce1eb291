#include "tests/fuzz/fuzz_bureau.hpp"

#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <thread>

#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/demo_data.hpp"
#include "storage/read_pool.hpp"
#include "storage/writer.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::fuzz {

namespace asio = boost::asio;
namespace json = boost::json;

struct Bureau::Parts {
  testing::TempDir dir;
  testing::FakeClock clock{testing::at("2026-03-02T10:00:00+05:00")};
  server::ServerConfig config = server::default_config();
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<storage::ReadPool> reader;
  std::unique_ptr<server::App> app;
  // The connection's strand of the real server: where handlers bring their answers back.
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread io_thread;
  std::vector<std::string> tokens;

  ~Parts() {
    if (app) app->stop();
    work.reset();
    io.stop();
    if (io_thread.joinable()) io_thread.join();
  }
};

namespace {

[[noreturn]] void fail_setup(std::string const& what) {
  fmt::print(stderr, "fuzz bureau: {}\n", what);
  std::abort();
}

// The process's bureau is never destroyed: the fuzzer may exit from any thread at any moment,
// and a bureau torn down under a running request would be a false finding.
Bureau* the_bureau = nullptr;

}  // namespace

Bureau& Bureau::get() {
  if (!the_bureau) the_bureau = new Bureau();
  return *the_bureau;
}

Bureau::Bureau() : parts_(std::make_unique<Parts>()) {
  auto& p = *parts_;
  if (!server::init_crypto()) fail_setup("libsodium failed to initialise");
  auto const db = p.dir.file("joldama.db");
  p.config.threads = 1;
  p.config.web_root = JOLDAMA_SOURCE_DIR "/web-static";
  auto writer = storage::Writer::start(db);
  if (!writer) fail_setup(writer.error().message);
  p.writer = std::move(*writer);
  auto reader = storage::ReadPool::open(db, 2);
  if (!reader) fail_setup(reader.error().message);
  p.reader = std::move(*reader);
  auto seeded = server::seed_demo(*p.writer, *p.reader, p.clock, testing::kazakhstan_calendar(),
                                  p.config.deadlines);
  if (!seeded || !*seeded) fail_setup("the demo data could not be seeded");
  p.app = std::make_unique<server::App>(p.config, p.clock, testing::kazakhstan_calendar(),
                                        *p.writer, *p.reader);
  p.io_thread = std::thread([&p] { p.io.run(); });

  for (auto const* login : {"doctor", "commission", "republic", "hospital", "admin"}) {
    server::Request request;
    request.method = server::Method::Post;
    request.target = "/api/v1/session";
    request.headers = {{"content-type", "application/json"}};
    request.body = fmt::format(R"({{"login":"{}","password":"{}"}})", login, server::kDemoPassword);
    auto const response = handle(std::move(request));
    if (response.status != 200)
      fail_setup(fmt::format("{} cannot sign in: {}", login, response.body));
    p.tokens.emplace_back(json::parse(response.body).at("token").as_string());
  }
}

server::Response Bureau::handle(server::Request request) {
  auto& p = *parts_;
  request.peer = "127.0.0.1";
  auto answer = std::make_shared<std::promise<server::Response>>();
  auto future = answer->get_future();
  p.app->api().handle(
      request, [answer](server::Response response) { answer->set_value(std::move(response)); },
      [&p](std::function<void()> work) { asio::post(p.io, std::move(work)); });
  if (future.wait_for(std::chrono::minutes{1}) != std::future_status::ready) {
    report("no answer within a minute", request, server::Response{});
  }
  return future.get();
}

server::Router const& Bureau::router() const {
  return parts_->app->api().router();
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
