#pragma once
// The ports through which the workflow reaches storage. storage/ implements them over SQLite;
// the workflow never sees SQL. Every call made on a Store runs inside the caller's transaction,
// so a command's reads and writes are all or nothing. StoreReads is the read side alone, what a
// read on a snapshot is given; Store adds the writes, what a command is given.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/report_counts.hpp"
#include "workflow/result.hpp"

namespace joldama {

// Every call that only reads: what a read on a snapshot (Reader) may ask, and what a command
// reads inside its transaction.
class StoreReads {
 public:
  virtual ~StoreReads() = default;

  // Reference data: regions, profiles, organizations.
  virtual Result<std::optional<Region>> find_region(std::string_view code) = 0;
  virtual Result<std::vector<Region>> list_regions() = 0;  // by code
  virtual Result<std::optional<Profile>> find_profile(std::string_view code) = 0;
  virtual Result<std::optional<Organization>> find_organization(Id id) = 0;

  // The hospitals' planned places.
  // The day's places, if the hospital published any for the profile and day.
  virtual Result<std::optional<Places>> find_places(PlaceKey const& key) = 0;

  // Patients.
  virtual Result<std::optional<Patient>> find_patient(Id id) = 0;
  virtual Result<std::optional<Patient>> find_patient_by_iin(std::string_view iin) = 0;
  // How many accesses `user_id` asked for since `since` (found or not).
  virtual Result<std::int64_t> count_patient_accesses_since(Id user_id, Timestamp since) = 0;

  // Referrals.
  virtual Result<std::optional<Referral>> find_referral(Id id) = 0;
  // Waitlisted referrals of the region and profile of `key` that wait for a quota of
  // `key.period` or earlier, in promotion order (urgent first, then longest waiting).
  virtual Result<std::vector<Id>> waitlist(QuotaKey const& key, std::size_t limit) = 0;
  // 1-based place of a waitlisted referral in its region's and profile's waitlist.
  virtual Result<std::optional<int>> queue_position(Id referral_id) = 0;
  // Referrals holding a talon whose validity ended before `now`.
  virtual Result<std::vector<Id>> talons_past_validity(Timestamp now, std::size_t limit) = 0;
  // Referrals whose step deadline passed before `now` and that the sweep has not marked yet.
  virtual Result<std::vector<Id>> unmarked_overdue(Timestamp now, std::size_t limit) = 0;
  // Referrals whose deadline is in [from, until] and not yet reminded of (that deadline), by
  // deadline, at most `limit`.
  virtual Result<std::vector<Id>> deadlines_to_remind(Timestamp from, Timestamp until,
                                                      std::size_t limit) = 0;
  // Scheduled referrals admitted on `day` whose patient was not yet reminded of that day, by
  // id, at most `limit`.
  virtual Result<std::vector<Id>> admissions_to_remind(Date day, std::size_t limit) = 0;
  // The patient's referral of `profile` that has not ended (is_terminal), if any.
  virtual Result<std::optional<ExistingReferral>> find_open_referral(Id patient_id,
                                                                     std::string_view profile) = 0;

  // The calendar's announced days off.
  // By date.
  virtual Result<std::vector<AnnouncedDayOff>> list_announced_days_off() = 0;
  // The referrals whose deadline falls at or after `from`, by deadline.
  virtual Result<std::vector<Id>> deadlines_from(Timestamp from) = 0;

  // Quotas.
  virtual Result<std::optional<Quota>> find_quota(QuotaKey const& key) = 0;

  // The audit log.
  // Walks the whole chain and reports the first event that does not verify.
  virtual Result<AuditCheck> verify_audit_chain() = 0;

  // Accounts, sessions and the sign-in throttle.
  virtual Result<std::optional<User>> find_user(Id id) = 0;
  virtual Result<std::optional<User>> find_user_by_login(std::string_view login) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<std::int64_t> count_users() = 0;
  virtual Result<std::optional<Session>> find_session(std::string_view token_hash) = 0;
  // The sign-in throttle's counters, kept so that a restart does not forgive failures: those
  // whose last failure came after `since`.
  virtual Result<std::vector<LoginFailures>> list_login_failures(Timestamp since) = 0;
  // The stored counters of `keys`, those there are.
  virtual Result<std::vector<LoginFailures>> find_login_failures(
      std::vector<std::string> const& keys) = 0;

  // Attachments.
  virtual Result<std::vector<AttachmentInfo>> list_attachments(Id referral_id) = 0;
  // The attachment with its bytes, if it belongs to `referral_id`.
  virtual Result<std::optional<Attachment>> find_attachment(Id referral_id, Id attachment_id) = 0;

  // Idempotency keys.
  virtual Result<std::optional<IdempotencyRecord>> find_idempotency(Id user_id,
                                                                    std::string_view key) = 0;

  // Worklists, lookups and reports; scope comes in the filters, set by the workflow.
  virtual Result<std::vector<Organization>> list_organizations(
      OrganizationFilter const& filter) = 0;
  virtual Result<std::vector<Profile>> list_profiles() = 0;
  // Days' places of hospitals that treat the profile and take planned patients, by day, region,
  // hospital name and profile.
  virtual Result<std::vector<PlaceListing>> list_places(PlaceFilter const& filter) = 0;
  // The referral with its names, or null when there is none.
  virtual Result<SharedListing> find_referral_listing(Id id) = 0;
  virtual Result<std::optional<Referral>> find_referral_by_code(std::string_view code) = 0;
  // One page in worklist order, at most filter.limit rows.
  virtual Result<std::vector<SharedListing>> list_referrals(ReferralFilter const& filter) = 0;
  // How many referrals of the filter (cursor and limit ignored) are in each state.
  virtual Result<std::vector<std::pair<State, std::int64_t>>> count_referrals_by_state(
      ReferralFilter const& filter) = 0;
  // Whether the organization referred the patient, or was granted access to their record.
  virtual Result<bool> patient_in_care_of(Id patient_id, Id organization_id) = 0;
  // Whether a referral of the patient is addressed to the hospital: a talon, or a booking to
  // confirm (see addressed_hospital in decide.hpp).
  virtual Result<bool> patient_addressed_to(Id patient_id, Id hospital_id) = 0;
  virtual Result<std::vector<Quota>> list_quotas(QuotaFilter const& filter) = 0;
  // Newest first.
  virtual Result<std::vector<StoredAuditEvent>> list_audit(AuditFilter const& filter) = 0;
  // Doctors' accesses to records of patients from elsewhere, newest first.
  virtual Result<std::vector<PatientAccessListing>> list_patient_accesses(
      PatientAccessFilter const& filter) = 0;
  // A referral's events except the reads of it, oldest first, with their actors' names.
  virtual Result<std::vector<ActedEvent>> referral_history(Id referral_id) = 0;

  // The staff's inboxes.
  // The ids of the active accounts the query names, by id.
  virtual Result<std::vector<Id>> active_staff(StaffQuery const& query) = 0;
  // A reader's notices, newest first, older than `before_id` when given.
  virtual Result<std::vector<NoticeListing>> list_notices(Id user_id, bool unread_only,
                                                          std::optional<Id> before_id,
                                                          std::size_t limit) = 0;
  virtual Result<NoticeSummary> notice_summary(Id user_id) = 0;

  // The messages to patients, from the change that causes them to their delivery.
  // Messages to try now: pending or failed, due by `now`, of the channels given; oldest due
  // first, at most `limit`.
  virtual Result<std::vector<OutboxMessage>> due_messages(Timestamp now, EnumSet<Channel> channels,
                                                          std::size_t limit) = 0;
  virtual Result<std::optional<OutboxMessage>> find_message(Id id) = 0;
  // The outbox newest first, of one state when given, older than `before_id` when given.
  virtual Result<std::vector<OutboxMessage>> list_messages(std::optional<DeliveryState> state,
                                                           std::optional<Id> before_id,
                                                           std::size_t limit) = 0;

  // The reports' counters (workflow/report_counts.hpp), moved in the transaction of each change.
  // The counters of the range, by region, profile, bucket and series.
  virtual Result<std::vector<CounterValue>> read_counters(CounterRange const& range) = 0;
  // The waitlists of the selection that someone waits on, summed up, by region and profile.
  virtual Result<std::vector<SummedWaitlist>> read_waitlists(
      WaitlistSelection const& selection) = 0;
};

// One transaction's view of everything: the reads, and the writes only a command may make.
class Store : public StoreReads {
 public:
  // Reference data: regions, profiles, organizations.
  // The new organization's id, with a hospital's profiles and routes.
  virtual Result<Id> insert_organization(Organization const& organization) = 0;
  // Replaces what a hospital treats and the routes it receives patients by.
  virtual Status save_hospital_profiles(Id organization_id,
                                        std::vector<std::string> const& profiles,
                                        EnumSet<Route> accepts) = 0;
  // Where the patient finds the organization: its address and telephone, as the talon prints them.
  virtual Status save_organization_contacts(Id organization_id, std::string const& address,
                                            std::string const& phone) = 0;

  // The hospitals' planned places.
  // Inserts or replaces the counters; storage enforces booked <= capacity.
  virtual Status save_places(Places const& places) = 0;

  // Patients.
  // The new patient's id; PatientExists when the IIN is already registered.
  virtual Result<Id> insert_patient(Patient const& patient) = 0;
  // Records a doctor's access to a patient's record; the new access's id.
  virtual Result<Id> insert_patient_access(PatientAccess const& access) = 0;

  // Referrals.
  // The new referral's id; Duplicate when its code is taken.
  virtual Result<Id> insert_referral(Referral const& referral) = 0;
  // Writes `referral` only if the stored version is still `expected_version`; StaleVersion
  // when another command changed it first. Never a silent overwrite.
  virtual Status update_referral(Referral const& referral, std::int64_t expected_version) = 0;
  // Records that the current step became overdue; not a new version (the state is unchanged).
  virtual Status mark_overdue(Id referral_id, Timestamp since) = 0;
  virtual Status mark_deadline_reminded(Id referral_id, Timestamp deadline) = 0;
  virtual Status mark_admission_reminded(Id referral_id, Date day) = 0;

  // The calendar's announced days off.
  // Duplicate when the day was announced before.
  virtual Status insert_announced_day_off(AnnouncedDayOff const& day) = 0;

  // Quotas.
  // Inserts or replaces the counters; storage enforces reserved + used <= allocated.
  virtual Status save_quota(Quota const& quota) = 0;

  // Sequences.
  // The next value (1, 2, …) of the named sequence. Values are never handed out twice.
  virtual Result<std::int64_t> next_value(std::string_view name) = 0;

  // The audit log.
  // Appends to the hash-chained, append-only log.
  virtual Status append_audit(AuditEvent const& event) = 0;
  // Appends `events` in order; the same as appending each, with what they share done once.
  virtual Status append_audit(std::vector<AuditEvent> const& events) {
    for (auto const& event : events) {
      if (auto s = append_audit(event); !s) return s;
    }
    return ok();
  }

  // Accounts, sessions and the sign-in throttle.
  // The new user's id; Duplicate when the login is taken.
  virtual Result<Id> insert_user(User const& user) = 0;
  virtual Status update_user(User const& user) = 0;
  virtual Status insert_session(Session const& session) = 0;
  virtual Status touch_session(std::string_view token_hash, Timestamp at) = 0;
  virtual Status set_session_csrf(std::string_view token_hash, std::string_view csrf_hash) = 0;
  virtual Status delete_session(std::string_view token_hash) = 0;
  virtual Status delete_sessions_of(Id user_id) = 0;
  // Ends every session of `user_id` but the one of `keep_token_hash`.
  virtual Status delete_other_sessions(Id user_id, std::string_view keep_token_hash) = 0;
  // Removes sessions whose absolute end passed or that were idle since before `idle_before`.
  virtual Result<std::int64_t> delete_stale_sessions(Timestamp now, Timestamp idle_before) = 0;
  // Inserts or replaces the counters of `failures.key`.
  virtual Status save_login_failures(LoginFailures const& failures) = 0;
  virtual Status delete_login_failures(std::string_view key) = 0;
  // Forgets counters whose last failure came before `before`; returns how many.
  virtual Result<std::int64_t> delete_login_failures_before(Timestamp before) = 0;

  // Attachments.
  virtual Result<Id> insert_attachment(Attachment const& attachment) = 0;

  // Idempotency keys.
  virtual Status insert_idempotency(IdempotencyRecord const& record) = 0;
  // Forgets up to `limit` records made before `before` (a key that old is new again); returns
  // how many.
  virtual Result<std::int64_t> delete_idempotency_before(Timestamp before, int limit) = 0;

  // The staff's inboxes.
  virtual Status insert_notices(std::vector<Notice> const& notices) = 0;
  // Whether the reader had that notice (read or not); marks it read at `at` if unread.
  virtual Result<bool> mark_notice_read(Id user_id, Id notice_id, Timestamp at) = 0;
  virtual Status mark_all_notices_read(Id user_id, Timestamp at) = 0;
  // A reader whose role, organization or region changed keeps nothing of what they saw before.
  virtual Status delete_notices_of(Id user_id) = 0;
  // Forgets at most `limit` notices written before `before`; how many it forgot.
  virtual Result<std::int64_t> delete_notices_before(Timestamp before, std::size_t limit) = 0;

  // The messages to patients, from the change that causes them to their delivery.
  // Adds the messages, each with its id; one whose idempotency key is already there is left
  // out (a message is written once however often its cause is seen).
  virtual Status insert_messages(std::vector<OutboxMessage> const& messages) = 0;
  // Saves a message's delivery: state, attempts, next attempt, last error, when sent.
  virtual Status save_delivery(OutboxMessage const& message) = 0;
  // Forgets at most `limit` messages delivered before `before`; how many it forgot.
  virtual Result<std::int64_t> delete_sent_messages_before(Timestamp before,
                                                           std::size_t limit) = 0;

  // The reports' counters (workflow/report_counts.hpp), moved in the transaction of each change.
  // Adds each delta to its counter (a new counter starts at 0); a counter back at 0 is removed.
  virtual Status add_to_counters(std::vector<CounterDelta> const& deltas) = 0;
  // Keeps the waitlist's summary as it now stands; an emptied list (length 0) is removed.
  virtual Status save_waitlist(SummedWaitlist const& waitlist) = 0;
};

// The signed checkpoints of the audit chain.
class AuditAnchors {
 public:
  virtual ~AuditAnchors() = default;
  // The newest anchor, if any was made. Thread-safe.
  virtual Result<std::optional<AuditAnchor>> latest_anchor() = 0;
};

// Where an engine reports figures about itself, under names of its own: the commits of a
// writer, the checkpoints of SQLite's log, a PostgreSQL pool's reconnections. The server renders
// whatever it is given as metrics, knowing nothing of the engine.
enum class FigureKind { Counter, Gauge };
struct FigureSample {
  std::string_view label;  // one label's name and value, or both empty for a figure without
  std::string_view label_value;
  std::uint64_t value = 0;
};
class FigureSink {
 public:
  virtual ~FigureSink() = default;
  // `name` in snake_case (the sink adds the program's prefix); `help` one plain sentence.
  virtual void figure(std::string_view name, FigureKind kind, std::string_view help,
                      std::span<FigureSample const> samples) = 0;
  void figure(std::string_view name, FigureKind kind, std::string_view help, std::uint64_t value) {
    FigureSample const sample{{}, {}, value};
    figure(name, kind, help, std::span{&sample, 1});
  }
};

// How a server lives beside the others that share its database (PostgreSQL): what they have
// changed that it keeps copies of in memory, and whose turn it is for the work that one server
// does at a time. On SQLite, one server to a file: nothing changes elsewhere, every turn is its
// own (SoleServer).
class Coordination {
 public:
  enum class Change {
    Accounts,  // users or sessions: what a server trusts for a few seconds without reading
    Calendar,  // the days off administrators announced
    Anything,  // the news may have been missed (the feed was cut off): forget every copy
  };
  using Listener = std::function<void(Change)>;
  virtual ~Coordination() = default;

  // Calls `listener`, on a thread of the coordination's own, for each change any server
  // (this one included) commits. Set before start().
  virtual void listen(Listener listener) = 0;
  virtual Status start() = 0;
  // Stops listening; no call of the listener is under way or follows. Idempotent.
  virtual void stop() = 0;

  // The deadline sweep's turn: true when this server may sweep now (and holds the turn until it
  // ends it); false while another does.
  virtual bool begin_sweep_turn() = 0;
  virtual void end_sweep_turn() = 0;
};

// The only server of its database.
class SoleServer final : public Coordination {
 public:
  void listen(Listener) override {}
  Status start() override { return ok(); }
  void stop() override {}
  bool begin_sweep_turn() override { return true; }
  void end_sweep_turn() override {}
};

// Runs write commands, one at a time, on the single writer.
class Transactor {
 public:
  using Work = std::function<Status(Store&)>;
  using Done = std::function<void(Status)>;
  virtual ~Transactor() = default;
  // Runs `work` atomically: if it returns an error, nothing it wrote remains. `done` is called
  // once, after the commit is durable on disk, or with the error that undid the work. `work`
  // may run more than once (only its last run counts), so it acts on the Store alone.
  // Thread-safe. `done` runs on the writer's thread and must not block.
  virtual void submit(Work work, Done done) = 0;
  // What the engine has done so far. Thread-safe.
  virtual void report_figures(FigureSink& /*sink*/) const {}
};

// Runs read-only work on a consistent snapshot.
class Reader {
 public:
  using Work = std::function<Status(StoreReads&)>;
  virtual ~Reader() = default;
  // Thread-safe; blocks until the work is done. `work` sees the read side alone: a read cannot
  // even name a write.
  virtual Status read(Work const& work) = 0;
};

// Runs `work` (Store& -> Result<T>) as one write command and waits until it is durable.
// Returns what the work returned, or the error that undid it.
template <class F>
auto transact(Transactor& transactor, F&& work) -> std::invoke_result_t<F&, Store&> {
  using R = std::invoke_result_t<F&, Store&>;
  std::optional<R> produced;
  std::promise<Status> committed;
  auto finished = committed.get_future();
  transactor.submit(
      [&](Store& store) -> Status {
        produced.emplace(work(store));
        if constexpr (std::is_same_v<R, Status>) {
          return *produced;
        } else {
          return produced->has_value() ? ok() : Status{produced->error()};
        }
      },
      [&](Status status) { committed.set_value(std::move(status)); });
  Status status = finished.get();
  if (!status) return status.error();
  return std::move(*produced);
}

// Runs read-only `work` (StoreReads& -> Result<T>) and returns its result.
template <class F>
auto query(Reader& reader, F&& work) -> std::invoke_result_t<F&, StoreReads&> {
  using R = std::invoke_result_t<F&, StoreReads&>;
  std::optional<R> produced;
  Status status = reader.read([&](StoreReads& store) -> Status {
    produced.emplace(work(store));
    if constexpr (std::is_same_v<R, Status>) {
      return *produced;
    } else {
      return produced->has_value() ? ok() : Status{produced->error()};
    }
  });
  if (!status) return status.error();
  return std::move(*produced);
}

}  // namespace joldama
