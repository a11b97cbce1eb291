#pragma once
// Quota arithmetic that needs no storage: proportional distribution and waitlist order.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/result.hpp"

namespace joldama {

inline constexpr int kMaxAllocation = 1'000'000;

// "2026/75/oncology", as audit events name a quota.
std::string describe(QuotaKey const& key);

// Splits `total` units across parts in proportion to `weights` by the largest-remainder
// (Hamilton) method: each part gets the integer part of its exact share, and the units left go
// to the largest fractional remainders (ties: the larger weight, then the earlier part).
// The parts always sum to `total`. Validation errors: total outside 0..kMaxAllocation
// (field "total"), no weights or a zero or negative weight sum.
Result<std::vector<int>> distribute_largest_remainder(int total,
                                                      std::span<std::int64_t const> weights);

// A referral's place in a waitlist.
struct WaitlistEntry {
  Id referral_id = 0;
  Urgency urgency = Urgency::Routine;
  Timestamp waitlisted_at{};
};

// Waitlist order: urgent before routine, then the longest waiting, then the earlier referral.
bool waits_before(WaitlistEntry const& a, WaitlistEntry const& b);

}  // namespace joldama
