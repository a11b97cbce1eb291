// joldama-bench: the benchmarks' helpers, driven by scripts/bench and scripts/torture.
//
// Each takes --db FILE|URI: a SQLite file, or a PostgreSQL database (postgresql://…).
//
//   joldama-bench generate --db FILE [--referrals N] [--days D] [--seed S]
//       fills an empty database with the demo bureau and N referrals (see bulk_data.hpp);
//       prints one line of JSON: referrals, commands, seconds, by_state, failures
//   joldama-bench patients --db FILE --count N
//       registers N new patients of the demo's doctor; prints the referrals the write
//       benchmark sends, each (patient, profile) once: "IIN PROFILE ICD10" a line
//   joldama-bench bookings --db FILE --count N [--hospital LOGIN]
//       books N planned referrals at the hospital (hospital.75 by default), waiting for its
//       confirmation; prints their ids, one a line
//   joldama-bench sqlite-anchor --db FILE [--seconds S] [--command confirm --bookings FILE]
//       one durable transaction per command, straight on the engine (see sqlite_anchor.hpp;
//       also as `anchor`, which says so better of a PostgreSQL database);
//       prints one line of JSON: transactions, seconds, per_second, p99_ms

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "bench/bench_bureau.hpp"
#include "bench/bulk_data.hpp"
#include "bench/bookings.hpp"
#include "bench/patient_pool.hpp"
#include "bench/sqlite_anchor.hpp"
#include "server/program/command_line.hpp"
#include "server/security/crypto.hpp"
#include "server/program/system_clock.hpp"
#include "storage/engine.hpp"
#include "storage/read_pool.hpp"
#include "storage/writer.hpp"

namespace {

using namespace joldama;

constexpr char const* kUsage = R"(usage:
  joldama-bench generate --db FILE [--referrals N] [--days D] [--seed S] [--calendar FILE]
  joldama-bench patients --db FILE --count N [--calendar FILE]
  joldama-bench bookings --db FILE --count N [--hospital LOGIN] [--calendar FILE]
  joldama-bench sqlite-anchor --db FILE [--seconds S] [--calendar FILE]
                             [--command register|confirm --bookings FILE --hospital LOGIN]
)";

int fail(std::string const& message) {
  fmt::print(stderr, "joldama-bench: {}\n", message);
  return 2;
}

Result<std::int64_t> number(server::CommandLine const& line, std::string const& name,
                            std::int64_t fallback) {
  auto const text = line.option(name);
  if (!text) return fallback;
  std::size_t used = 0;
  try {
    auto const value = std::stoll(*text, &used);
    if (used == text->size() && value >= 0) return static_cast<std::int64_t>(value);
  } catch (std::exception const&) {
  }
  return validation_error(name, fmt::format("{} takes a whole number, not `{}`", name, *text));
}

Result<WorkingCalendar> calendar_of(server::CommandLine const& line) {
  auto const path = line.option("--calendar").value_or(
      (std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" / "calendar-kz.txt").string());
  return WorkingCalendar::load(path);
}

Result<Icd10Catalogue> icd10_of() {
  return Icd10Catalogue::load(std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" / "icd10.tsv");
}

int generate(server::CommandLine const& line) {
  auto const path = line.option("--db");
  if (!path) return fail("generate needs --db FILE");
  auto referrals = number(line, "--referrals", 10'000);
  auto days = number(line, "--days", 120);
  auto seed = number(line, "--seed", 2026);
  for (auto const* n : {&referrals, &days, &seed}) {
    if (!*n) return fail(n->error().message);
  }
  auto calendar = calendar_of(line);
  if (!calendar) return fail(calendar.error().message);
  auto icd10 = icd10_of();
  if (!icd10) return fail(icd10.error().message);
  if (auto s = server::init_crypto(); !s) return fail(s.error().message);
  if (!storage::names_postgres(*path) && std::filesystem::exists(*path)) {
    return fail(*path + " exists; generate fills a new database");
  }

  auto const started = std::chrono::steady_clock::now();
  // Big batches: nobody waits for an answer here, and fewer commits make it quicker. A page
  // cache the size of the whole bureau (it grows only as pages are read; a million referrals
  // make about 6 GB): past 100,000 referrals the indexes every command walks no longer fit in
  // the server's 32 MB, and copying pages in from the kernel took most of the time. No
  // niceness: nothing else runs beside the generator.
  storage::WriterOptions writer_options{1024};
  writer_options.cache_kib = 8 * 1024 * 1024;
  writer_options.nice = 0;
  auto writer = storage::open_writer(*path, writer_options);
  if (!writer) return fail(writer.error().message);
  auto reader = storage::open_read_pool(*path, 1);
  if (!reader) return fail(reader.error().message);
  bench::BulkOptions options;
  options.referrals = *referrals;
  options.days = static_cast<int>(*days);
  options.seed = static_cast<std::uint64_t>(*seed);
  server::SystemClock clock;
  auto report = bench::generate_bureau(
      **writer, **reader, clock.now(), *calendar, *icd10, DeadlinePolicy{}, options,
      [&](std::int64_t queued, std::int64_t total) {
        fmt::print(stderr, "\rjoldama-bench: {} of {} referrals", queued, total);
      });
  (*writer)->stop();
  if (*referrals >= 10'000) fmt::print(stderr, "\n");
  if (!report) return fail(report.error().message);

  boost::json::object by_state;
  for (auto const& [state, count] : report->by_state) by_state[to_string(state)] = count;
  boost::json::object failures;
  for (auto const& [message, count] : report->failures) failures[message] = count;
  boost::json::object out{
      {"referrals", report->referrals},
      {"commands", report->commands},
      {"skipped_steps", report->skipped_steps},
      {"seconds",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()},
      {"by_state", std::move(by_state)},
      {"failures", std::move(failures)}};
  fmt::print("{}\n", boost::json::serialize(out));
  return report->failures.empty() ? 0 : 1;
}

// The demo's doctor (and `prepare`) on the bureau at --db, in one transaction; prints what
// `prepare` made, one line each.
template <class Prepare>
int prepare_in_bureau(server::CommandLine const& line, std::string const& command,
                      Prepare const& prepare) {
  auto const path = line.option("--db");
  if (!path) return fail(command + " needs --db FILE");
  auto count = number(line, "--count", 1000);
  if (!count) return fail(count.error().message);
  auto calendar = calendar_of(line);
  if (!calendar) return fail(calendar.error().message);
  auto icd10 = icd10_of();
  if (!icd10) return fail(icd10.error().message);
  auto bureau = bench::BenchBureau::open(*path, *calendar, *icd10, DeadlinePolicy{});
  if (!bureau) return fail(bureau.error().message);
  auto& b = **bureau;
  auto doctor = b.actor("doctor");
  if (!doctor) return fail(doctor.error().message);
  auto lines = b.in_transaction(
      [&] { return prepare(b, *calendar, *doctor, static_cast<std::size_t>(*count)); });
  if (!lines) return fail(lines.error().message);
  for (auto const& text : *lines) fmt::print("{}\n", text);
  return 0;
}

// The write benchmark's referrals: a patient's IIN, a profile and a diagnosis a line.
int patients(server::CommandLine const& line) {
  return prepare_in_bureau(
      line, "patients",
      [](bench::BenchBureau& b, WorkingCalendar const&, Actor const& doctor,
         std::size_t count) -> Result<std::vector<std::string>> {
        auto pool = bench::register_patient_pool(b.store(), b.workflow(), doctor, count, 5000);
        if (!pool) return pool.error();
        std::vector<std::string> lines;
        for (auto const& planned : bench::referral_plan(*pool)) {
          lines.push_back(
              fmt::format("{} {} {}", *planned.iin, planned.kind->profile, planned.kind->icd10));
        }
        return lines;
      });
}

// The confirmation benchmark's bookings: a referral's id a line.
int bookings(server::CommandLine const& line) {
  auto const hospital = line.option("--hospital").value_or("hospital.75");
  return prepare_in_bureau(
      line, "bookings",
      [&](bench::BenchBureau& b, WorkingCalendar const& calendar, Actor const& doctor,
          std::size_t count) -> Result<std::vector<std::string>> {
        auto booked =
            bench::prepare_bookings(b.store(), b.workflow(), calendar, doctor, hospital, count);
        if (!booked) return booked.error();
        std::vector<std::string> lines;
        for (Id id : booked->referrals) lines.push_back(std::to_string(id));
        return lines;
      });
}

// The ids of a file of one id a line.
Result<std::vector<Id>> read_ids(std::string const& path) {
  std::ifstream in{path};
  if (!in) return make_error(Errc::NotFound, fmt::format("cannot read {}", path));
  std::vector<Id> ids;
  for (Id id = 0; in >> id;) ids.push_back(id);
  return ids;
}

int sqlite_anchor(server::CommandLine const& line) {
  auto const path = line.option("--db");
  if (!path) return fail("sqlite-anchor needs --db FILE");
  auto seconds = number(line, "--seconds", 10);
  if (!seconds) return fail(seconds.error().message);
  auto calendar = calendar_of(line);
  if (!calendar) return fail(calendar.error().message);
  auto icd10 = icd10_of();
  if (!icd10) return fail(icd10.error().message);
  auto const command = line.option("--command").value_or("register");
  Result<bench::AnchorReport> report = make_error(Errc::Malformed, "");
  if (command == "register") {
    report = bench::run_sqlite_anchor(*path, std::chrono::seconds{*seconds}, *calendar, *icd10,
                                      DeadlinePolicy{});
  } else if (command == "confirm") {
    auto const bookings = line.option("--bookings");
    if (!bookings) return fail("sqlite-anchor --command confirm needs --bookings FILE");
    auto ids = read_ids(*bookings);
    if (!ids) return fail(ids.error().message);
    report = bench::run_confirm_anchor(*path, std::chrono::seconds{*seconds}, *ids,
                                       line.option("--hospital").value_or("hospital.75"),
                                       *calendar, *icd10, DeadlinePolicy{});
  } else {
    return fail("--command is register or confirm");
  }
  if (!report) return fail(report.error().message);
  boost::json::object out{{"transactions", report->transactions},
                          {"seconds", report->seconds},
                          {"per_second", report->per_second},
                          {"p99_ms", report->p99_ms}};
  fmt::print("{}\n", boost::json::serialize(out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> const args(argv + 1, argv + argc);
  auto line = server::parse_command_line(
      args, {"--db", "--referrals", "--days", "--seed", "--seconds", "--calendar", "--count", "--hospital", "--command",
             "--bookings"}, {"--help"});
  if (!line) return fail(line.error().message + "\n" + kUsage);
  if (line->command == "generate") return generate(*line);
  if (line->command == "anchor") return sqlite_anchor(*line);
  if (line->command == "patients") return patients(*line);
  if (line->command == "bookings") return bookings(*line);
  if (line->command == "sqlite-anchor") return sqlite_anchor(*line);
  fmt::print(stderr, "{}", kUsage);
  return line->command.empty() || line->has("--help") ? 0 : 2;
}
