#pragma once
// Group commit for the audit events of reads. A read's answer waits until its events are
// durable; while one batch of them is being committed, the events of the reads that arrive
// meanwhile wait here, and go together as the next single command when it is done. One write
// command per commit rather than one per read: the writer's queue, its wake-ups and the audit
// chain's tail are touched once for them all. Thread-safe.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/ports.hpp"

namespace joldama::server {

class AuditQueue {
 public:
  using Done = std::function<void(Status)>;
  // Keeps a reference to `writer`, which must outlive the queue and every batch in flight.
  explicit AuditQueue(Transactor& writer) : writer_(writer) {}

  // Appends `events` with the next batch; `done` is called on the writer's thread once they are
  // durable, or with the error that undid the batch. `done` must not block.
  void append(std::vector<AuditEvent> events, Done done);

  // Waits until every batch appended so far is done (before the writer stops).
  void drain();

 private:
  struct Batch {
    std::vector<AuditEvent> events;
    std::vector<Done> done;
  };
  // Sends `batch` to the writer; when it is done, the next one goes.
  void send(Batch batch);

  Transactor& writer_;
  std::mutex mutex_;
  std::condition_variable idle_;
  bool in_flight_ = false;
  Batch waiting_;
};

}  // namespace joldama::server
