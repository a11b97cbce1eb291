#pragma once
// The workflow's Store over one SQLite connection. It runs no transactions of its own: the
// Writer or the ReadPool that owns the connection brackets every unit of work.

#include "storage/audit_keys.hpp"
#include "storage/listing_cache.hpp"
#include "storage/sqlite.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

class SqliteStore final : public Store {
 public:
  // Keeps references: `db`, and `listings` and `keys` when given, must outlive the store. A
  // read connection's store may share a cache of worklist rows with the other read
  // connections. Without `keys`, the audit chain is hashed with plain SHA-256 (tests, tools).
  explicit SqliteStore(Database& db, ListingCache* listings = nullptr,
                       AuditKeys const* keys = nullptr)
      : db_(db), listings_(listings), keys_(keys) {}

  Result<std::optional<Region>> find_region(std::string_view code) override;
  Result<std::vector<Region>> list_regions() override;
  Result<std::optional<Profile>> find_profile(std::string_view code) override;
  Result<std::optional<Organization>> find_organization(Id id) override;
  Result<Id> insert_organization(Organization const& organization) override;
  Status save_hospital_profiles(Id organization_id, std::vector<std::string> const& profiles,
                                EnumSet<Route> accepts) override;
  Status save_organization_contacts(Id organization_id, std::string const& address,
                                    std::string const& phone) override;

  Result<std::vector<Id>> active_staff(StaffQuery const& query) override;
  Status insert_notices(std::vector<Notice> const& notices) override;
  Result<std::vector<NoticeListing>> list_notices(Id user_id, bool unread_only,
                                                  std::optional<Id> before_id,
                                                  std::size_t limit) override;
  Result<NoticeSummary> notice_summary(Id user_id) override;
  Result<bool> mark_notice_read(Id user_id, Id notice_id, Timestamp at) override;
  Status mark_all_notices_read(Id user_id, Timestamp at) override;
  Status delete_notices_of(Id user_id) override;
  Result<std::int64_t> delete_notices_before(Timestamp before, std::size_t limit) override;

  Status add_to_counters(std::vector<CounterDelta> const& deltas) override;
  Result<std::vector<CounterValue>> read_counters(CounterRange const& range) override;
  Status save_waitlist(SummedWaitlist const& waitlist) override;
  Result<std::vector<SummedWaitlist>> read_waitlists(WaitlistSelection const& selection) override;

  Status insert_messages(std::vector<OutboxMessage> const& messages) override;
  Result<std::vector<OutboxMessage>> due_messages(Timestamp now, EnumSet<Channel> channels,
                                                  std::size_t limit) override;
  Result<std::optional<OutboxMessage>> find_message(Id id) override;
  Status save_delivery(OutboxMessage const& message) override;
  Result<std::vector<OutboxMessage>> list_messages(std::optional<DeliveryState> state,
                                                   std::optional<Id> before_id,
                                                   std::size_t limit) override;
  Result<std::int64_t> delete_sent_messages_before(Timestamp before, std::size_t limit) override;

  Result<std::optional<Places>> find_places(PlaceKey const& key) override;
  Status save_places(Places const& places) override;

  Result<std::optional<Patient>> find_patient(Id id) override;
  Result<std::optional<Patient>> find_patient_by_iin(std::string_view iin) override;
  Result<Id> insert_patient(Patient const& patient) override;
  Result<Id> insert_patient_access(PatientAccess const& access) override;
  Result<std::int64_t> count_patient_accesses_since(Id user_id, Timestamp since) override;

  Result<std::optional<Referral>> find_referral(Id id) override;
  Result<Id> insert_referral(Referral const& referral) override;
  Status update_referral(Referral const& referral, std::int64_t expected_version) override;
  Result<std::vector<Id>> waitlist(QuotaKey const& key, std::size_t limit) override;
  Result<std::optional<int>> queue_position(Id referral_id) override;
  Result<std::vector<Id>> talons_past_validity(Timestamp now, std::size_t limit) override;
  Result<std::vector<Id>> unmarked_overdue(Timestamp now, std::size_t limit) override;
  Status mark_overdue(Id referral_id, Timestamp since) override;
  Result<std::vector<Id>> deadlines_to_remind(Timestamp from, Timestamp until,
                                              std::size_t limit) override;
  Status mark_deadline_reminded(Id referral_id, Timestamp deadline) override;
  Result<std::vector<Id>> admissions_to_remind(Date day, std::size_t limit) override;
  Status mark_admission_reminded(Id referral_id, Date day) override;
  Result<std::optional<ExistingReferral>> find_open_referral(Id patient_id,
                                                             std::string_view profile) override;

  Result<std::optional<Quota>> find_quota(QuotaKey const& key) override;
  Status save_quota(Quota const& quota) override;

  Status insert_announced_day_off(AnnouncedDayOff const& day) override;
  Result<std::vector<AnnouncedDayOff>> list_announced_days_off() override;
  Result<std::vector<Id>> deadlines_from(Timestamp from) override;

  Result<std::int64_t> next_value(std::string_view name) override;

  Status append_audit(AuditEvent const& event) override;
  Status append_audit(std::vector<AuditEvent> const& events) override;
  Result<AuditCheck> verify_audit_chain() override;

  Result<std::optional<User>> find_user(Id id) override;
  Result<std::optional<User>> find_user_by_login(std::string_view login) override;
  Result<Id> insert_user(User const& user) override;
  Status update_user(User const& user) override;
  Result<std::vector<User>> list_users() override;
  Result<std::int64_t> count_users() override;
  Status insert_session(Session const& session) override;
  Result<std::optional<Session>> find_session(std::string_view token_hash) override;
  Status touch_session(std::string_view token_hash, Timestamp at) override;
  Status set_session_csrf(std::string_view token_hash, std::string_view csrf_hash) override;
  Status delete_session(std::string_view token_hash) override;
  Status delete_sessions_of(Id user_id) override;
  Status delete_other_sessions(Id user_id, std::string_view keep_token_hash) override;
  Result<std::int64_t> delete_stale_sessions(Timestamp now, Timestamp idle_before) override;
  Result<std::vector<LoginFailures>> list_login_failures(Timestamp since) override;
  Result<std::vector<LoginFailures>> find_login_failures(
      std::vector<std::string> const& keys) override;
  Status save_login_failures(LoginFailures const& failures) override;
  Status delete_login_failures(std::string_view key) override;
  Result<std::int64_t> delete_login_failures_before(Timestamp before) override;

  Result<Id> insert_attachment(Attachment const& attachment) override;
  Result<std::vector<AttachmentInfo>> list_attachments(Id referral_id) override;
  Result<std::optional<Attachment>> find_attachment(Id referral_id, Id attachment_id) override;

  Result<std::optional<IdempotencyRecord>> find_idempotency(Id user_id,
                                                            std::string_view key) override;
  Status insert_idempotency(IdempotencyRecord const& record) override;
  Result<std::int64_t> delete_idempotency_before(Timestamp before, int limit) override;

  Result<std::vector<Organization>> list_organizations(OrganizationFilter const& filter) override;
  Result<std::vector<Profile>> list_profiles() override;
  Result<std::vector<PlaceListing>> list_places(PlaceFilter const& filter) override;
  Result<SharedListing> find_referral_listing(Id id) override;
  Result<std::optional<Referral>> find_referral_by_code(std::string_view code) override;
  Result<std::vector<SharedListing>> list_referrals(ReferralFilter const& filter) override;
  Result<std::vector<std::pair<State, std::int64_t>>> count_referrals_by_state(
      ReferralFilter const& filter) override;
  Result<bool> patient_in_care_of(Id patient_id, Id organization_id) override;
  Result<std::vector<PatientAccessListing>> list_patient_accesses(
      PatientAccessFilter const& filter) override;
  Result<bool> patient_addressed_to(Id patient_id, Id hospital_id) override;
  Result<std::vector<Quota>> list_quotas(QuotaFilter const& filter) override;
  Result<std::vector<StoredAuditEvent>> list_audit(AuditFilter const& filter) override;
  Result<std::vector<ActedEvent>> referral_history(Id referral_id) override;

  Database& database() { return db_; }

  // For the writer alone, which brackets every transaction: the audit chain's end is read once
  // per transaction and then followed in memory (only this store's appends move it while the
  // transaction, and the writers' lock with it, is held). new_transaction() forgets it; the
  // writer calls it at every BEGIN and every ROLLBACK TO a savepoint.
  void follow_audit_tail() { follows_audit_tail_ = true; }
  void new_transaction() { audit_tail_.reset(); }

 private:
  struct AuditTail {
    std::int64_t seq = 0;
    std::string hash;
  };
  Database& db_;
  ListingCache* listings_;
  AuditKeys const* keys_;
  bool follows_audit_tail_ = false;
  std::optional<AuditTail> audit_tail_;
};

}  // namespace joldama::storage
