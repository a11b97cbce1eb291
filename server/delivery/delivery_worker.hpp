#pragma once
// The delivery worker: a thread that, every poll interval, sends the patients'
// messages that are due through the configured gateways, until stopped. The outbox in the
// database is the queue: the worker keeps nothing of its own, so a restart carries on where
// the last run stopped.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "workflow/outbox.hpp"

namespace joldama::server {

class DeliveryWorker {
 public:
  // Keeps references to the writer, the clock and the gateways: they must outlive the worker.
  DeliveryWorker(Transactor& writer, Clock const& clock, Gateways gateways,
                 DeliveryPolicy policy, std::chrono::milliseconds poll);
  ~DeliveryWorker();

  DeliveryWorker(DeliveryWorker const&) = delete;
  DeliveryWorker& operator=(DeliveryWorker const&) = delete;

  void start();
  // Lets the message being sent finish and stops. Idempotent.
  void stop();

 private:
  void run();

  Transactor& writer_;
  Clock const& clock_;
  Gateways gateways_;
  DeliveryPolicy policy_;
  std::chrono::milliseconds poll_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace joldama::server
