// The batching thread: everything queued is handled, in order, in batches, and before it stops.

#include "server/api/batching_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace joldama::server {
namespace {

using namespace std::chrono_literals;

TEST(BatchingThread, HandlesEverythingInOrderAndFlushWaitsForIt) {
  std::vector<int> handled;
  std::atomic<int> batches{0};
  BatchingThread<int> thread{"test-batches", 5ms, [&](std::vector<int>& batch) {
                               ++batches;
                               handled.insert(handled.end(), batch.begin(), batch.end());
                             }};
  for (int i = 0; i < 1000; ++i) thread.push(i);
  thread.flush();
  ASSERT_EQ(handled.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(handled[static_cast<std::size_t>(i)], i);
  EXPECT_LT(batches.load(), 1000) << "items queued together are handled together";
}

TEST(BatchingThread, HandlesWhatIsLeftBeforeItStops) {
  std::vector<int> handled;
  {
    BatchingThread<int> thread{"test-stop", 1h, [&](std::vector<int>& batch) {
                                 handled.insert(handled.end(), batch.begin(), batch.end());
                               }};
    thread.push(1);
    thread.push(2);
  }  // a gathering time of an hour does not hold up stopping
  EXPECT_EQ(handled, (std::vector<int>{1, 2}));
}

TEST(BatchingThread, FlushDoesNotWaitOutTheGatheringTime) {
  std::vector<int> handled;
  BatchingThread<int> thread{"test-flush", 1h, [&](std::vector<int>& batch) {
                               handled.insert(handled.end(), batch.begin(), batch.end());
                             }};
  thread.push(3);
  thread.flush();  // would hang for an hour if flushing waited for the window
  EXPECT_EQ(handled, (std::vector<int>{3}));
  thread.flush();  // nothing queued: returns at once
}

}  // namespace
}  // namespace joldama::server
