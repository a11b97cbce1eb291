// A child process runs a stream of commands and reports each one the moment it is acknowledged;
// the parent kills it with SIGKILL at a random moment. The database must then pass SQLite's
// integrity check, verify its audit chain, keep the quota counters equal to the referrals that
// hold units, and hold every command that was acknowledged.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>

#include "storage/audit_chain.hpp"
#include "storage/writer.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::at;
using joldama::testing::FakeClock;
using joldama::testing::fresh_iin;
using joldama::testing::kazakhstan_calendar;
using joldama::testing::TempDir;

void report(int fd, std::string const& line) {
  std::string const text = line + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) ::_exit(3);
}

// The child: commands until it is killed. Every line it writes is an acknowledgement.
[[noreturn]] void run_stream(std::filesystem::path const& db_path, int ack_fd) {
  auto started = Writer::start(db_path);
  if (!started) ::_exit(2);
  Writer& writer = **started;
  FakeClock clock{at("2026-03-02T10:00:00+05:00")};
  Workflow workflow{clock, kazakhstan_calendar(), testing::icd10_catalogue(), DeadlinePolicy{}};
  auto const org = [&](OrganizationKind kind) {
    Organization o{0, "Org", kind, OrganizationLevel::Republican, "75", {"oncology"},
                    EnumSet<Route>{Route::HighTech}};
    auto id = transact(writer, [&](Store& s) { return s.insert_organization(o); });
    if (!id) ::_exit(2);
    return *id;
  };
  Id const polyclinic = org(OrganizationKind::Polyclinic);
  Id const hospital = org(OrganizationKind::Hospital);
  Actor const doctor{1, "doctor", Role::Doctor, polyclinic, "75"};
  Actor const commission{2, "commission", Role::Commission, std::nullopt, "75"};
  Actor const republic{3, "republic", Role::Republican, std::nullopt, ""};
  QuotaKey const key{2026, "75", "oncology"};
  // A small quota, so that the stream also waitlists, cancels and promotes.
  if (!transact(writer, [&](Store& s) { return workflow.set_allocation(s, republic, key, 7); })) {
    ::_exit(2);
  }
  report(ack_fd, "ready");

  std::vector<Id> holders;
  for (int i = 0;; ++i) {
    clock.advance(std::chrono::minutes{1});
    PatientDraft patient{
        fresh_iin(),        "Абаев", "Ерлан", "",  testing::day("1970-01-01"), Sex::Male,
        Residency::Citizen, "75",    "",      true, "", Locale::Kk};
    auto p =
        transact(writer, [&](Store& s) { return workflow.register_patient(s, doctor, patient); });
    if (!p) ::_exit(4);
    report(ack_fd, "P " + p->iin);
    ReferralDraft draft{p->iin,
                        "C34.1",
                        "oncology",
                        Route::HighTech,
                        i % 4 == 0 ? Urgency::Urgent : Urgency::Routine,
                        CareForm::Inpatient,
                        "Lung cancer, stage II; surgery at republican level"};
    auto r =
        transact(writer, [&](Store& s) { return workflow.register_referral(s, doctor, draft); });
    if (!r) ::_exit(4);
    report(ack_fd, "R " + std::to_string(r->id) + " " + std::to_string(r->version));
    auto const act = [&](Actor const& actor, Action action, ActionInput input) {
      ActionCommand command{r->id, action, r->version, std::move(input)};
      auto next = transact(writer, [&](Store& s) { return workflow.perform(s, actor, command); });
      if (!next) ::_exit(5);
      r = std::move(next);
      report(ack_fd, "R " + std::to_string(r->id) + " " + std::to_string(r->version));
    };
    act(doctor, Action::Submit, {});
    ActionInput protocol;
    protocol.protocol = "P-" + std::to_string(i);
    act(commission, Action::Approve, protocol);
    ActionInput choose;
    choose.hospital_id = hospital;
    act(republic, Action::Approve, choose);
    if (r->state == State::TalonIssued) holders.push_back(r->id);
    if (i % 3 == 2 && !holders.empty()) {
      // Cancel a talon: its unit goes to the first waitlisted referral.
      Id const cancelled = holders.front();
      holders.erase(holders.begin());
      auto current = transact(writer, [&](Store& s) { return s.find_referral(cancelled); });
      if (!current || !*current) ::_exit(6);
      ActionCommand command{cancelled, Action::Cancel, (*current)->version, {}};
      command.input.reason = "Treated elsewhere";
      auto done = transact(writer, [&](Store& s) { return workflow.perform(s, doctor, command); });
      if (!done) ::_exit(6);
      report(ack_fd, "R " + std::to_string(done->id) + " " + std::to_string(done->version));
    }
  }
}

struct Acknowledged {
  std::vector<std::string> patients;
  std::map<Id, std::int64_t> versions;  // the last acknowledged version of each referral
  int count = 0;
};

void take(Acknowledged& acks, std::string const& line) {
  std::istringstream in{line};
  std::string kind;
  in >> kind;
  if (kind == "P") {
    std::string iin;
    in >> iin;
    acks.patients.push_back(iin);
  } else if (kind == "R") {
    Id id = 0;
    std::int64_t version = 0;
    in >> id >> version;
    acks.versions[id] = std::max(acks.versions[id], version);
  }
  ++acks.count;
}

std::string scalar_text(Database& db, std::string const& sql) {
  auto s = db.prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  auto row = s->step();
  EXPECT_TRUE(row.has_value() && *row);
  return s->text(0);
}

TEST(Crash, SigkillInTheMiddleOfAStreamLosesNothingAcknowledged) {
  std::random_device seed_source;
  unsigned const seed = seed_source();
  std::mt19937 random{seed};
  SCOPED_TRACE("seed " + std::to_string(seed));

  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    auto const db_path = dir.file("joldama.db");
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t const child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      run_stream(db_path, pipe_fds[1]);
    }
    ::close(pipe_fds[1]);

    // Let it run for a random number of acknowledgements, then kill it mid-stream.
    int const kill_after = std::uniform_int_distribution<int>{10, 120}(random);
    Acknowledged acks;
    std::string buffer;
    bool killed = false;
    for (;;) {
      pollfd poller{pipe_fds[0], POLLIN, 0};
      int const ready = ::poll(&poller, 1, 30'000);
      ASSERT_GT(ready, 0) << "the child stopped acknowledging";
      char chunk[4096];
      ssize_t const n = ::read(pipe_fds[0], chunk, sizeof chunk);
      if (n <= 0) break;  // the child is gone and the pipe drained
      buffer.append(chunk, static_cast<std::size_t>(n));
      for (auto newline = buffer.find('\n'); newline != std::string::npos;
           newline = buffer.find('\n')) {
        take(acks, buffer.substr(0, newline));
        buffer.erase(0, newline + 1);
      }
      if (!killed && acks.count >= kill_after) {
        ::usleep(std::uniform_int_distribution<unsigned>{0, 3000}(random));
        ::kill(child, SIGKILL);
        killed = true;
      }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended on its own with status " << status;
    ::close(pipe_fds[0]);
    ASSERT_GE(acks.count, kill_after);

    // Recovery is what the next start does: open the file read-write.
    auto writer = Writer::start(db_path);
    ASSERT_TRUE(writer.has_value()) << writer.error().message;
    (*writer)->stop();
    auto db = SqliteDatabase::open(db_path, SqliteDatabase::Access::ReadOnly);
    ASSERT_TRUE(db.has_value());
    EXPECT_EQ(scalar_text(*db, "PRAGMA integrity_check"), "ok");
    auto foreign_keys = db->prepare("PRAGMA foreign_key_check");
    EXPECT_FALSE(foreign_keys->step().value()) << "a dangling reference";
    *foreign_keys = Statement{};
    auto const chain = verify_audit(*db);
    ASSERT_TRUE(chain.has_value());
    EXPECT_TRUE(chain->ok) << "broken at " << chain->broken_seq.value_or(0) << ": "
                           << chain->reason;

    for (auto const& iin : acks.patients) {
      auto s = db->prepare("SELECT count(*) FROM patients WHERE iin = ?1");
      s->bind(1, iin);
      ASSERT_TRUE(s->step().value());
      EXPECT_EQ(s->int64(0), 1) << "acknowledged patient " << iin << " is missing";
    }
    for (auto const& [id, version] : acks.versions) {
      auto s = db->prepare("SELECT version FROM referrals WHERE id = ?1");
      s->bind(1, id);
      auto row = s->step();
      ASSERT_TRUE(row.has_value() && *row) << "acknowledged referral " << id << " is missing";
      EXPECT_GE(s->int64(0), version) << "referral " << id << " lost an acknowledged change";
    }
    // The counters match the referrals that hold units.
    auto counters = db->prepare("SELECT reserved, used FROM quotas");
    ASSERT_TRUE(counters->step().value());
    auto const reserved = counters->int64(0);
    auto const used = counters->int64(1);
    *counters = Statement{};
    EXPECT_EQ(std::to_string(reserved),
              scalar_text(*db, "SELECT count(*) FROM referrals WHERE quota_holding = 'reserved'"));
    EXPECT_EQ(std::to_string(used),
              scalar_text(*db, "SELECT count(*) FROM referrals WHERE quota_holding = 'used'"));
  }
}

}  // namespace
}  // namespace joldama::storage
