#pragma once
// The workflow's Store over one SQLite connection. It runs no transactions of its own: the
// Writer or the ReadPool that owns the connection brackets every unit of work.

#include "storage/sqlite.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

class SqliteStore final : public Store {
 public:
  // Keeps a reference: `db` must outlive the store.
  explicit SqliteStore(Database& db) : db_(db) {}

  Result<std::optional<Region>> find_region(std::string_view code) override;
  Result<std::vector<Region>> list_regions() override;
  Result<std::optional<Profile>> find_profile(std::string_view code) override;
  Result<std::optional<Organization>> find_organization(Id id) override;
  Result<Id> insert_organization(Organization const& organization) override;

  Result<std::optional<Patient>> find_patient(Id id) override;
  Result<std::optional<Patient>> find_patient_by_iin(std::string_view iin) override;
  Result<Id> insert_patient(Patient const& patient) override;

  Result<std::optional<Referral>> find_referral(Id id) override;
  Result<Id> insert_referral(Referral const& referral) override;
  Status update_referral(Referral const& referral, std::int64_t expected_version) override;
  Result<std::vector<Id>> waitlist(QuotaKey const& key, std::size_t limit) override;
  Result<std::optional<int>> queue_position(Id referral_id) override;
  Result<std::vector<Id>> talons_past_validity(Timestamp now, std::size_t limit) override;
  Result<std::vector<Id>> unmarked_overdue(Timestamp now, std::size_t limit) override;
  Status mark_overdue(Id referral_id, Timestamp since) override;

  Result<std::optional<Quota>> find_quota(QuotaKey const& key) override;
  Status save_quota(Quota const& quota) override;

  Result<std::int64_t> next_value(std::string_view name) override;

  Status append_audit(AuditEvent const& event) override;

  Database& database() { return db_; }

 private:
  Database& db_;
};

}  // namespace joldama::storage
