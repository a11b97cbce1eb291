// Where the API's reads run (server/api/read_executor.hpp): on the thread that hands them over, or on
// a pool, and at shutdown finished before what their answers go through is destroyed.

#include "server/api/read_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace joldama::server {
namespace {

TEST(ReadExecutor, WithoutThreadsAReadRunsAtOnceOnTheThreadThatHandsItOver) {
  ReadExecutor reads{0};
  EXPECT_FALSE(reads.pooled());
  std::thread::id ran_on;
  reads.run([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(ReadExecutor, FinishWaitsForTheReadsInHandAndLaterReadsRunAtOnce) {
  ReadExecutor reads{2};
  EXPECT_TRUE(reads.pooled());
  std::promise<void> may_end;
  std::shared_future<void> const release = may_end.get_future().share();
  std::promise<void> started;
  std::atomic<bool> ended{false};
  reads.run([&, release] {
    started.set_value();
    release.wait();
    ended = true;
  });
  started.get_future().wait();  // the read is in hand, on the pool

  std::atomic<bool> finished{false};
  std::thread finisher{[&] {
    reads.finish();
    finished = true;
  }};
  // finish() cannot return while the read is held: it returns only after the read ends.
  std::this_thread::yield();
  EXPECT_FALSE(finished.load()) << "finish() returned while a read was held";
  may_end.set_value();
  finisher.join();
  EXPECT_TRUE(ended.load()) << "finish() returned before the read in hand was done";
  EXPECT_TRUE(finished.load());

  std::thread::id ran_on;
  reads.run([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id()) << "after finish(), a read runs at once";
  reads.finish();  // again: nothing to wait for
}

}  // namespace
}  // namespace joldama::server
