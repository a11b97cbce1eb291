#pragma once
// Quota arithmetic that needs no storage: proportional distribution and waitlist order.

#include <array>
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

// The waitlist's order, declared once: the first key on which two waiters differ decides who
// gets a freed unit first. Storage renders these keys into its queries (the promotion's "who
// is next" and the place a patient is told) and does not decide the order itself.
enum class WaitlistKey {
  UrgentFirst,      // urgent before routine
  LongestWaiting,   // then whoever joined the waitlist earlier
  EarlierReferral,  // then the earlier referral (ids rise with registration)
};
inline constexpr std::array kWaitlistOrder{WaitlistKey::UrgentFirst, WaitlistKey::LongestWaiting,
                                           WaitlistKey::EarlierReferral};

// Waitlist order by kWaitlistOrder.
bool waits_before(WaitlistEntry const& a, WaitlistEntry const& b);

// Whether a referral waiting for the quota `waiting_for` may take a unit freed in `freed`:
// the same region and profile, and a waiter of an earlier year draws on this year's quota
// (one of a later year waits for its own).
bool draws_on(QuotaKey const& waiting_for, QuotaKey const& freed);

}  // namespace joldama
