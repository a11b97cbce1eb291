#pragma once
// A real HTTP/1.1 client for tests (Boost.Beast, synchronous, keep-alive), and a raw socket for
// requests no well-behaved client would send.

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace joldama::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  std::optional<std::string> header(std::string const& name) const;
  boost::json::value json() const;  // the body parsed; null when it is not JSON
  std::string error_code() const;   // error.code of an error body
  std::string error_field() const;  // error.field of an error body
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;

  // Sends one request; reconnects if the server closed the connection.
  HttpReply request(std::string const& method, std::string const& target,
                    std::string const& body = {}, Headers const& headers = {});

  // With `token` as bearer (when set) and JSON bodies.
  void use_token(std::string token) { token_ = std::move(token); }
  std::string const& token() const { return token_; }
  HttpReply get(std::string const& target, Headers headers = {});
  HttpReply post(std::string const& target, boost::json::value const& body, Headers headers = {});
  HttpReply put(std::string const& target, boost::json::value const& body, Headers headers = {});
  HttpReply del(std::string const& target, Headers headers = {});

 private:
  Headers with_token(Headers headers) const;
  struct Connection;
  std::uint16_t port_;
  std::string token_;
  std::unique_ptr<Connection> connection_;
};

// Writes `bytes` to a fresh connection and returns all that comes back until the server
// closes it or `timeout_ms` passes.
std::string raw_exchange(std::uint16_t port, std::string const& bytes, int timeout_ms = 3000);

}  // namespace joldama::testing
