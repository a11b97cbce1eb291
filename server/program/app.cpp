#include "server/program/app.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include "server/api/metrics.hpp"

namespace joldama::server {

namespace {

constexpr std::size_t kSweepBatch = 500;
constexpr int kMaxSweepRounds = 1000;

}  // namespace

App::App(ServerConfig config, Clock const& clock, WorkingCalendar calendar,
         Icd10Catalogue const& icd10, Transactor& writer, Reader& reader, AuditAnchors* anchors,
         Coordination* coordination)
    : config_(std::move(config)),
      clock_(clock),
      writer_(writer),
      reader_(reader),
      coordination_(coordination ? *coordination : sole_server_),
      calendar_(std::move(calendar)),
      workflow_(clock, calendar_, icd10, config_.deadlines, config_.access,
                patient_facing_url(config_)),
      lookup_(clock),
      reports_(clock, workflow_.policy()),
      accounts_(clock),
      api_(ApiServices{clock, config_, workflow_, lookup_, reports_, accounts_, writer, reader,
                       calendar_, anchors}),
      http_(HttpServerOptions{config_.host, config_.port, config_.threads, config_.read_timeout},
            api_) {}

App::~App() {
  stop();
}

Status App::take_announced_days_off() {
  return reader_.read([this](StoreReads& store) -> Status {
    auto days = store.list_announced_days_off();
    if (!days) return days.error();
    for (auto const& day : *days) {
      if (calendar_.is_working_day(day.date)) calendar_.announce_day_off(day.date, day.description);
    }
    return ok();
  });
}

void App::changed(Coordination::Change change) {
  using Change = Coordination::Change;
  if (change == Change::Accounts || change == Change::Anything) api_.sessions().forget_all();
  if (change == Change::Calendar || change == Change::Anything) {
    if (auto s = take_announced_days_off(); !s) {
      fmt::print(stderr, "joldama: the days off another server announced could not be read: {}\n",
                 s.error().message);
    }
  }
}

Result<std::uint16_t> App::start() {
  if (auto s = api_.restore_login_failures(); !s) return s.error();
  // What other servers on the database change from now on, then the days off administrators
  // added before, on top of the calendar file's.
  coordination_.listen([this](Coordination::Change change) { changed(change); });
  if (auto s = coordination_.start(); !s) return s.error();
  if (auto s = take_announced_days_off(); !s) return s.error();
  if (!config_.metrics_listen.empty()) {
    auto const colon = config_.metrics_listen.rfind(':');
    HttpServerOptions options{config_.metrics_listen.substr(0, colon),
                              static_cast<std::uint16_t>(
                                  std::stoi(config_.metrics_listen.substr(colon + 1))),
                              1, config_.read_timeout};
    metrics_endpoint_ = std::make_unique<MetricsEndpoint>(api_);
    metrics_http_ = std::make_unique<HttpServer>(options, *metrics_endpoint_);
    auto bound = metrics_http_->start();
    if (!bound) return bound.error();
    metrics_port_ = *bound;
  }
  auto port = http_.start();
  if (!port) return port;
  sweeper_ = std::thread([this] { sweep_loop(); });
  start_delivery();
  return port;
}

void App::stop() {
  {
    std::lock_guard lock{sweep_mutex_};
    if (stopping_) return;
    stopping_ = true;
  }
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  coordination_.stop();
  if (delivery_) delivery_->stop();
  if (metrics_http_) metrics_http_->stop();
  http_.stop();
  api_.flush();  // the audit events of the last requests, while the writer still runs
  // The writer runs commands in order: once this empty one is done, every completion of this
  // app's earlier commands has returned, and none of them can touch the connections or the API
  // while they are destroyed.
  (void)transact(writer_, [](Store&) -> Status { return ok(); });
}

Result<SweepReport> App::sweep_now() {
  SweepReport total;
  for (int round = 0; round < kMaxSweepRounds; ++round) {
    auto report = transact(
        writer_, [&](Store& store) { return workflow_.sweep_deadlines(store, kSweepBatch); });
    if (!report) return report.error();
    bool const done = report->expired.size() < kSweepBatch &&
                      report->overdue.size() < kSweepBatch &&
                      report->reminded.size() < kSweepBatch &&
                      report->admissions_reminded.size() < kSweepBatch;
    total.expired.insert(total.expired.end(), report->expired.begin(), report->expired.end());
    total.overdue.insert(total.overdue.end(), report->overdue.begin(), report->overdue.end());
    total.promoted.insert(total.promoted.end(), report->promoted.begin(), report->promoted.end());
    total.reminded.insert(total.reminded.end(), report->reminded.begin(), report->reminded.end());
    total.admissions_reminded.insert(total.admissions_reminded.end(),
                                     report->admissions_reminded.begin(),
                                     report->admissions_reminded.end());
    if (done) break;
  }
  auto const now = clock_.now();
  auto removed = transact(writer_, [&](Store& store) {
    return store.delete_stale_sessions(now, now - config_.sessions.idle);
  });
  if (!removed) return removed.error();
  if (*removed > 0) api_.sessions().forget_all();
  auto const aged = transact(writer_, [&](Store& store) {
    return store.delete_login_failures_before(api_.login_throttle().forget_before(now));
  });
  if (!aged) return aged.error();
  // Old idempotency records, a batch per command so that the writer is never held for long.
  for (int round = 0; round < kMaxSweepRounds; ++round) {
    auto forgotten = transact(writer_, [&](Store& store) {
      return store.delete_idempotency_before(now - config_.idempotency_keys_for,
                                             static_cast<int>(kSweepBatch));
    });
    if (!forgotten) return forgotten.error();
    if (*forgotten < static_cast<std::int64_t>(kSweepBatch)) break;
  }
  // Notices and sent messages past their keeping; a message not yet sent is kept however old.
  auto const kept_since = now - config_.notices_kept_for;
  for (int round = 0; round < kMaxSweepRounds; ++round) {
    auto removed_notices = transact(writer_, [&](Store& store) {
      return store.delete_notices_before(kept_since, kSweepBatch);
    });
    if (!removed_notices) return removed_notices.error();
    auto removed_messages = transact(writer_, [&](Store& store) {
      return store.delete_sent_messages_before(kept_since, kSweepBatch);
    });
    if (!removed_messages) return removed_messages.error();
    auto const batch = static_cast<std::int64_t>(kSweepBatch);
    if (*removed_notices < batch && *removed_messages < batch) break;
  }
  return total;
}

void App::start_delivery() {
  Gateways gateways;
  if (!config_.smtp_url.empty()) {
    smtp_ = std::make_unique<SmtpGateway>(
        SmtpSettings{config_.smtp_url, config_.email_from, config_.smtp_user,
                     config_.smtp_password},
        clock_);
    gateways.email = smtp_.get();
  }
  if (!config_.sms_gateway_url.empty()) {
    sms_ = std::make_unique<HttpSmsGateway>(
        SmsSettings{config_.sms_gateway_url, config_.sms_token});
    gateways.sms = sms_.get();
  }
  // Without a gateway nothing is sent: the messages wait in the outbox for one.
  if (!gateways.sms && !gateways.email) return;
  delivery_ = std::make_unique<DeliveryWorker>(writer_, clock_, gateways, config_.delivery,
                                               config_.delivery_poll);
  delivery_->start();
}

void App::sweep_loop() {
  pthread_setname_np(pthread_self(), "sweeper");
  std::unique_lock lock{sweep_mutex_};
  while (!stopping_) {
    lock.unlock();
    // One server of those sharing the database sweeps at a time; the others wait for the next
    // round (a sweep they ran too would find nothing left, but would hold the writers up).
    if (coordination_.begin_sweep_turn()) {
      auto report = sweep_now();
      coordination_.end_sweep_turn();
      if (report) api_.metrics().sweep_done(*report);
      if (!report) {
        fmt::print(stderr, "joldama: the deadline sweep failed: {}\n", report.error().message);
      } else if (!report->expired.empty() || !report->overdue.empty()) {
        fmt::print(stderr, "joldama: sweep expired {} talons, marked {} overdue, promoted {}\n",
                   report->expired.size(), report->overdue.size(), report->promoted.size());
      }
    }
    lock.lock();
    sweep_wake_.wait_for(lock, config_.sweep_interval, [&] { return stopping_; });
  }
}

}  // namespace joldama::server
