#include "server/api/audit_queue.hpp"

#include <memory>

namespace joldama::server {

void AuditQueue::append(std::vector<AuditEvent> events, Done done) {
  Batch batch;
  {
    std::lock_guard lock{mutex_};
    for (auto& event : events) waiting_.events.push_back(std::move(event));
    waiting_.done.push_back(std::move(done));
    if (in_flight_) return;  // goes with the next batch, when the one in flight is done
    in_flight_ = true;
    batch = std::move(waiting_);
    waiting_ = {};
  }
  send(std::move(batch));
}

void AuditQueue::send(Batch batch) {
  auto shared = std::make_shared<Batch>(std::move(batch));
  writer_.submit([shared](Store& store) { return store.append_audit(shared->events); },
                 [this, shared](Status status) {
                   for (auto& done : shared->done) done(status);
                   Batch next;
                   {
                     std::lock_guard lock{mutex_};
                     if (waiting_.done.empty()) {
                       in_flight_ = false;
                       idle_.notify_all();
                       return;
                     }
                     next = std::move(waiting_);
                     waiting_ = {};
                   }
                   send(std::move(next));
                 });
}

}  // namespace joldama::server

namespace joldama::server {

void AuditQueue::drain() {
  std::unique_lock lock{mutex_};
  idle_.wait(lock, [&] { return !in_flight_; });
}

}  // namespace joldama::server
