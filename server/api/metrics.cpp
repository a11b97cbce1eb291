#include "server/api/metrics.hpp"

#include <fmt/format.h>

namespace joldama::server {

namespace {

std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// The two lines that introduce a metric in Prometheus' text format.
void describe(std::string& out, std::string_view name, std::string_view type,
              std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The engine's figures, each under the program's prefix.
class EngineFigures final : public FigureSink {
 public:
  explicit EngineFigures(std::string& out) : out_(out) {}
  void figure(std::string_view name, FigureKind kind, std::string_view help,
              std::span<FigureSample const> samples) override {
    auto const full = fmt::format("joldama_{}", name);
    describe(out_, full, kind == FigureKind::Counter ? "counter" : "gauge", help);
    for (auto const& sample : samples) {
      if (sample.label.empty()) {
        out_ += fmt::format("{} {}\n", full, sample.value);
      } else {
        out_ += fmt::format("{}{{{}=\"{}\"}} {}\n", full, sample.label, label(sample.label_value),
                            sample.value);
      }
    }
  }

 private:
  std::string& out_;
};

}  // namespace

void Metrics::observe(std::string_view route, std::string_view method, int status, double seconds) {
  std::lock_guard lock{mutex_};
  ++requests_[{route, method, status}];
  auto& histogram = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::sweep_done(SweepReport const& report) {
  std::lock_guard lock{mutex_};
  ++sweeps_;
  swept_["expired"] += report.expired.size();
  swept_["overdue"] += report.overdue.size();
  swept_["promoted"] += report.promoted.size();
  swept_["reminded"] += report.reminded.size();
  swept_["admissions_reminded"] += report.admissions_reminded.size();
}

std::string Metrics::render(std::vector<std::pair<State, std::int64_t>> const& referrals_by_state,
                            Transactor const& engine) const {
  std::string out;
  std::lock_guard lock{mutex_};
  describe(out, "joldama_http_requests_total", "counter",
           "HTTP requests answered, by route, method and status.");
  for (auto const& [key, count] : requests_) {
    auto const& [route, method, status] = key;
    out +=
        fmt::format("joldama_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    label(route), method, status, count);
  }
  describe(out, "joldama_http_request_duration_seconds", "histogram",
           "Time to answer a request, by route.");
  for (auto const& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out +=
          fmt::format("joldama_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      label(route), kBuckets[i], h.buckets[i]);
    }
    out +=
        fmt::format("joldama_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    label(route), h.count);
    out += fmt::format("joldama_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                       label(route), h.sum);
    out += fmt::format("joldama_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       label(route), h.count);
  }
  describe(out, "joldama_referrals", "gauge", "Referrals in each state.");
  for (State state : all_values<State>()) {
    std::int64_t count = 0;
    for (auto const& [s, n] : referrals_by_state) {
      if (s == state) count = n;
    }
    out += fmt::format("joldama_referrals{{state=\"{}\"}} {}\n", to_string(state), count);
  }
  describe(out, "joldama_sweeps_total", "counter",
           "Passes of the deadline sweep finished since the server started.");
  out += fmt::format("joldama_sweeps_total {}\n", sweeps_);
  describe(out, "joldama_swept_referrals_total", "counter",
           "Referrals the deadline sweep acted on, by what it did.");
  for (auto const& [what, count] : swept_) {
    out += fmt::format("joldama_swept_referrals_total{{action=\"{}\"}} {}\n", what, count);
  }
  EngineFigures figures{out};
  engine.report_figures(figures);
  return out;
}

}  // namespace joldama::server
