#include "server/api/read_executor.hpp"

#include <boost/asio/post.hpp>
#include <memory>

namespace joldama::server {

ReadExecutor::ReadExecutor(std::size_t threads)
    : pool_(threads == 0 ? nullptr : std::make_unique<boost::asio::thread_pool>(threads)) {}

ReadExecutor::~ReadExecutor() {
  finish();
}

void ReadExecutor::run(std::function<void()> read) {
  if (!pool_) return read();
  {
    std::shared_lock lock{finishing_};
    if (!finished_) {
      boost::asio::post(*pool_, std::move(read));
      return;
    }
  }
  read();
}

void ReadExecutor::finish() {
  if (!pool_) return;
  {
    std::unique_lock lock{finishing_};
    if (finished_) return;
    finished_ = true;
  }
  pool_->join();
}

}  // namespace joldama::server
