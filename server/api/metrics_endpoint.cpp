#include "server/api/metrics_endpoint.hpp"

#include <boost/json/serialize.hpp>

namespace joldama::server {

void MetricsEndpoint::handle(Request request, Respond respond, Dispatch) {
  std::string path;
  std::map<std::string, std::string> parameters;
  auto const answer = [&]() -> Response {
    if (!parse_target(request.target, path, parameters)) {
      return Api::error_response(make_error(Errc::Malformed, "the request target is malformed"));
    }
    if (request.method != Method::Get && request.method != Method::Head) {
      auto response = Api::error_response(
          make_error(Errc::MethodNotAllowed, "only GET is allowed here"));
      response.set_header("allow", "GET, HEAD");
      return response;
    }
    if (path == "/healthz") return Api::json(200, boost::json::object{{"status", "ok"}});
    if (path != "/metrics") return Api::error_response(make_error(Errc::NotFound, "no such endpoint"));
    auto metrics = joldama::query(api_.services().reader,
                         [&](StoreReads& store) { return api_.metrics_response(store); });
    if (!metrics) return Api::error_response(metrics.error());
    return std::move(*metrics);
  };
  auto response = answer();
  response.set_header("x-content-type-options", "nosniff");
  response.set_header("cache-control", "no-store");
  respond(std::move(response));
}

}  // namespace joldama::server
