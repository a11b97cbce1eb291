#include "server/delivery/delivery_worker.hpp"

#include <fmt/format.h>
#include <pthread.h>

namespace joldama::server {

namespace {

constexpr std::size_t kDeliveryBatch = 50;

}  // namespace

DeliveryWorker::DeliveryWorker(Transactor& writer, Clock const& clock, Gateways gateways,
                               DeliveryPolicy policy, std::chrono::milliseconds poll)
    : writer_(writer), clock_(clock), gateways_(gateways), policy_(policy), poll_(poll) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::run() {
  pthread_setname_np(pthread_self(), "delivery");
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    // A full batch means more may be due: take the next at once.
    for (;;) {
      auto tried = deliver_due(writer_, clock_, gateways_, policy_, kDeliveryBatch);
      if (!tried) {
        fmt::print(stderr, "joldama: the delivery of patients' messages failed: {}\n",
                   tried.error().message);
        break;
      }
      if (*tried < kDeliveryBatch) break;
      std::lock_guard check{mutex_};
      if (stopping_) break;
    }
    lock.lock();
    wake_.wait_for(lock, poll_, [&] { return stopping_; });
  }
}

}  // namespace joldama::server
