// The worklist rows shared by the read connections: found only at the exact (id, version,
// overdue mark) they were read at, and forgotten least recently used first.

#include "storage/listing_cache.hpp"

#include <gtest/gtest.h>

#include <span>
#include <vector>

namespace joldama::storage {
namespace {

SharedListing listing(Id id, std::int64_t version, std::string patient) {
  ReferralListing l;
  l.referral.id = id;
  l.referral.version = version;
  l.patient_name = std::move(patient);
  return std::make_shared<ReferralListing const>(std::move(l));
}

// One key looked up as a page of one.
SharedListing find(ListingCache& cache, ListingCache::Key const& key) {
  return cache.find_all(std::span{&key, 1}).front();
}

TEST(ListingCache, FindsARowOnlyAtTheKeyItWasReadAt) {
  ListingCache cache{10};
  cache.keep({1, 3, std::nullopt}, listing(1, 3, "Ким Ольга"));
  auto const found = find(cache, {1, 3, std::nullopt});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->patient_name, "Ким Ольга");
  EXPECT_FALSE(find(cache, {1, 4, std::nullopt})) << "a newer version must be read again";
  EXPECT_FALSE(find(cache, {1, 3, 1'700'000'000'000})) << "the overdue mark is part of the key";
  EXPECT_FALSE(find(cache, {2, 3, std::nullopt}));
  auto const stats = cache.statistics();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 3u);
}

TEST(ListingCache, AChangedReferralReplacesItsOldRow) {
  ListingCache cache{10};
  cache.keep({7, 1, std::nullopt}, listing(7, 1, "before"));
  cache.keep({7, 2, std::nullopt}, listing(7, 2, "after"));
  EXPECT_FALSE(find(cache, {7, 1, std::nullopt}));
  ASSERT_TRUE(find(cache, {7, 2, std::nullopt}));
  EXPECT_EQ(find(cache, {7, 2, std::nullopt})->patient_name, "after");
  EXPECT_EQ(cache.statistics().size, 1u);
}

TEST(ListingCache, ForgetsTheLeastRecentlyUsed) {
  ListingCache cache{2};
  cache.keep({1, 1, std::nullopt}, listing(1, 1, "one"));
  cache.keep({2, 1, std::nullopt}, listing(2, 1, "two"));
  ASSERT_TRUE(find(cache, {1, 1, std::nullopt}));  // 1 is now the most recent
  cache.keep({3, 1, std::nullopt}, listing(3, 1, "three"));
  EXPECT_TRUE(find(cache, {1, 1, std::nullopt}));
  EXPECT_FALSE(find(cache, {2, 1, std::nullopt}));
  EXPECT_TRUE(find(cache, {3, 1, std::nullopt}));
  EXPECT_EQ(cache.statistics().size, 2u);
}

// A page of a worklist is looked up at once: each key answered in its place, a row held at
// another version or not at all answered null, and every row found counted as recently used.
TEST(ListingCache, FindsAWholePageInTheKeysOrder) {
  ListingCache cache{3};
  cache.keep({1, 1, std::nullopt}, listing(1, 1, "one"));
  cache.keep({2, 5, std::nullopt}, listing(2, 5, "two"));
  cache.keep({3, 1, std::nullopt}, listing(3, 1, "three"));
  std::vector<ListingCache::Key> const page{
      {3, 1, std::nullopt}, {9, 1, std::nullopt}, {2, 4, std::nullopt}, {1, 1, std::nullopt}};
  auto const found = cache.find_all(page);
  ASSERT_EQ(found.size(), page.size());
  ASSERT_TRUE(found[0]);
  EXPECT_EQ(found[0]->patient_name, "three");
  EXPECT_FALSE(found[1]) << "never read";
  EXPECT_FALSE(found[2]) << "held at another version";
  ASSERT_TRUE(found[3]);
  EXPECT_EQ(found[3]->patient_name, "one");
  auto const stats = cache.statistics();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 2u);
  // 2 was not found at its key, so it is now the least recently used and goes first.
  cache.keep({4, 1, std::nullopt}, listing(4, 1, "four"));
  EXPECT_TRUE(find(cache, {1, 1, std::nullopt}));
  EXPECT_TRUE(find(cache, {3, 1, std::nullopt}));
  EXPECT_FALSE(find(cache, {2, 5, std::nullopt}));
  EXPECT_TRUE(cache.find_all({}).empty());
}

// What is held is shared, not copied: every worklist that shows a row shows the same one, and
// a row forgotten by the cache lives on for whoever still shows it.
TEST(ListingCache, HandsOutTheRowItHoldsWithoutCopyingIt) {
  ListingCache cache{1};
  auto const kept = listing(5, 2, "Омаров Ерлан");
  cache.keep({5, 2, std::nullopt}, kept);
  auto const first = find(cache, {5, 2, std::nullopt});
  auto const second = find(cache, {5, 2, std::nullopt});
  EXPECT_EQ(first.get(), kept.get());
  EXPECT_EQ(second.get(), kept.get());
  cache.keep({6, 1, std::nullopt}, listing(6, 1, "another"));  // forgets 5
  EXPECT_FALSE(find(cache, {5, 2, std::nullopt}));
  EXPECT_EQ(first->patient_name, "Омаров Ерлан");
}

}  // namespace
}  // namespace joldama::storage
