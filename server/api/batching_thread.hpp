#pragma once
// A thread of its own that takes items queued by other threads and handles them in batches:
// all that arrived while it handled the previous batch, gathered for up to `gather` after the
// first. Whoever queues never waits for the handling.

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace joldama::server {

template <class T>
class BatchingThread {
 public:
  using Handle = std::function<void(std::vector<T>& batch)>;

  // `name` (at most 15 characters) names the thread for ps, perf and gdb.
  BatchingThread(std::string name, std::chrono::milliseconds gather, Handle handle)
      : name_(std::move(name)), gather_(gather), handle_(std::move(handle)),
        thread_([this] { run(); }) {}

  // Handles what is left, then stops.
  ~BatchingThread() {
    {
      std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  BatchingThread(BatchingThread const&) = delete;
  BatchingThread& operator=(BatchingThread const&) = delete;

  // Thread-safe.
  void push(T item) {
    bool first = false;
    {
      std::lock_guard lock{mutex_};
      first = queued_.empty();
      queued_.push_back(std::move(item));
      ++pending_;
    }
    // Only the first item wakes the thread: it gathers the rest without being woken for each.
    if (first) wake_.notify_one();
  }

  // Returns once everything queued before the call has been handled.
  void flush() {
    std::unique_lock lock{mutex_};
    ++flushing_;
    wake_.notify_one();
    handled_.wait(lock, [&] { return pending_ == 0; });
    --flushing_;
  }

 private:
  void run() {
    pthread_setname_np(pthread_self(), name_.c_str());
    std::vector<T> batch;
    for (;;) {
      {
        std::unique_lock lock{mutex_};
        wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
        if (queued_.empty() && stopping_) return;
        if (gather_.count() > 0) {
          wake_.wait_for(lock, gather_, [&] { return stopping_ || flushing_ > 0; });
        }
        batch.swap(queued_);
      }
      auto const count = batch.size();
      handle_(batch);
      batch.clear();
      {
        std::lock_guard lock{mutex_};
        pending_ -= count;
      }
      handled_.notify_all();
    }
  }

  std::string const name_;
  std::chrono::milliseconds const gather_;
  Handle const handle_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable handled_;
  std::vector<T> queued_;
  std::size_t pending_ = 0;  // queued or being handled
  int flushing_ = 0;  // callers waiting in flush()
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace joldama::server
