#pragma once
// An in-memory fake of the storage ports (workflow/ports.hpp), so that the workflow's tests need
// no database: every Store and StoreReads call over plain containers, a Transactor whose command
// runs on a copy of the bureau and replaces it only when the command succeeds (so a failed one
// leaves nothing, as a rolled-back transaction), and a Reader.
//
// It keeps what the engines' schema keeps: unique IINs, referral codes, logins, days off and
// idempotency keys (PatientExists or Duplicate, as the engines answer); quotas within their
// allocation and places within their capacity (Internal, as a failed CHECK); a referral written
// only at the version read (StaleVersion). Lists come in the engines' orders; the waitlist's is
// the workflow's own (workflow/quota.hpp). The audit log is kept in order with its sequence
// numbers but unhashed: the chain and its verification are storage's, tested there.
//
// The suites that run on it (ServicesTest, with JOLDAMA_TEST_ENGINE=memory) also run on SQLite
// and PostgreSQL, which keeps the fake honest: a behaviour it got wrong would fail there or here.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/report_counts.hpp"

namespace joldama::testing {

// Everything a bureau stores, as plain values.
struct MemoryBureau {
  std::vector<Region> regions;    // by code
  std::vector<Profile> profiles;  // in the bureau's order
  std::map<Id, Organization> organizations;
  std::map<PlaceKey, Places> places;
  std::map<Id, Patient> patients;
  std::map<Id, PatientAccess> patient_accesses;
  std::map<Id, Referral> referrals;
  std::map<Id, Timestamp> deadline_reminders;  // the deadline a referral was reminded of
  std::map<Id, Date> admission_reminders;      // the day a patient was reminded of
  std::map<Date, AnnouncedDayOff> days_off;
  std::map<QuotaKey, Quota> quotas;
  std::map<std::string, std::int64_t, std::less<>> sequences;
  std::vector<StoredAuditEvent> audit;  // by sequence number, from 1
  std::map<Id, User> users;
  std::map<std::string, Session, std::less<>> sessions;
  std::map<std::string, LoginFailures, std::less<>> login_failures;
  std::map<Id, Attachment> attachments;
  std::map<std::pair<Id, std::string>, IdempotencyRecord> idempotency;
  std::map<Id, Notice> notices;
  std::map<Id, OutboxMessage> outbox;
  std::map<CounterKey, std::int64_t> counters;
  std::map<std::pair<std::string, std::string>, WaitlistSummary> waitlists;
  // The last id given in each table, as the engines count them: 1, 2, … per table.
  std::map<std::string, Id, std::less<>> last_ids;
  Id next_id(std::string_view table) {
    auto const it = last_ids.find(table);
    if (it == last_ids.end()) return last_ids[std::string{table}] = 1;
    return ++it->second;
  }
};

// The reference data a new installation is given (regions, profiles), read once from the
// migrations applied to an in-memory SQLite database, so that the fake and the engines hold the
// same; the commands under test never reach that database.
MemoryBureau const& installed_reference_data();

// The ports over one MemoryBureau: what a command (or a read) is given.
class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryBureau& bureau) : b_(bureau) {}

  Result<std::optional<Region>> find_region(std::string_view code) override;
  Result<std::vector<Region>> list_regions() override;
  Result<std::optional<Profile>> find_profile(std::string_view code) override;
  Result<std::optional<Organization>> find_organization(Id id) override;
  Result<std::optional<Places>> find_places(PlaceKey const& key) override;
  Result<std::optional<Patient>> find_patient(Id id) override;
  Result<std::optional<Patient>> find_patient_by_iin(std::string_view iin) override;
  Result<std::int64_t> count_patient_accesses_since(Id user_id, Timestamp since) override;
  Result<std::optional<Referral>> find_referral(Id id) override;
  Result<std::vector<Id>> waitlist(QuotaKey const& key, std::size_t limit) override;
  Result<std::optional<int>> queue_position(Id referral_id) override;
  Result<std::vector<Id>> talons_past_validity(Timestamp now, std::size_t limit) override;
  Result<std::vector<Id>> unmarked_overdue(Timestamp now, std::size_t limit) override;
  Result<std::vector<Id>> deadlines_to_remind(Timestamp from, Timestamp until,
                                              std::size_t limit) override;
  Result<std::vector<Id>> admissions_to_remind(Date day, std::size_t limit) override;
  Result<std::optional<ExistingReferral>> find_open_referral(Id patient_id,
                                                             std::string_view profile) override;
  Result<std::vector<AnnouncedDayOff>> list_announced_days_off() override;
  Result<std::vector<Id>> deadlines_from(Timestamp from) override;
  Result<std::optional<Quota>> find_quota(QuotaKey const& key) override;
  Result<AuditCheck> verify_audit_chain() override;
  Result<std::optional<User>> find_user(Id id) override;
  Result<std::optional<User>> find_user_by_login(std::string_view login) override;
  Result<std::vector<User>> list_users() override;
  Result<std::int64_t> count_users() override;
  Result<std::optional<Session>> find_session(std::string_view token_hash) override;
  Result<std::vector<LoginFailures>> list_login_failures(Timestamp since) override;
  Result<std::vector<LoginFailures>> find_login_failures(
      std::vector<std::string> const& keys) override;
  Result<std::vector<AttachmentInfo>> list_attachments(Id referral_id) override;
  Result<std::optional<Attachment>> find_attachment(Id referral_id, Id attachment_id) override;
  Result<std::optional<IdempotencyRecord>> find_idempotency(Id user_id,
                                                            std::string_view key) override;
  Result<std::vector<Organization>> list_organizations(OrganizationFilter const& filter) override;
  Result<std::vector<Profile>> list_profiles() override;
  Result<std::vector<PlaceListing>> list_places(PlaceFilter const& filter) override;
  Result<SharedListing> find_referral_listing(Id id) override;
  Result<std::optional<Referral>> find_referral_by_code(std::string_view code) override;
  Result<std::vector<SharedListing>> list_referrals(ReferralFilter const& filter) override;
  Result<std::vector<std::pair<State, std::int64_t>>> count_referrals_by_state(
      ReferralFilter const& filter) override;
  Result<bool> patient_in_care_of(Id patient_id, Id organization_id) override;
  Result<bool> patient_addressed_to(Id patient_id, Id hospital_id) override;
  Result<std::vector<Quota>> list_quotas(QuotaFilter const& filter) override;
  Result<std::vector<StoredAuditEvent>> list_audit(AuditFilter const& filter) override;
  Result<std::vector<PatientAccessListing>> list_patient_accesses(
      PatientAccessFilter const& filter) override;
  Result<std::vector<ActedEvent>> referral_history(Id referral_id) override;
  Result<std::vector<Id>> active_staff(StaffQuery const& query) override;
  Result<std::vector<NoticeListing>> list_notices(Id user_id, bool unread_only,
                                                  std::optional<Id> before_id,
                                                  std::size_t limit) override;
  Result<NoticeSummary> notice_summary(Id user_id) override;
  Result<std::vector<OutboxMessage>> due_messages(Timestamp now, EnumSet<Channel> channels,
                                                  std::size_t limit) override;
  Result<std::optional<OutboxMessage>> find_message(Id id) override;
  Result<std::vector<OutboxMessage>> list_messages(std::optional<DeliveryState> state,
                                                   std::optional<Id> before_id,
                                                   std::size_t limit) override;
  Result<std::vector<CounterValue>> read_counters(CounterRange const& range) override;
  Result<std::vector<SummedWaitlist>> read_waitlists(WaitlistSelection const& selection) override;

  Result<Id> insert_organization(Organization const& organization) override;
  Status save_hospital_profiles(Id organization_id, std::vector<std::string> const& profiles,
                                EnumSet<Route> accepts) override;
  Status save_organization_contacts(Id organization_id, std::string const& address,
                                    std::string const& phone) override;
  Status save_places(Places const& places) override;
  Result<Id> insert_patient(Patient const& patient) override;
  Result<Id> insert_patient_access(PatientAccess const& access) override;
  Result<Id> insert_referral(Referral const& referral) override;
  Status update_referral(Referral const& referral, std::int64_t expected_version) override;
  Status mark_overdue(Id referral_id, Timestamp since) override;
  Status mark_deadline_reminded(Id referral_id, Timestamp deadline) override;
  Status mark_admission_reminded(Id referral_id, Date day) override;
  Status insert_announced_day_off(AnnouncedDayOff const& day) override;
  Status save_quota(Quota const& quota) override;
  Result<std::int64_t> next_value(std::string_view name) override;
  Status append_audit(AuditEvent const& event) override;
  using Store::append_audit;
  Result<Id> insert_user(User const& user) override;
  Status update_user(User const& user) override;
  Status insert_session(Session const& session) override;
  Status touch_session(std::string_view token_hash, Timestamp at) override;
  Status set_session_csrf(std::string_view token_hash, std::string_view csrf_hash) override;
  Status delete_session(std::string_view token_hash) override;
  Status delete_sessions_of(Id user_id) override;
  Status delete_other_sessions(Id user_id, std::string_view keep_token_hash) override;
  Result<std::int64_t> delete_stale_sessions(Timestamp now, Timestamp idle_before) override;
  Status save_login_failures(LoginFailures const& failures) override;
  Status delete_login_failures(std::string_view key) override;
  Result<std::int64_t> delete_login_failures_before(Timestamp before) override;
  Result<Id> insert_attachment(Attachment const& attachment) override;
  Status insert_idempotency(IdempotencyRecord const& record) override;
  Result<std::int64_t> delete_idempotency_before(Timestamp before, int limit) override;
  Status insert_notices(std::vector<Notice> const& notices) override;
  Result<bool> mark_notice_read(Id user_id, Id notice_id, Timestamp at) override;
  Status mark_all_notices_read(Id user_id, Timestamp at) override;
  Status delete_notices_of(Id user_id) override;
  Result<std::int64_t> delete_notices_before(Timestamp before, std::size_t limit) override;
  Status insert_messages(std::vector<OutboxMessage> const& messages) override;
  Status save_delivery(OutboxMessage const& message) override;
  Result<std::int64_t> delete_sent_messages_before(Timestamp before, std::size_t limit) override;
  Status add_to_counters(std::vector<CounterDelta> const& deltas) override;
  Status save_waitlist(SummedWaitlist const& waitlist) override;

 private:
  std::vector<Referral const*> matching(ReferralFilter const& filter, bool with_cursor) const;
  ReferralListing listing_of(Referral const& referral) const;

  MemoryBureau& b_;
};

// A bureau in memory behind the Transactor and Reader ports. Commands run one at a time on a
// copy of the bureau, which replaces it when the command succeeds; reads see the last committed
// bureau. Thread-safe.
class MemoryEngine final : public Transactor, public Reader {
 public:
  explicit MemoryEngine(MemoryBureau initial = installed_reference_data());

  void submit(Transactor::Work work, Transactor::Done done) override;
  Status read(Reader::Work const& work) override;

  // How many commands committed, and how many were undone.
  std::int64_t committed() const;
  std::int64_t undone() const;

 private:
  mutable std::mutex mutex_;
  MemoryBureau bureau_;
  std::int64_t committed_ = 0;
  std::int64_t undone_ = 0;
};

}  // namespace joldama::testing
