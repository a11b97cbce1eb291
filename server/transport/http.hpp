#pragma once
// The HTTP exchange as the router and handlers see it: plain values, no Beast. The server
// (http_server.cpp) translates to and from the wire.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace joldama::server {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

std::string_view to_string(Method method);

struct Request {
  Method method = Method::Get;
  std::string target;                                        // as received: path and query
  std::string path;                                          // percent-decoded path
  std::map<std::string, std::string> query;                  // percent-decoded parameters
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string peer;  // the client's address
  bool keep_alive = true;

  // The first header of that (lower-case) name.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response

  void set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

using Respond = std::function<void(Response)>;
// Runs a function later on the connection's own I/O thread and strand (from any thread).
using Dispatch = std::function<void(std::function<void()>)>;

// What the server calls for each request.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // The largest body accepted for this request line, known once the headers are read.
  virtual std::size_t body_limit(Method method, std::string_view target) const = 0;
  // Answers `request` by calling `respond` exactly once, on any thread. `dispatch` brings work
  // back to the connection's I/O thread (from the writer's, say).
  virtual void handle(Request request, Respond respond, Dispatch dispatch) = 0;
};

// Splits a request target into a decoded path and decoded query parameters. Fails on malformed
// percent-encoding, on a NUL byte, on text that is not UTF-8 once decoded, or on a path that is
// not absolute.
bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query);

// Percent-decoding ('+' is a space only in query strings).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nothing when it is absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

// The token of an Authorization header "Bearer TOKEN", or nothing for any other scheme.
std::optional<std::string> bearer_token(std::string_view header);

// An Idempotency-Key: 1 to 200 printable ASCII characters.
bool is_valid_idempotency_key(std::string_view key);

}  // namespace joldama::server
