#pragma once
// The HTTP/1.1 server on Boost.Beast: an acceptor and one session per connection, each on its
// own strand. Beast and Asio stay behind this interface.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "server/transport/http.hpp"
#include "workflow/result.hpp"

namespace joldama::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  int threads = 2;
  std::chrono::seconds read_timeout{15};  // for a whole request: headers and body
  std::size_t header_limit = 16 * 1024;
};

class HttpServer {
 public:
  // Keeps a reference to `handler`, which must outlive the server.
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  ~HttpServer();
  HttpServer(HttpServer const&) = delete;
  HttpServer& operator=(HttpServer const&) = delete;

  // Binds, listens and starts the I/O threads. Returns the port actually bound.
  Result<std::uint16_t> start();

  // Stops accepting and closes idle connections; requests being handled finish and their
  // connections close after the response. Waits up to `grace` for them, then stops the I/O
  // threads. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds{30});

  // Requests received and not yet answered.
  std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace joldama::server
