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

}  // namespace

void Metrics::observe(std::string_view route, std::string_view method, int status,
                      double seconds) {
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
  out +=
      "# HELP joldama_http_requests_total HTTP requests answered, by route, method and status.\n";
  out += "# TYPE joldama_http_requests_total counter\n";
  for (auto const& [key, count] : requests_) {
    auto const& [route, method, status] = key;
    out +=
        fmt::format("joldama_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    label(route), method, status, count);
  }
  out += "# HELP joldama_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE joldama_http_request_duration_seconds histogram\n";
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
  out += "# HELP joldama_referrals Referrals in each state.\n";
  out += "# TYPE joldama_referrals gauge\n";
  for (State state : all_values<State>()) {
    std::int64_t count = 0;
    for (auto const& [s, n] : referrals_by_state) {
      if (s == state) count = n;
    }
    out += fmt::format("joldama_referrals{{state=\"{}\"}} {}\n", to_string(state), count);
  }
  out += "# HELP joldama_writer_commits_total Commits of the single writer (one fsync each).\n";
  out += "# TYPE joldama_writer_commits_total counter\n";
  out += fmt::format("joldama_writer_commits_total {}\n", writer.commits);
  out += "# HELP joldama_writer_commands_total Commands the writer ran; a failed one rolled back alone.\n";
  out += "# TYPE joldama_writer_commands_total counter\n";
  out += fmt::format("joldama_writer_commands_total{{outcome=\"ok\"}} {}\n",
                     writer.commands - writer.failed_commands);
  out += fmt::format("joldama_writer_commands_total{{outcome=\"failed\"}} {}\n",
                     writer.failed_commands);
  out += "# HELP joldama_writer_reruns_total Batches undone and run again with a savepoint per command.\n";
  out += "# TYPE joldama_writer_reruns_total counter\n";
  out += fmt::format("joldama_writer_reruns_total {}\n", writer.reruns);
  out += "# HELP joldama_writer_checkpoints_total Copies of the write-ahead log into the database file.\n";
  out += "# TYPE joldama_writer_checkpoints_total counter\n";
  out += fmt::format("joldama_writer_checkpoints_total {}\n", writer.checkpoints);
  out += "# HELP joldama_writer_checkpoints_busy_total Checkpoints given up because another "
         "connection was copying the log; the next commit asks again.\n";
  out += "# TYPE joldama_writer_checkpoints_busy_total counter\n";
  out += fmt::format("joldama_writer_checkpoints_busy_total {}\n", writer.checkpoints_busy);
  out += "# HELP joldama_writer_queue Commands waiting for the writer now.\n";
  out += "# TYPE joldama_writer_queue gauge\n";
  out += fmt::format("joldama_writer_queue {}\n", writer.queued);
  return out;
}

}  // namespace joldama::server
