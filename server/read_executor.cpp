#include "server/read_executor.hpp"

#include <boost/asio/post.hpp>
#include <memory>

namespace joldama::server {

ReadExecutor::ReadExecutor(std::size_t threads)
    : pool_(threads == 0 ? nullptr : std::make_unique<boost::asio::thread_pool>(threads)) {}

ReadExecutor::~ReadExecutor() {
  if (pool_) pool_->join();
}

void ReadExecutor::run(std::function<void()> read) {
  if (!pool_) return read();
  boost::asio::post(*pool_, std::move(read));
}

}  // namespace joldama::server
