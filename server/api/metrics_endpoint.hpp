#pragma once
// The metrics on an address of their own (config metrics_listen): GET /metrics and GET /healthz,
// nothing else, so that the main address need not serve what the bureau does to the world.

#include "server/api/api.hpp"
#include "server/transport/http.hpp"

namespace joldama::server {

class MetricsEndpoint final : public RequestHandler {
 public:
  // Keeps a reference to `api`, whose metrics it shows; it must outlive the endpoint.
  explicit MetricsEndpoint(Api& api) : api_(api) {}

  std::size_t body_limit(Method, std::string_view) const override { return 0; }
  void handle(Request request, Respond respond, Dispatch dispatch) override;

 private:
  Api& api_;
};

}  // namespace joldama::server
