#pragma once
// The domain's records. Plain values: no I/O, no behaviour beyond small helpers.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/time.hpp"

namespace joldama {

using Id = std::int64_t;

struct LocalizedName {
  std::string kk;
  std::string ru;
  std::string en;
};

struct Region {
  std::string code;  // 2-digit KATO code, e.g. "75"
  LocalizedName name;
  std::int64_t population = 0;
  std::string population_as_of;   // the day the figure counts, "2026-01-01"
  bool population_exact = false;  // the Bureau of National Statistics' figure, not an estimate
};

struct Profile {
  std::string code;  // e.g. "cardiac_surgery"
  LocalizedName name;
};

struct Organization {
  Id id = 0;
  std::string name;
  OrganizationKind kind = OrganizationKind::Polyclinic;
  OrganizationLevel level = OrganizationLevel::Local;
  std::string region;
  // A hospital's: the profiles it treats and the routes it receives patients by.
  std::vector<std::string> profiles;
  EnumSet<Route> accepts;
  // Where patients find it (printed on the talon); empty until an administrator sets them.
  std::string address{};
  std::string phone{};  // "+7XXXXXXXXXX"

  bool treats(std::string_view profile) const {
    for (auto const& p : profiles) {
      if (p == profile) return true;
    }
    return false;
  }
  // Whether the hospital can take a patient of `profile` by `route`.
  bool receives(std::string_view profile, Route route) const {
    return kind == OrganizationKind::Hospital && accepts.contains(route) && treats(profile);
  }
};

// Who performs a command. Scope comes from the role: a doctor's organization, a commission's
// region, a hospital's organization.
struct Actor {
  Id user_id = 0;
  std::string login;
  Role role = Role::System;
  std::optional<Id> organization_id;
  std::string region;  // empty unless the role is bound to a region

  static Actor system() { return Actor{0, "system", Role::System, std::nullopt, {}}; }
};

struct Patient {
  Id id = 0;
  std::string iin;
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  Date birth_date{};
  Sex sex = Sex::Male;
  Residency residency = Residency::Citizen;
  std::string region;
  std::string phone;
  bool insured = false;
  Id registered_by_organization = 0;
  Timestamp created_at{};
  std::string email;                // empty when the patient gave none
  Locale language = Locale::Kk;     // of the messages sent to them: kk or ru
};

// A quota is counted per (period, region, profile); the period is a calendar year.
struct QuotaKey {
  int period = 0;
  std::string region;
  std::string profile;

  friend auto operator<=>(QuotaKey const&, QuotaKey const&) = default;
};

struct Quota {
  QuotaKey key;
  int allocated = 0;
  int reserved = 0;
  int used = 0;

  int available() const { return allocated - reserved - used; }
};

struct Talon {
  std::string number;
  Timestamp issued_at{};
  Timestamp valid_until{};
  std::optional<Date> planned_date;
};

struct Referral {
  Id id = 0;
  std::string code;
  State state = State::Registered;
  std::int64_t version = 0;
  Route route = Route::HighTech;

  Id patient_id = 0;
  std::string patient_iin;
  std::string patient_region;  // fixed at registration; decides the commission and the quota

  std::string icd10;
  std::string profile;
  Urgency urgency = Urgency::Routine;
  CareForm care_form = CareForm::Inpatient;
  std::string justification;
  Id referring_organization_id = 0;
  Id created_by = 0;

  Timestamp created_at{};
  Timestamp updated_at{};
  Timestamp state_since{};

  // The current step's deadline; paused (with the working days left) while information is
  // requested from the doctor.
  std::optional<Timestamp> deadline;
  std::optional<int> paused_working_days;
  std::optional<Timestamp> overdue_since;  // set once by the sweep when the deadline passes

  std::optional<DecisionMode> decision_mode;
  std::string protocol;
  std::optional<Timestamp> exam_at;
  std::string exam_place;

  std::optional<QuotaKey> quota;  // the quota the referral waits for, reserves, or used
  QuotaHolding quota_holding = QuotaHolding::None;
  std::optional<Timestamp> waitlisted_at;

  // The receiving hospital: chosen by the republican level (high-tech), or by the patient when
  // booking (planned).
  std::optional<Id> hospital_id;
  std::optional<Date> booking_date;  // planned: the day asked for, then booked
  bool place_held = false;           // planned: a place of that day is booked for the referral
  std::optional<Talon> talon;
  std::string case_number;

  std::string abroad_clinic;
  std::string abroad_country;

  std::optional<Outcome> outcome;
  std::string final_icd10;

  bool overdue_at(Timestamp now) const { return deadline && now > *deadline; }
};

// What an action carries, already decoded to types. Which fields an action requires comes from
// its transition row; the others are ignored.
struct ActionInput {
  std::string comment;
  std::string reason;
  std::string reason_code;
  std::string protocol;
  std::optional<Timestamp> exam_at;
  std::string exam_place;
  std::optional<Id> hospital_id;
  std::string clinic;
  std::string country;
  std::optional<Outcome> outcome;
  std::optional<Date> planned_date;
  std::string case_number;
  std::string final_icd10;
};

// A day's planned places of one profile at one hospital: how many patients it can take that day,
// and how many are booked. Always booked <= capacity.
struct PlaceKey {
  Id hospital_id = 0;
  std::string profile;
  Date date{};

  friend auto operator<=>(PlaceKey const&, PlaceKey const&) = default;
};

struct Places {
  PlaceKey key;
  int capacity = 0;
  int booked = 0;

  int free() const { return capacity - booked; }
};

// A person who signs in. The password hash is libsodium's Argon2id string; never the password.
struct User {
  Id id = 0;
  std::string login;
  std::string name;
  Role role = Role::Doctor;
  std::optional<Id> organization_id;  // doctors and hospital staff
  std::string region;                 // commissions (and the organization's region for others)
  Locale locale = Locale::Kk;
  std::string password_hash;
  bool disabled = false;
  Timestamp created_at{};
  // Set when an administrator chose the password (a new account, a reset): the user must choose
  // their own before doing anything else.
  bool must_change_password = false;

  Actor actor() const { return Actor{id, login, role, organization_id, region}; }
};

// A signed-in session. Only hashes of the token and of its CSRF token are kept.
struct Session {
  std::string token_hash;
  Id user_id = 0;
  std::string csrf_hash;
  Timestamp created_at{};
  Timestamp last_seen_at{};
  Timestamp expires_at{};  // the absolute end, whatever the activity
};

struct AttachmentInfo {
  Id id = 0;
  Id referral_id = 0;
  std::string filename;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;
  Id uploaded_by = 0;
  Timestamp uploaded_at{};
};

struct Attachment {
  AttachmentInfo info;
  std::string bytes;
};

// What the sign-in throttle remembers of one key (a login at an address, an address, a login;
// the key holds only a hash of the login): the failures counted, the first and the last.
struct LoginFailures {
  std::string key;
  int failures = 0;
  Timestamp first_at{};
  Timestamp last_at{};
};

// A doctor's explicit, audited access to the record of a patient their organization has not
// cared for (a patient who comes from elsewhere). Granted to the doctor's organization.
struct PatientAccess {
  Id id = 0;
  Timestamp at{};
  Id user_id = 0;
  Id organization_id = 0;
  std::optional<Id> patient_id;  // none when no patient has the IIN asked for
  std::string reason;
};

// An access with the names an administrator reads beside it.
struct PatientAccessListing {
  PatientAccess access;
  std::string login;
  std::string user_name;
  std::string organization_name;
  std::string patient_iin;   // empty without a patient
  std::string patient_name;  // "Last First Middle"
};

// The remembered outcome of a write sent with an Idempotency-Key. `response` is opaque here: the
// server writes and reads it.
struct IdempotencyRecord {
  Id user_id = 0;
  std::string key;
  std::string request_hash;
  std::string response;
  Timestamp created_at{};
};

// One entry of the append-only audit log, before storage gives it a sequence number and hash.
struct AuditEvent {
  Timestamp at{};
  std::string actor;  // login, or "system"
  Role role = Role::System;
  std::string action;  // a workflow action, or another event name ("overdue", "login", …)
  std::optional<Id> referral_id;
  // Ordered key/value details (from, to, comment, …); storage serializes them as a JSON object.
  std::vector<std::pair<std::string, std::string>> detail;
};

// An event of a referral's history with who its actor is now: the account's name and
// organization (empty for the system), which are not part of the chained event.
struct ActedEvent {
  AuditEvent event;
  std::string actor_name;
  std::string actor_organization;
};

}  // namespace joldama

namespace joldama {

// An audit event as stored: with its place in the chain.
struct StoredAuditEvent {
  std::int64_t seq = 0;
  AuditEvent event;
  std::string prev_hash;
  std::string hash;
};

// A signed checkpoint of the audit chain, kept outside the database: event `seq` had `hash`.
// Whoever holds the public key can later tell a chain cut short or recomputed.
struct AuditAnchor {
  std::int64_t seq = 0;
  std::string hash;
  std::string at;  // ISO 8601, as signed
  std::string key_id;
  std::string signature;  // Ed25519, hex
};

// The outcome of checking the audit log's hash chain.
struct AuditCheck {
  bool ok = true;
  std::int64_t events = 0;
  std::optional<std::int64_t> broken_seq;
  std::string reason;
};

// A referral with the names a worklist shows beside it.
struct ReferralListing {
  Referral referral;
  std::string patient_name;  // "Last First Middle"
  std::string referring_organization_name;
  std::string hospital_name;  // empty without a receiving hospital
};
// A listing as read, never changed afterwards: shared by the worklists and the views that show
// it rather than copied into each.
using SharedListing = std::shared_ptr<ReferralListing const>;

struct HistoryEntry {
  Timestamp at{};
  std::string action;  // a workflow action, or "attach" / "overdue"
  std::optional<State> from;
  std::optional<State> to;
  std::string by_login;
  std::string by_name;          // empty for the system
  std::string by_organization;  // empty for a role that belongs to none
  Role by_role = Role::System;
  std::string comment;
  std::string reason_code;  // of the action's reason catalogue, when it gave one
};

// A notice in a member of staff's inbox, written in the transaction of the change it tells of.
struct Notice {
  Id id = 0;
  Id user_id = 0;
  Timestamp at{};
  NoticeKind kind = NoticeKind::DecisionMade;
  std::optional<Id> referral_id;
  std::optional<Timestamp> read_at;
};

// A message to a patient, written to the outbox in the transaction of the change it tells of
// and sent afterwards by the delivery worker. `idempotency_key` is the message's own: every
// attempt carries it, so a gateway that saw an attempt whose answer was lost knows the retry.
struct OutboxMessage {
  Id id = 0;
  Timestamp created_at{};
  Id patient_id = 0;
  std::optional<Id> referral_id;
  Channel channel = Channel::Sms;
  std::string recipient;  // +7XXXXXXXXXX, or an e-mail address
  MessageKind kind = MessageKind::DecisionMade;
  Locale language = Locale::Kk;
  std::string subject;  // of an e-mail
  std::string body;
  std::string idempotency_key;
  DeliveryState state = DeliveryState::Pending;
  int attempts = 0;
  Timestamp next_attempt_at{};
  std::string last_error;
  std::optional<Timestamp> sent_at;
};

struct NoticeListing {
  Notice notice;
  std::string referral_code;  // empty when the notice names no referral
};

// A reader's inbox at a glance: how many are unread and the newest notice's id (together they
// change whenever the inbox does, and make its ETag).
struct NoticeSummary {
  std::int64_t unread = 0;
  Id latest = 0;
};

// The active members of staff of a role, narrowed to a region, an organization or one account.
struct StaffQuery {
  Role role = Role::Doctor;
  std::string region;
  std::optional<Id> organization_id;
  std::optional<Id> user_id;
  std::string except_login;  // the one who acted is not told of their own act
};

struct Transition;  // workflow/transition_table.hpp

// An action an actor may take now, with the row of the table that says which fields it takes.
struct AllowedAction {
  Action action;
  Transition const* row;
};

// A referral as one actor sees it now.
struct ReferralView {
  SharedListing listing;  // never null
  bool overdue = false;
  std::optional<int> queue_position;
  std::vector<AllowedAction> allowed_actions;
  std::vector<HistoryEntry> history;  // filled on single reads only
};

// Where a page of a list ends: the sort key of its last row in the list's order. Every order
// ends in the id; the worklist's (and each state's, in `State` order) is urgent first, then the
// longest in its current state; `key` is the order's own first key (see key_in_order()).
struct WorklistCursor {
  int urgency_rank = 0;  // 0 urgent, 1 routine
  std::int64_t state_since_millis = 0;
  Id id = 0;
  ListOrder order{};
  std::int64_t key{};

  friend bool operator==(WorklistCursor const&, WorklistCursor const&) = default;
};

// How the text box of a worklist searches.
enum class SearchKind { None, CodePrefix, IinPrefix, Name };

struct ReferralFilter {
  // The scope, always set by the workflow from the actor, never by the client.
  std::optional<Id> referring_organization_id;
  std::optional<std::string> patient_region_scope;
  std::optional<Id> addressed_hospital_id;  // see addressed_hospital() in decide.hpp
  // The client's filters.
  std::vector<State> states;
  std::string profile;
  std::string region;
  std::optional<Timestamp> overdue_at;  // only referrals whose deadline passed before this
  std::optional<Timestamp> due_from;    // a deadline at or after this …
  std::optional<Timestamp> due_before;  // … and before this
  std::optional<Timestamp> state_since_from;
  std::optional<Timestamp> created_from;
  std::optional<Timestamp> created_before;
  SearchKind search = SearchKind::None;
  std::string search_text;  // case-folded for Name
  std::optional<WorklistCursor> after;
  std::size_t limit = 50;
  ListOrder order{};
  std::optional<Id> created_by{};  // a doctor's own referrals
  std::string protocol{};          // a commission's sitting: approved under this protocol
};

// A referral's first sort key in `order`: the deadline's instant (the largest value when it has
// none, so those come last), the registration's, or the state's position in the workflow; 0 in
// worklist order, which has none of its own.
std::int64_t key_in_order(Referral const& referral, ListOrder order);

// A day off an administrator added while the bureau ran: kept in the store, and added to the
// calendar the file gives at every start.
struct AnnouncedDayOff {
  Date date{};
  std::string description;
  std::string announced_by;  // the administrator's login
  Timestamp announced_at{};
};

struct QuotaFilter {
  std::optional<int> period;
  std::string region;
  std::string profile;
};

struct AuditFilter {
  std::optional<Id> referral_id;
  std::optional<std::int64_t> before_seq;
  std::size_t limit = 100;
  std::string actor{};   // a login, or "system"
  std::string action{};  // an event name: a workflow action, "login", "read_referral", …
  std::optional<Timestamp> from{};    // at or after
  std::optional<Timestamp> before{};  // before
};

struct PatientAccessFilter {
  std::optional<Id> before_id;  // older than this access
  std::size_t limit = 100;
};

struct OrganizationFilter {
  std::optional<OrganizationKind> kind;
  std::optional<OrganizationLevel> level;
  std::string profile;         // hospitals that treat it
  std::optional<Route> route;  // hospitals that receive by it
};

inline constexpr int kMaxPlacesAheadDays = 366;  // a hospital plans its places up to a year ahead
inline constexpr int kMaxPlacesPerDay = 10000;

struct PlaceFilter {
  std::string profile;
  std::string region;  // of the hospital
  std::optional<Id> hospital_id;
  Date from{};
  int days = 7;
  bool only_free = false;
  std::size_t limit = 5000;  // rows at most
};

// A day's places with the hospital that offers them.
struct PlaceListing {
  Places places;
  Organization hospital;
};

}  // namespace joldama
