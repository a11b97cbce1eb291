#pragma once
// A running bureau: the API on the HTTP server, the deadline sweep on its timer, and the
// delivery of patients' messages when a gateway is configured. Built by
// the composition root (main.cpp, or a test) from storage it does not know.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "server/api/api.hpp"
#include "server/program/config.hpp"
#include "server/delivery/delivery_worker.hpp"
#include "server/delivery/gateways.hpp"
#include "server/transport/http_server.hpp"
#include "server/api/metrics_endpoint.hpp"
#include "workflow/accounts.hpp"
#include "workflow/calendar.hpp"
#include "workflow/lookup.hpp"
#include "workflow/ports.hpp"
#include "workflow/services.hpp"

namespace joldama::server {

class App {
 public:
  // Keeps references to the clock, ICD-10 catalogue, writer, reader, anchors and coordination
  // (when given): they must outlive the app. The calendar is its own: the days off an
  // administrator adds are added to it (and, at start, those added before, and those other
  // servers add, as `coordination` tells). Without a coordination the app is its database's
  // only server.
  App(ServerConfig config, Clock const& clock, WorkingCalendar calendar,
      Icd10Catalogue const& icd10, Transactor& writer, Reader& reader,
      AuditAnchors* anchors = nullptr, Coordination* coordination = nullptr);
  ~App();

  // Listens (on config.port; 0 picks a free one), and on config.metrics_listen for the metrics
  // when it is set, and starts the sweep's timer.
  Result<std::uint16_t> start();

  // The port the metrics are served on (config.metrics_listen), once started; 0 without one.
  std::uint16_t metrics_port() const { return metrics_port_; }

  // Stops the timer, stops accepting, lets requests in flight finish. Idempotent.
  void stop();

  // Runs the deadline sweep to the end now, as the timer does: expires talons past validity,
  // marks overdue steps, reminds, and removes ended sessions and notices and sent messages
  // older than they are kept for.
  Result<SweepReport> sweep_now();

  Api& api() { return api_; }
  ServerConfig const& config() const { return config_; }

 private:
  void sweep_loop();
  void start_delivery();
  // Adds the days off announced in the database that the calendar does not have yet.
  Status take_announced_days_off();
  // What another server (or this one) changed of what this one keeps in memory.
  void changed(Coordination::Change change);

  ServerConfig config_;
  Clock const& clock_;
  Transactor& writer_;
  Reader& reader_;
  SoleServer sole_server_;
  Coordination& coordination_;
  WorkingCalendar calendar_;
  Workflow workflow_;
  Lookup lookup_;
  Reports reports_;
  Accounts accounts_;
  Api api_;
  HttpServer http_;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;
  std::unique_ptr<HttpServer> metrics_http_;
  std::uint16_t metrics_port_ = 0;
  std::unique_ptr<SmtpGateway> smtp_;
  std::unique_ptr<HttpSmsGateway> sms_;
  std::unique_ptr<DeliveryWorker> delivery_;  // only when a gateway is configured

  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace joldama::server
