// The single writer: atomic commands, group commit with per-command savepoints, optimistic
// concurrency, and what happens after stop.

#include "storage/writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <future>
#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::BureauOptions;
using joldama::testing::TestBureau;

Organization polyclinic(std::string name) {
  return Organization{0, std::move(name), OrganizationKind::Polyclinic, OrganizationLevel::Local,
                      "75", {}, {}};
}

TEST(Writer, AFailingCommandWritesNothing) {
  TestBureau bureau;
  auto const before = *bureau.count("SELECT count(*) FROM organizations");
  auto const failed = bureau.write([&](Store& s) -> Result<Id> {
    auto id = s.insert_organization(polyclinic("Half-written"));
    if (!id) return id;
    return make_error(Errc::Validation, "refused after the insert", "name");
  });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().field, "name");
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations"), before);
}

TEST(Writer, AThrowingCommandIsAnInternalErrorAndWritesNothing) {
  TestBureau bureau;
  auto const before = *bureau.count("SELECT count(*) FROM organizations");
  auto const failed = bureau.write([&](Store& s) -> Status {
    (void)s.insert_organization(polyclinic("Thrown"));
    throw std::runtime_error("a defect");
  });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, Errc::Internal);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations"), before);
  // The writer carries on.
  EXPECT_TRUE(bureau.write([&](Store& s) { return s.insert_organization(polyclinic("After")); }));
}

// Runs `commands` as one batch: the writer is held on a first command until all are queued.
std::vector<Status> run_as_one_batch(TestBureau& bureau, std::vector<Transactor::Work> commands) {
  std::latch release{1};
  std::promise<Status> held;
  bureau.writer->submit(
      [&](Store&) {
        release.wait();
        return ok();
      },
      [&](Status s) { held.set_value(s); });
  std::vector<std::promise<Status>> done(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    bureau.writer->submit(std::move(commands[i]), [&done, i](Status s) { done[i].set_value(s); });
  }
  release.count_down();
  EXPECT_TRUE(held.get_future().get());
  std::vector<Status> results;
  for (auto& promise : done) results.push_back(promise.get_future().get());
  return results;
}

TEST(Writer, CommandsSharingACommitFailAlone) {
  BureauOptions options;
  options.writer.max_batch = 16;
  TestBureau bureau{options};
  auto const before = *bureau.count("SELECT count(*) FROM organizations");

  constexpr int kCommands = 10;
  std::vector<Transactor::Work> commands;
  for (int i = 0; i < kCommands; ++i) {
    commands.push_back([i](Store& s) -> Status {
      auto id = s.insert_organization(polyclinic("Batch " + std::to_string(i)));
      if (!id) return id.error();
      if (i % 3 == 0) return make_error(Errc::Validation, "odd one out", "name");
      return ok();
    });
  }
  auto const results = run_as_one_batch(bureau, std::move(commands));
  int succeeded = 0;
  for (int i = 0; i < kCommands; ++i) {
    Status const& s = results[static_cast<std::size_t>(i)];
    EXPECT_EQ(s.has_value(), i % 3 != 0) << i;
    succeeded += s.has_value() ? 1 : 0;
  }
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations"), before + succeeded);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name IN ('Batch 0', 'Batch 3', "
                          "'Batch 6', 'Batch 9')"),
            0);
  // They failed after writing: the batch was undone and run again with savepoints.
  EXPECT_GE(bureau.writer->statistics().reruns, 1u);
}

TEST(Writer, TheAuditChainOfABatchHoldsOnlyWhatWasKeptAndNeverForks) {
  BureauOptions options;
  options.writer.max_batch = 16;
  TestBureau bureau{options};
  auto const events_before = *bureau.count("SELECT count(*) FROM audit");
  auto const event = [](int i) {
    AuditEvent e;
    e.at = Timestamp{std::chrono::milliseconds{1'780'000'000'000 + i}};
    e.actor = "system";
    e.action = "batch-test";
    e.detail = {{"n", std::to_string(i)}};
    return e;
  };
  // Every third appends and then fails: what it appended goes with it, and the next command
  // chains onto the last event kept, not onto the one undone.
  constexpr int kCommands = 9;
  std::vector<Transactor::Work> commands;
  for (int i = 0; i < kCommands; ++i) {
    commands.push_back([i, &event](Store& s) -> Status {
      if (auto appended = s.append_audit({event(i), event(100 + i)}); !appended) return appended;
      if (i % 3 == 1) return make_error(Errc::Validation, "refused after appending", "n");
      return ok();
    });
  }
  auto const results = run_as_one_batch(bureau, std::move(commands));
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_EQ(results[static_cast<std::size_t>(i)].has_value(), i % 3 != 1) << i;
  }
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit"), events_before + 2 * 6);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit WHERE action = 'batch-test' AND "
                          "(detail LIKE '%\"1\"%' OR detail LIKE '%\"4\"%' OR detail LIKE '%\"7\"%')"),
            0);
  // The next batch, a new transaction, chains on from the end the last one left.
  ASSERT_TRUE(bureau.write([&](Store& s) { return s.append_audit({event(50)}); }));
  auto const check = bureau.read([](StoreReads& s) { return s.verify_audit_chain(); });
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_TRUE(check->ok) << check->reason;
  EXPECT_EQ(check->events, events_before + 2 * 6 + 1);
}

TEST(Writer, FailuresThatWroteNothingNeedNoRerun) {
  BureauOptions options;
  options.writer.max_batch = 16;
  TestBureau bureau{options};
  constexpr int kCommands = 8;
  std::vector<Transactor::Work> commands;
  for (int i = 0; i < kCommands; ++i) {
    commands.push_back([i](Store& s) -> Status {
      if (i % 2 == 0) return make_error(Errc::Validation, "refused before writing", "name");
      auto id = s.insert_organization(polyclinic("Clean " + std::to_string(i)));
      if (!id) return id.error();
      return ok();
    });
  }
  auto const before = bureau.writer->statistics();
  auto const results = run_as_one_batch(bureau, std::move(commands));
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_EQ(results[static_cast<std::size_t>(i)].has_value(), i % 2 == 1);
  }
  auto const after = bureau.writer->statistics();
  EXPECT_EQ(after.reruns, before.reruns);
  EXPECT_EQ(after.failed_commands - before.failed_commands, 4u);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'Clean %'"), 4);
}

TEST(Writer, CommandsAfterStopAreRefused) {
  TestBureau bureau;
  bureau.writer->stop();
  auto const refused =
      bureau.write([&](Store& s) { return s.insert_organization(polyclinic("Late")); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::Unavailable);
}

TEST(Writer, StopFinishesWhatIsQueued) {
  TestBureau bureau;
  std::atomic<int> completed{0};
  for (int i = 0; i < 50; ++i) {
    bureau.writer->submit(
        [i](Store& s) -> Status {
          auto id = s.insert_organization(polyclinic("Queued " + std::to_string(i)));
          if (!id) return id.error();
          return ok();
        },
        [&](Status s) {
          if (s) ++completed;
        });
  }
  bureau.writer->stop();
  EXPECT_EQ(completed.load(), 50);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'Queued %'"), 50);
}

// Two updates from the same version: one succeeds, the other is a conflict, and the loser's
// quota movement and audit event are undone with it.
TEST(Writer, TwoUpdatesFromTheSameVersionOneWinsAndNothingIsHalfWritten) {
  TestBureau bureau;
  auto const key = bureau.key();
  ASSERT_TRUE(bureau.set_quota(key, 5));
  auto referral = bureau.referral_with_talon();
  ASSERT_TRUE(referral.has_value());
  auto const version = referral->version;
  auto const events_before = *bureau.count("SELECT count(*) FROM audit");

  ActionInput decline;
  decline.reason = "No beds";
  ActionInput cancel;
  cancel.reason = "Patient refused";
  std::latch start{2};
  Result<Referral> by_hospital = make_error(Errc::Internal, "not run");
  Result<Referral> by_doctor = make_error(Errc::Internal, "not run");
  std::thread a([&] {
    start.arrive_and_wait();
    by_hospital = bureau.act(bureau.hospital, referral->id, Action::Decline, decline, version);
  });
  std::thread b([&] {
    start.arrive_and_wait();
    by_doctor = bureau.act(bureau.doctor, referral->id, Action::Cancel, cancel, version);
  });
  a.join();
  b.join();
  ASSERT_NE(by_hospital.has_value(), by_doctor.has_value());
  auto const& loser = by_hospital ? by_doctor : by_hospital;
  EXPECT_EQ(loser.error().code, Errc::StaleVersion);
  auto const stored = bureau.get(referral->id);
  EXPECT_EQ(stored->version, version + 1);
  EXPECT_EQ(stored->state, by_hospital ? State::RepublicanReview : State::Cancelled);
  EXPECT_EQ(bureau.quota(key)->reserved, 0);  // released once, not twice
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit"), events_before + 1);
}

TEST(Writer, AStaleWriteInsideACommandUndoesItsEarlierWrites) {
  TestBureau bureau;
  auto const key = bureau.key();
  ASSERT_TRUE(bureau.set_quota(key, 5));
  auto referral = bureau.referral_with_talon();
  ASSERT_TRUE(referral);
  auto const result = bureau.write([&](Store& s) -> Status {
    auto q = s.find_quota(key);
    Quota moved = **q;
    moved.reserved = 0;
    if (auto saved = s.save_quota(moved); !saved) return saved;
    Referral changed = *referral;
    changed.version += 1;
    return s.update_referral(changed, referral->version - 1);  // someone else's version
  });
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::StaleVersion);
  EXPECT_EQ(bureau.quota(key)->reserved, 1);
  EXPECT_EQ(bureau.get(referral->id)->version, referral->version);
}

}  // namespace
}  // namespace joldama::storage

namespace joldama::storage {
namespace {

TEST(Checkpointer, CopiesTheLogOffTheWritersPathOnceItIsLong) {
  BureauOptions options;
  options.writer.checkpoint_pages = 8;  // about 32 KiB of log
  TestBureau bureau{options};
  auto const before = bureau.writer->statistics().checkpoints;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(bureau.write([&](Store& s) {
      return s.insert_organization(polyclinic("Checkpointed " + std::to_string(i)));
    }));
  }
  // The checkpointer runs on its own thread: give it a moment.
  for (int waited = 0; waited < 200 && bureau.writer->statistics().checkpoints == before;
       ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_GT(bureau.writer->statistics().checkpoints, before);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'Checkpointed %'"),
            40);
}

// Under a constant stream of commits the checkpointer alone never reaches the end of the log;
// the writer steps in between two commits, and the log starts over instead of growing forever.
TEST(Checkpointer, TheLogStaysShortUnderAConstantStreamOfCommits) {
  BureauOptions options;
  options.writer.checkpoint_pages = 16;  // 64 KiB; the writer steps in at 256 KiB
  TestBureau bureau{options};
  constexpr int kCommits = 3000;
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  std::string const long_name(1500, 'x');
  for (int i = 0; i < kCommits; ++i) {
    bureau.writer->submit(
        [&, i](Store& s) -> Status {
          auto id = s.insert_organization(polyclinic(long_name + std::to_string(i)));
          if (!id) return id.error();
          return ok();
        },
        [&](Status const& status) {
          if (!status) ++failed;
          ++done;
        });
  }
  while (done < kCommits) std::this_thread::sleep_for(std::chrono::milliseconds{5});
  EXPECT_EQ(failed, 0);
  // Some 20 MB went through the log; it never held more than a few hundred KiB of it.
  auto const log_bytes = std::filesystem::file_size(bureau.db_path.string() + "-wal");
  EXPECT_LT(log_bytes, 2u * 1024 * 1024) << "the log grew to " << log_bytes << " bytes";
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'xxx%'"), kCommits);
}

// Another process copying the log into the database holds SQLite's checkpoint lock. This
// stands in for it: a child process takes that lock, byte 120 + 1 of the shared-memory index
// (SQLite's documented WAL-index format: eight lock bytes from offset 120, the second one the
// checkpointer's), and keeps it until released.
class CheckpointLockHeldElsewhere {
 public:
  explicit CheckpointLockHeldElsewhere(std::filesystem::path const& shm) {
    if (pipe(to_child_) != 0 || pipe(from_child_) != 0) return;
    std::string const path = shm.string();
    child_ = fork();
    if (child_ == 0) {  // only async-signal-safe calls from here on
      int const fd = open(path.c_str(), O_RDWR);
      struct flock lock {};
      lock.l_type = F_WRLCK;
      lock.l_whence = SEEK_SET;
      lock.l_start = 121;
      lock.l_len = 1;
      char const held = fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
      (void)!write(from_child_[1], &held, 1);
      char released = 0;
      (void)!read(to_child_[0], &released, 1);
      _exit(0);
    }
    char held = 'n';
    if (child_ > 0 && read(from_child_[0], &held, 1) == 1) held_ = held == 'y';
  }
  ~CheckpointLockHeldElsewhere() {
    release();
    for (int fd : {to_child_[0], to_child_[1], from_child_[0], from_child_[1]}) {
      if (fd >= 0) close(fd);
    }
  }
  CheckpointLockHeldElsewhere(CheckpointLockHeldElsewhere const&) = delete;
  CheckpointLockHeldElsewhere& operator=(CheckpointLockHeldElsewhere const&) = delete;

  bool held() const { return held_; }
  void release() {
    if (child_ <= 0) return;
    (void)!write(to_child_[1], "x", 1);
    waitpid(child_, nullptr, 0);
    child_ = -1;
  }

 private:
  int to_child_[2] = {-1, -1};
  int from_child_[2] = {-1, -1};
  pid_t child_ = -1;
  bool held_ = false;
};

// Commits organizations named `name` until `done` holds of the writer's statistics, for at
// most 2 seconds; how many it committed, or nothing if `done` never held.
template <class Done>
std::optional<int> commit_until(TestBureau& bureau, std::string const& name, Done done) {
  for (int i = 1; i <= 200; ++i) {
    if (!bureau.write([&](Store& s) {
          return s.insert_organization(polyclinic(name + " " + std::to_string(i)));
        })) {
      return std::nullopt;
    }
    if (done(bureau.writer->statistics())) return i;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return std::nullopt;
}

// A checkpoint that finds the log being copied by another connection copies nothing: it is
// counted as given up, not as made, and the writer's commits go on meanwhile.
TEST(Checkpointer, ACheckpointThatFindsTheLogBeingCopiedIsCountedAsGivenUp) {
  BureauOptions options;
  options.writer.checkpoint_pages = 8;  // about 32 KiB of log
  TestBureau bureau{options};
  ASSERT_TRUE(bureau.write([&](Store& s) { return s.insert_organization(polyclinic("First")); }));

  // The lock is free once a checkpoint of the first commits, if one runs, is over.
  std::optional<CheckpointLockHeldElsewhere> held_elsewhere;
  for (int i = 0; i < 200 && !(held_elsewhere && held_elsewhere->held()); ++i) {
    if (held_elsewhere) std::this_thread::sleep_for(std::chrono::milliseconds{5});
    held_elsewhere.reset();
    held_elsewhere.emplace(bureau.db_path.string() + "-shm");
  }
  auto& other = *held_elsewhere;
  ASSERT_TRUE(other.held());
  // Counted from here: a checkpoint that had released the lock just before may still be adding
  // itself to the figures, so they are read once they no longer move.
  auto before = bureau.writer->statistics();
  for (int settled = 0; settled < 3;) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    auto const now = bureau.writer->statistics();
    settled = now.checkpoints == before.checkpoints &&
                      now.checkpoints_busy == before.checkpoints_busy
                  ? settled + 1
                  : 0;
    before = now;
  }
  auto const while_held = commit_until(bureau, "While held", [&](WriterStatistics const& now) {
    return now.checkpoints_busy > before.checkpoints_busy;
  });
  ASSERT_TRUE(while_held) << "no checkpoint was tried while another held the lock";
  EXPECT_EQ(bureau.writer->statistics().checkpoints, before.checkpoints);

  other.release();
  auto const released = commit_until(bureau, "Released", [&](WriterStatistics const& now) {
    return now.checkpoints > before.checkpoints;
  });
  ASSERT_TRUE(released) << "no checkpoint was made once the lock was released";
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'While held %'"),
            *while_held);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'Released %'"),
            *released);
}

// No file of this process may grow past `bytes` while it lives, as on a full disk: a write
// past it fails (EFBIG; SIGXFSZ, which would end the process, is ignored meanwhile).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &before_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit const limited{bytes, before_.rlim_max};
    set_ = ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &before_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(FileSizeLimit const&) = delete;
  FileSizeLimit& operator=(FileSizeLimit const&) = delete;
  bool set() const { return set_; }

 private:
  rlimit before_{};
  void (*previous_handler_)(int) = SIG_DFL;
  bool set_ = false;
};

// A checkpoint that cannot write the database file (the disk full) is counted as failed, not
// as made or given up, and says why on stderr; what it did not copy stays in the log, no
// commit is lost, and checkpoints are made again once there is room.
TEST(Checkpointer, ACheckpointThatCannotWriteIsCountedAsFailedAndLosesNothing) {
  BureauOptions options;
  options.writer.checkpoint_pages = 8;  // about 32 KiB of log
  TestBureau bureau{options};
  ASSERT_TRUE(bureau.write([&](Store& s) { return s.insert_organization(polyclinic("First")); }));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});  // the first checkpoints settle
  auto const before = bureau.writer->statistics();
  auto const database_bytes = std::filesystem::file_size(bureau.db_path);
  // Long names: every few commits need a new page at the end of the database file.
  std::string const long_name(1500, 'x');

  std::optional<int> while_full;
  ::testing::internal::CaptureStderr();
  {
    // The log is rewritten from its start after each complete checkpoint and stays far
    // smaller than the database; only the database file must grow, and cannot.
    FileSizeLimit const full{database_bytes};
    ASSERT_TRUE(full.set());
    while_full = commit_until(bureau, long_name, [&](WriterStatistics const& now) {
      return now.checkpoints_failed > before.checkpoints_failed;
    });
    EXPECT_EQ(std::filesystem::file_size(bureau.db_path), database_bytes);
  }
  std::string const reported = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(while_full) << "no checkpoint failed while the database file could not grow";
  EXPECT_NE(reported.find("checkpoint failed"), std::string::npos) << reported;

  auto const when_full = bureau.writer->statistics();
  // The failures were counted as failed, not as given up because another connection copied
  // the log. (Taken here, before the reads below: a checkpoint that meets one of them may be
  // given up for it, which is busy and right.)
  EXPECT_EQ(when_full.checkpoints_busy, before.checkpoints_busy);
  auto const with_room = commit_until(bureau, "With room", [&](WriterStatistics const& now) {
    return now.checkpoints > when_full.checkpoints;
  });
  ASSERT_TRUE(with_room) << "no checkpoint was made once there was room";
  // Made after the failures: the database file has grown with what the log kept.
  EXPECT_GT(std::filesystem::file_size(bureau.db_path), database_bytes);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'xxx%'"),
            *while_full);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'With room %'"),
            *with_room);
}

// Once checkpoints fail, the log outgrows the checkpointer and the writer tries on its own
// connection after each commit: its failures are reported and counted the same way, and its
// commits go on while the log has room.
TEST(Checkpointer, TheWritersOwnCheckpointReportsItsFailureToo) {
  BureauOptions options;
  options.writer.checkpoint_pages = 8;  // the writer steps in at 32 pages of log
  TestBureau bureau{options};
  // A database file several times the log the test makes, so that only the database hits the
  // limit below: the log gets room to outgrow the checkpointer.
  std::string const long_name(1500, 'x');
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(bureau.write([&](Store& s) {
      return s.insert_organization(polyclinic(long_name + " before " + std::to_string(i)));
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{100});  // the checkpoints settle
  auto const before = bureau.writer->statistics();
  auto const database_bytes = std::filesystem::file_size(bureau.db_path);

  ::testing::internal::CaptureStderr();
  {
    FileSizeLimit const full{database_bytes};
    ASSERT_TRUE(full.set());
    auto const first_failure =
        commit_until(bureau, long_name, [&](WriterStatistics const& now) {
          return now.checkpoints_failed > before.checkpoints_failed;
        });
    EXPECT_TRUE(first_failure) << "no checkpoint failed while the database file could not grow";
    // Each commit adds at least a page to the log, which no checkpoint can empty now.
    for (int i = 0; i < 2 * Checkpointer::kOvergrown * options.writer.checkpoint_pages; ++i) {
      EXPECT_TRUE(bureau.write([&](Store& s) {
        return s.insert_organization(polyclinic("Outgrown " + std::to_string(i)));
      }));
    }
  }
  std::string const reported = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(reported.find("the writer's checkpoint failed"), std::string::npos) << reported;
  EXPECT_GT(bureau.writer->statistics().checkpoints_failed, before.checkpoints_failed);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM organizations WHERE name LIKE 'Outgrown %'"),
            2 * Checkpointer::kOvergrown * options.writer.checkpoint_pages);
}

TEST(Checkpointer, ASmallLogIsLeftAlone) {
  TestBureau bureau;  // the default threshold: thousands of pages
  ASSERT_TRUE(bureau.write([&](Store& s) { return s.insert_organization(polyclinic("One")); }));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  EXPECT_EQ(bureau.writer->statistics().checkpoints, 0u);
  EXPECT_EQ(bureau.writer->statistics().checkpoints_busy, 0u);
  EXPECT_EQ(bureau.writer->statistics().checkpoints_failed, 0u);
}

}  // namespace
}  // namespace joldama::storage
