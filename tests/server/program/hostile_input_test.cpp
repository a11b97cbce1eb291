// Hostile input against the real program in its own process: every field of every command and
// every query parameter with wrong types, missing and extra fields, 1 MB strings, invalid UTF-8,
// NUL bytes, negative and huge numbers, SQL and script fragments; malformed requests on the
// wire; slow-loris and half-open connections; 10,000 idle connections. Every answer is a 4xx
// with the contract's error body (or a 2xx when the value is legitimate, stored verbatim), never
// a 5xx; the server never dies and keeps serving everyone else.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::ServeProcess;
using testing::TempDir;

// Values that no field should ever take down the server with.
std::vector<std::pair<std::string, json::value>> hostile_values() {
  std::vector<std::pair<std::string, json::value>> values;
  auto add = [&](std::string name, json::value value) {
    values.emplace_back(std::move(name), std::move(value));
  };
  add("number", 42);
  add("negative", -1);
  add("huge integer", 9223372036854775807LL);
  add("huge unsigned", 18446744073709551615ULL);
  add("huge double", 1e308);
  add("fraction", 0.5);
  add("true", true);
  add("null", nullptr);
  add("array", json::array{"a", 1});
  add("object", json::object{{"$ne", 1}});
  add("empty string", "");
  add("blank string", "   \t ");
  add("NUL byte", json::string{std::string_view{"a\0b", 3}});
  add("control character", "a\x01\x1b[31mb");
  add("SQL fragment", "' OR '1'='1' --");
  add("SQL statement", "'); DROP TABLE referrals; --");
  add("script fragment", "<script>alert(document.cookie)</script>");
  add("path fragment", "../../../../etc/passwd");
  add("format string", "%s%n%x{}{0}");
  add("right-to-left override", "\u202Eevil");
  add("1 MB string", json::string(std::string(1'000'000, 'A')));
  return values;
}

bool is_contract_error(HttpReply const& reply) {
  auto const body = reply.json();
  if (!body.is_object()) return false;
  auto const* error = body.as_object().if_contains("error");
  return error && error->is_object() && error->as_object().contains("code") &&
         error->as_object().at("code").is_string() && error->as_object().contains("message") &&
         error->as_object().at("message").is_string();
}

// The one rule of this file: a 2xx, or a 4xx with the contract's error body.
void expect_not_broken(HttpReply const& reply, std::string const& what) {
  EXPECT_TRUE((reply.status >= 200 && reply.status < 300) ||
              (reply.status >= 400 && reply.status < 500))
      << what << " → " << reply.status << " " << reply.body.substr(0, 300);
  if (reply.status >= 400) {
    EXPECT_TRUE(is_contract_error(reply)) << what << " → " << reply.body.substr(0, 300);
  }
}

void expect_refused(HttpReply const& reply, std::string const& what) {
  EXPECT_GE(reply.status, 400) << what << " → " << reply.body.substr(0, 300);
  EXPECT_LT(reply.status, 500) << what << " → " << reply.body.substr(0, 300);
  EXPECT_TRUE(is_contract_error(reply)) << what << " → " << reply.body.substr(0, 300);
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// Lets this process and its child hold 10,000 connections each.
void raise_descriptor_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_max < 20'000) limit.rlim_max = 20'000;  // allowed as root
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

class HostileInput : public ::testing::Test {
 protected:
  // A demo bureau in its own process; connections idle for `read_timeout_seconds` are closed.
  void start(int read_timeout_seconds) {
    raise_descriptor_limit();
    auto const config = dir.file("joldama.conf");
    std::ofstream{config} << fmt::format("read_timeout_seconds = {}\n", read_timeout_seconds);
    server = std::make_unique<ServeProcess>(
        dir.file("bureau.db"), std::vector<std::string>{"--demo", "--config", config.string()},
        dir.file("stderr.log"));
    port = server->wait_for_port();
    ASSERT_NE(port, 0) << "the server did not start";
  }

  void TearDown() override {
    if (!server) return;
    EXPECT_TRUE(server->alive()) << "the server died";
    // A clean stop: every connection closed, the database closed, exit status 0.
    EXPECT_EQ(server->stop(SIGTERM), 0);
  }

  std::string token_of(std::string const& login) {
    if (auto it = tokens.find(login); it != tokens.end()) return it->second;
    return tokens[login] = testing::sign_in(port, login);
  }

  HttpClient as(std::string const& login) {
    HttpClient client{port};
    client.use_token(token_of(login));
    return client;
  }

  // The server answers an ordinary read at once.
  void expect_still_serving() {
    HttpClient client{port};
    auto const reply = client.get("/api/v1/regions");
    EXPECT_EQ(reply.status, 200) << reply.body;
  }

  TempDir dir;
  std::unique_ptr<ServeProcess> server;
  std::uint16_t port = 0;
  std::map<std::string, std::string> tokens;
};

// One command of the API with a valid body, and how to send it.
struct Command {
  std::string name;
  std::function<HttpReply(json::object const&)> send;
  json::object valid;
};

TEST_F(HostileInput, EveryFieldOfEveryCommandRefusesHostileValues) {
  start(15);
  auto doctor = as("doctor");
  auto commission = as("commission");
  auto republic = as("republic");
  auto admin = as("admin");

  // A submitted referral for the commission's actions; a fresh one whenever an action went
  // through (a legitimate value, such as SQL text in a reason, is accepted and stored).
  std::int64_t referral_id = 0;
  std::int64_t referral_version = 0;
  testing::Journey journey{doctor};
  auto fresh_referral = [&] {
    referral_id = testing::id_of(journey.new_referral());
    auto const submitted = journey.act(referral_id, "submit");
    ASSERT_EQ(submitted.status, 200) << submitted.body;
    referral_version = submitted.json().at("version").as_int64();
  };
  fresh_referral();
  auto action = [&](std::string const& name) {
    return [&, name](json::object const& body) {
      auto reply =
          commission.post(fmt::format("/api/v1/referrals/{}/actions/{}", referral_id, name), body,
                          {{"if-match", fmt::format("\"{}\"", referral_version)}});
      if (reply.status == 200) fresh_referral();
      return reply;
    };
  };

  std::vector<Command> const commands{
      {"register a patient",
       [&](json::object const& body) { return doctor.post("/api/v1/patients", body); },
       {{"iin", "850715300122"},
        {"last_name", "Ким"},
        {"first_name", "Ольга"},
        {"middle_name", ""},
        {"birth_date", "1985-07-15"},
        {"sex", "female"},
        {"residency", "citizen"},
        {"region", "75"},
        {"phone", "+7 701 000 00 00"},
        {"insured", true}}},
      {"register a referral",
       [&](json::object const& body) { return doctor.post("/api/v1/referrals", body); },
       {{"patient_iin", "850715300122"},
        {"icd10", "I25.1"},
        {"profile", "cardiac_surgery"},
        {"urgency", "routine"},
        {"care_form", "inpatient"},
        {"justification", "Показано АКШ"}}},
      {"reject", action("reject"), {{"reason", "нет показаний"}, {"comment", "см. протокол"}}},
      {"schedule in person",
       action("schedule_in_person"),
       {{"at", "2026-03-10T09:00:00+05:00"}, {"place", "Каб. 12"}}},
      {"approve", action("approve"), {{"protocol", "П-12"}, {"comment", "одобрено"}}},
      {"set a quota",
       [&](json::object const& body) {
         return republic.put("/api/v1/quotas/2026/75/cardiac_surgery", body);
       },
       {{"allocated", 40}}},
      {"distribute a national total",
       [&](json::object const& body) { return republic.post("/api/v1/quotas/distribute", body); },
       {{"period", 2026}, {"profile", "cardiac_surgery"}, {"total", 1000}, {"dry_run", true}}},
      {"create a user",
       [&](json::object const& body) { return admin.post("/api/v1/users", body); },
       {{"login", "hostile.user"},
        {"name", "Әлиев Нұрлан"},
        {"role", "doctor"},
        {"organization_id", 1},
        {"password", "a-long-password-123"}}},
      {"create an organization",
       [&](json::object const& body) { return admin.post("/api/v1/organizations", body); },
       {{"name", "Клиника"}, {"kind", "hospital"}, {"level", "regional"}, {"region", "35"}}},
      {"sign in",
       [&](json::object const& body) { return HttpClient{port}.post("/api/v1/session", body); },
       {{"login", "nobody"}, {"password", "wrong-password-1"}}},
  };

  auto const values = hostile_values();
  for (auto const& command : commands) {
    for (auto const& [field, valid_value] : command.valid) {
      for (auto const& [what, value] : values) {
        auto body = command.valid;
        body[field] = value;
        auto const context = fmt::format("{}: {} = {}", command.name, field, what);
        auto const reply = command.send(body);
        expect_not_broken(reply, context);
        // A value of the wrong JSON type is never accepted.
        if (valid_value.kind() != value.kind() && !value.is_null() &&
            !(valid_value.is_int64() && value.is_uint64())) {
          expect_refused(reply, context);
        }
        // Nor is a NUL byte, a control character or a megabyte of text.
        if (what == "NUL byte" || what == "control character" || what == "1 MB string") {
          expect_refused(reply, context);
        }
      }
      auto without = command.valid;
      without.erase(field);
      expect_not_broken(command.send(without), command.name + ": without " + std::string{field});
    }
    auto extra = command.valid;
    extra["unexpected"] = "x";
    auto const reply = command.send(extra);
    expect_refused(reply, command.name + ": an extra field");
    EXPECT_EQ(reply.error_field(), "unexpected") << command.name << ": " << reply.body;
  }

  // Bodies that are not JSON objects, or not UTF-8, and one beyond the limit.
  for (std::string const raw : {"", "null", "[1,2]", "\"text\"", "{", "{\"iin\":}", "\xff\xfe{}",
                                "{\"last_name\":\"\xc0\xaf\"}", "{\"a\":1,\"a\":2}"}) {
    auto const reply = doctor.request(
        "POST", "/api/v1/patients", raw,
        {{"content-type", "application/json"}, {"authorization", "Bearer " + token_of("doctor")}});
    expect_refused(reply, "a body of " + std::to_string(raw.size()) + " bytes");
  }
  auto const too_large = doctor.post("/api/v1/referrals",
                                     json::object{{"justification", std::string(2'000'000, 'x')}});
  EXPECT_EQ(too_large.status, 413) << too_large.body.substr(0, 200);
  expect_still_serving();
}

TEST_F(HostileInput, TextIsStoredVerbatimNeverExecuted) {
  start(15);
  auto doctor = as("doctor");
  auto const iin = testing::fresh_iin();
  auto const patient = doctor.post("/api/v1/patients", json::object{{"iin", iin},
                                                                    {"last_name", "O'Brien"},
                                                                    {"first_name", "Ann"},
                                                                    {"birth_date", "1980-05-17"},
                                                                    {"sex", "female"},
                                                                    {"residency", "citizen"},
                                                                    {"region", "75"},
                                                                    {"insured", true}});
  ASSERT_EQ(patient.status, 201) << patient.body;
  std::string const hostile = "'); DROP TABLE referrals; -- <script>alert(1)</script> %s";
  auto const created = doctor.post("/api/v1/referrals", json::object{{"patient_iin", iin},
                                                                     {"icd10", "I25.1"},
                                                                     {"profile", "cardiac_surgery"},
                                                                     {"urgency", "routine"},
                                                                     {"care_form", "inpatient"},
                                                                     {"justification", hostile}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto const id = created.json().at("id").as_int64();
  auto const read = doctor.get(fmt::format("/api/v1/referrals/{}", id));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json().at("justification").as_string(), hostile);
  EXPECT_EQ(patient.json().at("last_name").as_string(), "O'Brien");
  // The table is still there, and a search for an always-true fragment finds nothing.
  auto const list = doctor.get("/api/v1/referrals?q=" + percent_encode("' OR '1'='1"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json().at("items").as_array().empty()) << list.body.substr(0, 300);
}

TEST_F(HostileInput, EveryQueryParameterRefusesOrIgnoresHostileValues) {
  start(15);
  auto commission = as("commission");
  auto admin = as("admin");
  auto republic = as("republic");
  struct Endpoint {
    HttpClient* client;
    std::string path;
    std::vector<std::string> parameters;
  };
  std::vector<Endpoint> const endpoints{
      {&commission,
       "/api/v1/referrals",
       {"state", "profile", "region", "overdue", "q", "limit", "after", "cursor"}},
      {&commission, "/api/v1/referrals/counts", {"state", "profile", "region", "overdue", "q"}},
      {&republic, "/api/v1/quotas", {"period", "region", "profile"}},
      {&admin, "/api/v1/audit", {"referral_id", "limit", "before"}},
      {&admin, "/api/v1/organizations", {"kind", "level", "region"}},
      {&admin, "/api/v1/users", {"role", "q"}},
      {nullptr, "/api/v1/public/status", {"code", "iin"}},
  };
  std::vector<std::string> const values{"-1",
                                        "0",
                                        "99999999999999999999999",
                                        "1e9",
                                        "NaN",
                                        "",
                                        " ",
                                        "' OR '1'='1' --",
                                        "1; DROP TABLE referrals",
                                        "<script>alert(1)</script>",
                                        std::string(100'000, 'q'),
                                        "submitted,submitted,submitted",
                                        "%00",
                                        "\xd0",
                                        "..%2f..%2f"};
  HttpClient anonymous{port};
  for (auto const& endpoint : endpoints) {
    for (auto const& parameter : endpoint.parameters) {
      for (auto const& value : values) {
        auto const target =
            fmt::format("{}?{}={}", endpoint.path, parameter, percent_encode(value));
        auto const reply = endpoint.client ? endpoint.client->get(target) : anonymous.get(target);
        // The public lookup is rate-limited per address: a 429 is a fine answer to a flood.
        expect_not_broken(reply, fmt::format("{} {}={:.40}", endpoint.path, parameter, value));
      }
    }
    // Raw bytes no client should send: a NUL, bad escapes, invalid UTF-8.
    for (std::string const raw : {"q=%00", "q=%zz", "q=%", "q=%C0%AF", "%FF=1", "q=a%00b"}) {
      auto const target = endpoint.path + "?" + raw;
      auto const reply = endpoint.client ? endpoint.client->get(target) : anonymous.get(target);
      expect_refused(reply, target);
    }
  }
  expect_still_serving();
}

TEST_F(HostileInput, MalformedRequestsOnTheWireAreRefused) {
  start(3);
  std::vector<std::string> const requests{
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
      "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n",
      "GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n",
      "GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'h') + "\r\n\r\n",
      "GET /" + std::string(100'000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
          std::string(10'000, 't') + "\r\n\r\n",
      "GET /api/v1/referrals HTTP/1.1\r\nHost: x\r\nCookie: joldama_session=\xff\xfe\r\n\r\n",
      "GET /..%2f..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
      "DELETE /api/v1/regions HTTP/1.1\r\nHost: x\r\n\r\n",
      "BREW /api/v1/regions HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (auto const& bytes : requests) {
    auto const answer = testing::raw_exchange(port, bytes, 5000);
    auto const what = fmt::format("{:.60}", bytes);
    // Either the connection is closed without a word, or the answer is a 4xx.
    if (answer.empty()) continue;
    ASSERT_TRUE(answer.starts_with("HTTP/1.1 4")) << what << " → " << answer.substr(0, 200);
    auto const body_start = answer.find("\r\n\r\n");
    ASSERT_NE(body_start, std::string::npos);
    auto const body = answer.substr(body_start + 4);
    if (!body.empty()) {
      boost::system::error_code ec;
      auto const parsed = json::parse(body, ec);
      EXPECT_FALSE(ec) << what << " → " << body.substr(0, 200);
      if (!ec) {
        EXPECT_TRUE(parsed.as_object().contains("error")) << body;
      }
    }
  }
  expect_still_serving();
}

// A connected socket to the server (blocking), or -1.
int connect_to(std::uint16_t port) {
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Whether the server closed `fd` within `timeout_ms` (reading whatever it sent first).
bool closed_by_server(int fd, int timeout_ms) {
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{timeout_ms};
  char chunk[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd poller{fd, POLLIN, 0};
    if (::poll(&poller, 1, 100) > 0) {
      auto const n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
    }
  }
  return false;
}

TEST_F(HostileInput, SlowLorisAndHalfOpenConnectionsAreCutOffWhileOthersAreServed) {
  start(2);
  // Slow-loris: a header byte every 300 ms, on 50 connections.
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) slow.push_back(connect_to(port));
  std::atomic<bool> stop_dripping{false};
  std::thread dripper([&] {
    std::string const request =
        "GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
    for (std::size_t i = 0; i < request.size() && !stop_dripping; ++i) {
      for (int fd : slow) (void)::send(fd, &request[i], 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds{300});
    }
  });
  // Half-open: headers begun and the writing side shut; a body promised and never sent.
  int const half_closed = connect_to(port);
  std::string const partial = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Le";
  ::send(half_closed, partial.data(), partial.size(), MSG_NOSIGNAL);
  ::shutdown(half_closed, SHUT_WR);
  int const unfinished = connect_to(port);
  std::string const promise =
      "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 1000\r\n\r\n{\"login\":";
  ::send(unfinished, promise.data(), promise.size(), MSG_NOSIGNAL);

  // Meanwhile everyone else is served.
  HttpClient client{port};
  for (int i = 0; i < 50; ++i) {
    auto const reply = client.get("/api/v1/regions");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  EXPECT_TRUE(closed_by_server(half_closed, 3000)) << "the half-closed connection stayed open";
  EXPECT_TRUE(closed_by_server(unfinished, 5000)) << "the unfinished body kept its connection";
  int cut_off = 0;
  for (int fd : slow) cut_off += closed_by_server(fd, 5000) ? 1 : 0;
  EXPECT_EQ(cut_off, 50) << "slow-loris connections outlived the read timeout";
  stop_dripping = true;
  dripper.join();
  for (int fd : slow) ::close(fd);
  ::close(half_closed);
  ::close(unfinished);
  expect_still_serving();
}

TEST_F(HostileInput, TenThousandIdleConnectionsDoNotStopService) {
  start(60);
  constexpr int kIdle = 10'000;
  std::vector<int> idle;
  idle.reserve(kIdle);
  for (int i = 0; i < kIdle; ++i) {
    int const fd = connect_to(port);
    ASSERT_GE(fd, 0) << "connection " << i << " failed: " << std::strerror(errno);
    idle.push_back(fd);
  }
  // Everyone else is still served, at once.
  auto doctor = as("doctor");
  for (int i = 0; i < 20; ++i) {
    auto const reply = doctor.get("/api/v1/referrals?limit=20");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  // And the idle connections were accepted and are live: a request on the first and the last
  // ones is answered.
  std::string const request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  int answered = 0;
  std::vector<int> sample;
  for (int i = 0; i < 50; ++i) sample.push_back(idle[static_cast<std::size_t>(i)]);
  for (int i = kIdle - 50; i < kIdle; ++i) sample.push_back(idle[static_cast<std::size_t>(i)]);
  for (int fd : sample) {
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    pollfd poller{fd, POLLIN, 0};
    char chunk[512];
    if (::poll(&poller, 1, 10'000) > 0 && ::recv(fd, chunk, sizeof chunk, 0) > 12 &&
        std::string_view{chunk, 12} == "HTTP/1.1 200") {
      ++answered;
    }
  }
  EXPECT_EQ(answered, 100);
  for (int fd : idle) ::close(fd);
  expect_still_serving();
}

}  // namespace
}  // namespace joldama
