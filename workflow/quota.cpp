#include "workflow/quota.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace joldama {

std::string describe(QuotaKey const& key) {
  return fmt::format("{}/{}/{}", key.period, key.region, key.profile);
}

Result<std::vector<int>> distribute_largest_remainder(int total,
                                                      std::span<std::int64_t const> weights) {
  if (total < 0 || total > kMaxAllocation) {
    return validation_error("total", "the total must be between 0 and 1000000");
  }
  if (weights.empty()) return validation_error("total", "there is nothing to distribute over");
  std::int64_t weight_sum = 0;
  for (auto w : weights) {
    if (w < 0) return validation_error("total", "a weight is negative");
    weight_sum += w;
  }
  if (weight_sum <= 0) return validation_error("total", "the weights sum to zero");

  // Exact shares are total * w / sum; with total <= 1e6 and populations of a country, the
  // products fit comfortably in 64 bits.
  std::vector<int> parts(weights.size());
  std::vector<std::int64_t> remainders(weights.size());
  int assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    auto const scaled = static_cast<std::int64_t>(total) * weights[i];
    parts[i] = static_cast<int>(scaled / weight_sum);
    remainders[i] = scaled % weight_sum;
    assigned += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
    if (weights[a] != weights[b]) return weights[a] > weights[b];
    return a < b;
  });
  // Fewer units are left than there are parts, since each remainder is below one unit.
  for (std::size_t k = 0; assigned < total; ++k, ++assigned) ++parts[order[k]];
  return parts;
}

bool waits_before(WaitlistEntry const& a, WaitlistEntry const& b) {
  for (auto const key : kWaitlistOrder) {
    switch (key) {
      case WaitlistKey::UrgentFirst:
        if (a.urgency != b.urgency) return a.urgency == Urgency::Urgent;
        break;
      case WaitlistKey::LongestWaiting:
        if (a.waitlisted_at != b.waitlisted_at) return a.waitlisted_at < b.waitlisted_at;
        break;
      case WaitlistKey::EarlierReferral:
        if (a.referral_id != b.referral_id) return a.referral_id < b.referral_id;
        break;
    }
  }
  return false;
}

bool draws_on(QuotaKey const& waiting_for, QuotaKey const& freed) {
  return waiting_for.region == freed.region && waiting_for.profile == freed.profile &&
         waiting_for.period <= freed.period;
}

}  // namespace joldama
