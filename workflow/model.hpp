#pragma once
// The domain's records. Plain values: no I/O, no behaviour beyond small helpers.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
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

  std::optional<Id> hospital_id;  // the receiving hospital the republican level chose
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

}  // namespace joldama
