#include "tests/support/http_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

namespace joldama::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::optional<std::string> HttpReply::header(std::string const& name) const {
  for (auto const& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

boost::json::value HttpReply::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : value;
}

std::string HttpReply::error_code() const {
  auto const value = json();
  if (!value.is_object() || !value.as_object().contains("error")) return {};
  return std::string{value.at("error").at("code").as_string()};
}

std::string HttpReply::error_field() const {
  auto const value = json();
  if (!value.is_object() || !value.as_object().contains("error")) return {};
  auto const& error = value.at("error").as_object();
  return error.contains("field") ? std::string{error.at("field").as_string()} : std::string{};
}

struct HttpClient::Connection {
  net::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpClient::HttpClient(std::uint16_t port)
    : port_(port), connection_(std::make_unique<Connection>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

HttpReply HttpClient::request(std::string const& method, std::string const& target,
                              std::string const& body, Headers const& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto& c = *connection_;
    beast::error_code ec;
    if (!c.open) {
      c.stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port_}, ec);
      if (ec) return HttpReply{0, {}, "connect failed: " + ec.message()};
      c.open = true;
      c.buffer.clear();
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto const& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    c.stream.expires_after(std::chrono::seconds{30});
    http::write(c.stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(c.stream, c.buffer, parser, ec);
    if (ec) {
      // The server may have closed a kept-alive connection: try once on a new one.
      c.stream.socket().close(ec);
      c.open = false;
      continue;
    }
    auto res = parser.release();
    HttpReply reply;
    reply.status = static_cast<int>(res.result_int());
    for (auto const& field : res) {
      std::string name{field.name_string()};
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      reply.headers.emplace_back(std::move(name), std::string{field.value()});
    }
    reply.body = std::move(res.body());
    if (!res.keep_alive()) {
      c.stream.socket().close(ec);
      c.open = false;
    }
    return reply;
  }
  return HttpReply{0, {}, "no answer"};
}

Headers HttpClient::with_token(Headers headers) const {
  if (!token_.empty()) headers.emplace_back("authorization", "Bearer " + token_);
  return headers;
}

HttpReply HttpClient::get(std::string const& target, Headers headers) {
  return request("GET", target, {}, with_token(std::move(headers)));
}

HttpReply HttpClient::post(std::string const& target, boost::json::value const& body,
                           Headers headers) {
  headers.emplace_back("content-type", "application/json");
  return request("POST", target, boost::json::serialize(body), with_token(std::move(headers)));
}

HttpReply HttpClient::put(std::string const& target, boost::json::value const& body,
                          Headers headers) {
  headers.emplace_back("content-type", "application/json");
  return request("PUT", target, boost::json::serialize(body), with_token(std::move(headers)));
}

HttpReply HttpClient::del(std::string const& target, Headers headers) {
  return request("DELETE", target, {}, with_token(std::move(headers)));
}

std::string raw_exchange(std::uint16_t port, std::string const& bytes, int timeout_ms) {
  net::io_context io;
  tcp::socket socket{io};
  beast::error_code ec;
  socket.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  net::write(socket, net::buffer(bytes), ec);
  std::string received;
  char chunk[4096];
  for (;;) {
    pollfd poller{socket.native_handle(), POLLIN, 0};
    if (::poll(&poller, 1, timeout_ms) <= 0) break;
    auto const n = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
    if (n <= 0) break;
    received.append(chunk, static_cast<std::size_t>(n));
  }
  return received;
}

}  // namespace joldama::testing
