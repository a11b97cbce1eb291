#include "server/metrics.hpp"

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

// A metric without labels: its description and its one value.
template <class Value>
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            Value value) {
  describe(out, name, type, help);
  out += fmt::format("{} {}\n", name, value);
}

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

std::string Metrics::render(std::vector<std::pair<State, std::int64_t>> const& referrals_by_state,
                            TransactorStatistics const& writer) const {
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
  single(out, "joldama_writer_commits_total", "counter",
         "Commits of the single writer (one fsync each).", writer.commits);
  describe(out, "joldama_writer_commands_total", "counter",
           "Commands the writer ran; a failed one rolled back alone.");
  out += fmt::format("joldama_writer_commands_total{{outcome=\"ok\"}} {}\n",
                     writer.commands - writer.failed_commands);
  out += fmt::format("joldama_writer_commands_total{{outcome=\"failed\"}} {}\n",
                     writer.failed_commands);
  single(out, "joldama_writer_reruns_total", "counter",
         "Batches undone and run again with a savepoint per command.", writer.reruns);
  single(out, "joldama_writer_checkpoints_total", "counter",
         "Copies of the write-ahead log into the database file.", writer.checkpoints);
  single(out, "joldama_writer_checkpoints_busy_total", "counter",
         "Checkpoints given up because another connection was copying the log; the next "
         "commit asks again.",
         writer.checkpoints_busy);
  single(out, "joldama_writer_checkpoints_failed_total", "counter",
         "Checkpoints that failed (the disk full, say); the log keeps what they did not copy and "
         "grows until one succeeds.",
         writer.checkpoints_failed);
  single(out, "joldama_writer_queue", "gauge", "Commands waiting for the writer now.",
         writer.queued);
  return out;
}

}  // namespace joldama::server
