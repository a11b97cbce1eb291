#include "server/request_log.hpp"

#include <pthread.h>

#include <chrono>
#include <cstdio>

namespace joldama::server {

RequestLog::RequestLog() : thread_([this] { run(); }) {}

RequestLog::~RequestLog() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void RequestLog::line(std::string text) {
  {
    std::lock_guard lock{mutex_};
    queued_.push_back(std::move(text));
    ++pending_;
  }
  wake_.notify_one();
}

void RequestLog::flush() {
  std::unique_lock lock{mutex_};
  written_.wait(lock, [&] { return pending_ == 0; });
}

void RequestLog::run() {
  pthread_setname_np(pthread_self(), "request-log");
  std::vector<std::string> batch;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
      if (queued_.empty() && stopping_) return;
      batch.swap(queued_);
    }
    std::string text;
    for (auto const& line : batch) {
      text += line;
      text += '\n';
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
    {
      std::lock_guard lock{mutex_};
      pending_ -= batch.size();
    }
    written_.notify_all();
    batch.clear();
  }
}

}  // namespace joldama::server
