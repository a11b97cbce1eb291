#pragma once
// Request counters and latency histograms in Prometheus' text format. Thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/ports.hpp"
#include "workflow/services.hpp"

namespace joldama::server {

class Metrics {
 public:
  // `route` and `method` must outlive the metrics (the router's patterns, literals): they are
  // kept as views, so that counting a request allocates nothing.
  void observe(std::string_view route, std::string_view method, int status, double seconds);
  // Counts a finished pass of the deadline sweep and what it did.
  void sweep_done(SweepReport const& report);

  // The exposition, with the referral counts by state taken at scrape time and what the
  // storage engine reports of itself.
  std::string render(std::vector<std::pair<State, std::int64_t>> const& referrals_by_state,
                     Transactor const& engine) const;

 private:
  static constexpr std::array<double, 13> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string_view, std::string_view, int>, std::uint64_t> requests_;
  std::map<std::string_view, Histogram> latency_;
  std::uint64_t sweeps_ = 0;
  std::map<std::string_view, std::uint64_t> swept_;  // by what the sweep did
};

}  // namespace joldama::server
