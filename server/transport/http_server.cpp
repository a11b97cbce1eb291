#include "server/transport/http_server.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace joldama::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kLargestBody = 11 * 1024 * 1024;  // above every route's own limit

Method method_of(http::verb verb) {
  switch (verb) {
    case http::verb::get: return Method::Get;
    case http::verb::head: return Method::Head;
    case http::verb::post: return Method::Post;
    case http::verb::put: return Method::Put;
    case http::verb::patch: return Method::Patch;
    case http::verb::delete_: return Method::Delete;
    case http::verb::options: return Method::Options;
    default: return Method::Other;
  }
}

// A minimal JSON error for what is refused before a request reaches the handler.
Response protocol_error(int status, std::string_view code, std::string_view message) {
  Response response;
  response.status = status;
  response.body = fmt::format(R"({{"error":{{"code":"{}","message":"{}"}}}})", code, message);
  response.set_header("content-type", "application/json; charset=utf-8");
  response.set_header("cache-control", "no-store");
  response.close = true;
  return response;
}

}  // namespace

// Shared by the acceptor and every session.
struct ServerState {
  ServerState(HttpServerOptions o, RequestHandler& h) : options(std::move(o)), handler(h) {}

  HttpServerOptions options;
  RequestHandler& handler;
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};
  std::mutex idle_mutex;
  std::condition_variable idle;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    auto const endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address().to_string();
  }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

  // Called when the server stops: an idle connection closes now, a busy one after replying.
  void stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void do_read() {
    if (state_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.header_limit));
    parser_->body_limit(kLargestBody);
    // One deadline for the whole request, headers and body: a slow client cannot hold a
    // connection open by trickling bytes.
    stream_.expires_after(state_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto const& header = parser_->get();
    // RFC 9112 §6.3: a Transfer-Encoding is either exactly `chunked`, alone, or the request is
    // refused — two readings of where a body ends are how requests are smuggled past a proxy.
    if (auto const codings = header.count(http::field::transfer_encoding); codings > 0) {
      auto const value = header[http::field::transfer_encoding];
      if (codings > 1 || !beast::iequals(value, "chunked") ||
          header.count(http::field::content_length) > 0) {
        return refuse(protocol_error(
            400, "bad_request",
            "Transfer-Encoding must be exactly `chunked`, without a Content-Length"));
      }
    }
    std::size_t const limit =
        state_.handler.body_limit(method_of(header.method()), header.target());
    if (auto const length = parser_->content_length(); length && *length > limit) {
      return refuse(protocol_error(413, "payload_too_large",
                                   fmt::format("the body may be at most {} bytes", limit)));
    }
    parser_->body_limit(limit);
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // Tell the client to send the body it is holding back.
      auto continue_response =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      return http::async_write(
          stream_, *continue_response,
          [self = shared_from_this(), continue_response](beast::error_code e, std::size_t) {
            if (e) return self->close();
            self->read_body();
          });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return refuse(protocol_error(413, "payload_too_large", "the body is too large"));
    }
    if (ec == http::error::header_limit) {
      return refuse(protocol_error(431, "headers_too_large", "the request headers are too large"));
    }
    return refuse(protocol_error(400, "bad_request", "the request is not valid HTTP/1.1"));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    stream_.expires_never();  // the handler may wait for the writer; no read is pending
    auto message = parser_->release();
    Request request;
    request.method = method_of(message.method());
    request.target = std::string{message.target()};
    request.keep_alive = message.keep_alive();
    request.peer = peer_;
    request.headers.reserve(16);
    for (auto const& field : message) {
      std::string name{field.name_string()};
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string{field.value()});
    }
    request.body = std::move(message.body());
    keep_alive_ = request.keep_alive;
    busy_ = true;
    ++state_.in_flight;
    auto self = shared_from_this();
    state_.handler.handle(
        std::move(request),
        [self](Response response) {
          // A read is answered while its request is still being handled on the connection's
          // strand: the answer goes out at once. From another thread (the writer's), it is
          // queued to the strand.
          net::dispatch(self->stream_.get_executor(),
                        [self, response = std::move(response)]() mutable {
                          self->send(std::move(response));
                        });
        },
        [self](std::function<void()> work) {
          net::post(self->stream_.get_executor(), std::move(work));
        });
  }

  // Answers a request that could not be read, then closes the connection.
  void refuse(Response response) {
    refused_ = true;
    keep_alive_ = false;
    ++state_.in_flight;
    busy_ = true;
    send(std::move(response));
  }

  void send(Response response) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(11);
    message->result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->set(http::field::server, "joldama");
    message->body() = std::move(response.body);
    bool const keep = keep_alive_ && !response.close && !state_.stopping;
    message->keep_alive(keep);
    message->prepare_payload();
    stream_.expires_after(state_.options.read_timeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, keep](
                          beast::error_code ec, std::size_t) { self->on_write(ec, keep); });
  }

  void on_write(beast::error_code ec, bool keep) {
    if (refused_ && !ec) {
      // The client may still be sending a body we refused: read and drop it before closing,
      // or closing with unread data would reset the connection and lose our answer.
      return linger();
    }
    busy_ = false;
    if (--state_.in_flight == 0) {
      // Under the lock, so that stop() cannot miss the wake-up between its check and its wait.
      std::lock_guard lock{state_.idle_mutex};
      state_.idle.notify_all();
    }
    if (ec || !keep) return close();
    do_read();
  }

  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds{5});
    drained_ = 0;
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLargestBody)
                                return self->finish_refusal();
                              self->drain();
                            });
  }

  void finish_refusal() {
    refused_ = false;
    busy_ = false;
    if (--state_.in_flight == 0) {
      std::lock_guard lock{state_.idle_mutex};
      state_.idle.notify_all();
    }
    close();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string peer_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool refused_ = false;
  std::size_t drained_ = 0;
  std::array<char, 16 * 1024> discard_{};
};

struct HttpServer::Impl {
  Impl(HttpServerOptions options, RequestHandler& handler)
      : state(std::move(options), handler),
        io(state.options.threads),
        work(net::make_work_guard(io)),
        acceptor(net::make_strand(io)),
        accept_pause(acceptor.get_executor()) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, most likely: the connections already open are still served;
        // try again shortly rather than spin on the failing accept.
        accept_pause.expires_after(std::chrono::milliseconds{50});
        accept_pause.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && acceptor.is_open()) accept();
        });
        return;
      }
      auto session = std::make_shared<Session>(std::move(socket), state);
      {
        std::lock_guard lock{sessions_mutex};
        // Forget sessions that have ended, so the list does not grow without bound; only now
        // and then, so that accepting stays cheap with many connections open.
        if (sessions.size() >= prune_at) {
          std::erase_if(sessions, [](auto const& weak) { return weak.expired(); });
          prune_at = std::max<std::size_t>(256, 2 * sessions.size());
        }
        sessions.push_back(session);
      }
      session->run();
      accept();
    });
  }

  ServerState state;
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work;
  tcp::acceptor acceptor;
  net::steady_timer accept_pause;
  std::vector<std::thread> threads;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<Session>> sessions;
  std::size_t prune_at = 256;
  bool stopped = false;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

HttpServer::~HttpServer() {
  stop(std::chrono::seconds{5});
}

Result<std::uint16_t> HttpServer::start() {
  auto& impl = *impl_;
  beast::error_code ec;
  auto const address = net::ip::make_address(impl.state.options.host, ec);
  if (ec)
    return make_error(Errc::Validation, fmt::format("bad host {}", impl.state.options.host),
                      "host");
  tcp::endpoint const endpoint{address, impl.state.options.port};
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot listen on {}:{}: {}", impl.state.options.host,
                                  impl.state.options.port, ec.message()));
  }
  auto const port = impl.acceptor.local_endpoint().port();
  impl.accept();
  for (int i = 0; i < std::max(1, impl.state.options.threads); ++i) {
    impl.threads.emplace_back([&impl] {
      pthread_setname_np(pthread_self(), "http-io");
      impl.io.run();
    });
  }
  return port;
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  auto& impl = *impl_;
  if (impl.stopped) return;
  impl.stopped = true;
  impl.state.stopping = true;
  net::post(impl.acceptor.get_executor(), [&impl] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_pause.cancel();
  });
  {
    std::lock_guard lock{impl.sessions_mutex};
    for (auto const& weak : impl.sessions) {
      if (auto session = weak.lock()) session->stop();
    }
  }
  {
    std::unique_lock lock{impl.state.idle_mutex};
    impl.state.idle.wait_for(lock, grace, [&] { return impl.state.in_flight == 0; });
  }
  impl.work.reset();
  impl.io.stop();
  for (auto& thread : impl.threads) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t HttpServer::in_flight() const {
  return impl_->state.in_flight;
}

}  // namespace joldama::server
