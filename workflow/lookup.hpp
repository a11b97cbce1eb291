#pragma once
// What an actor may see. Every read goes through here: the scope of the actor's role is applied
// before anything is returned, so a referral, a patient or an attachment outside it does not
// exist for them (NotFound), whatever the client asks.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/result.hpp"

namespace joldama {

inline constexpr std::size_t kMaxPageSize = 200;

struct WorklistQuery {
  std::vector<State> states;
  std::string profile;
  std::string region;
  bool overdue_only = false;
  std::optional<Date> due_by;        // a deadline still ahead that falls by the end of this day
  std::optional<Timestamp> since;    // in the present state since this moment
  std::optional<Date> created_from;  // registered on this day or later
  std::optional<Date> created_to;    // registered on this day or earlier
  std::string text;  // code prefix, IIN prefix, or part of the patient's name
  std::optional<WorklistCursor> after;
  std::size_t limit = 50;
  ListOrder order = ListOrder::Worklist;
  bool mine = false;  // only the referrals the doctor asking registered
  std::string protocol{};  // only those a commission approved under this protocol
};

struct WorklistPage {
  std::vector<ReferralView> items;
  std::optional<WorklistCursor> next;  // present when more rows follow
};

struct PublicStatus {
  Id referral_id = 0;  // for the audit of the lookup; not shown
  std::string code;
  State state = State::Registered;
  Route route = Route::HighTech;
  std::string profile;
  std::optional<int> queue_position;
  std::optional<Date> planned_date;
  std::string hospital;
  // While the commission, the republican level or the hospital is to decide: by when.
  std::optional<Timestamp> decision_due;
  Timestamp updated_at{};
};

// The cursor that follows `referral` in `order`.
WorklistCursor cursor_after(Referral const& referral, ListOrder order = ListOrder::Worklist);

class Lookup {
 public:
  explicit Lookup(Clock const& clock) : clock_(clock) {}

  // One referral with its allowed actions, queue position and history.
  Result<ReferralView> referral(StoreReads& store, Actor const& actor, Id id) const;

  // The referral an actor has just acted on, as the action left it, even when the action took
  // it out of their scope (a hospital that declined a talon). Without history.
  Result<ReferralView> acted_on(StoreReads& store, Actor const& actor, Id id) const;

  // A page of the actor's worklist in order: urgent first, then the longest in its state.
  // Validation: limit outside 1..200, an unknown state, search text over 100 characters.
  Result<WorklistPage> worklist(StoreReads& store, Actor const& actor, WorklistQuery const& query) const;

  // The number of the actor's referrals in each state, for the same filters.
  Result<std::vector<std::pair<State, std::int64_t>>> counts(StoreReads& store, Actor const& actor,
                                                             WorklistQuery const& query) const;

  // A patient the actor deals with (see patient_in_scope); NotFound otherwise, as for an IIN
  // nobody registered.
  Result<Patient> patient(StoreReads& store, Actor const& actor, std::string_view iin) const;

  // The public status page: the same NotFound for a wrong code and for a wrong IIN.
  Result<PublicStatus> public_status(StoreReads& store, std::string_view code,
                                     std::string_view iin) const;

  // Quotas: the republican level and administrators see all, a commission its region's.
  Result<std::vector<Quota>> quotas(StoreReads& store, Actor const& actor, QuotaFilter filter) const;

  // The audit log, newest first: administrators and the republican level.
  Result<std::vector<StoredAuditEvent>> audit(StoreReads& store, Actor const& actor,
                                              AuditFilter const& filter) const;

  // Doctors' accesses to records of patients from elsewhere, newest first: administrators.
  Result<std::vector<PatientAccessListing>> patient_accesses(StoreReads& store, Actor const& actor,
                                                             PatientAccessFilter const& filter) const;

  // Checks the audit log's hash chain: administrators only.
  Result<AuditCheck> verify_audit(StoreReads& store, Actor const& actor) const;

  Result<std::vector<AttachmentInfo>> attachments(StoreReads& store, Actor const& actor,
                                                  Id referral_id) const;
  Result<Attachment> attachment(StoreReads& store, Actor const& actor, Id referral_id,
                                Id attachment_id) const;

 private:
  Result<Referral> visible_referral(StoreReads& store, Actor const& actor, Id id) const;
  Result<ReferralView> view(StoreReads& store, Actor const& actor, SharedListing listing) const;

  Clock const& clock_;
};

}  // namespace joldama
