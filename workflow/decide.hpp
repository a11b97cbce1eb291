#pragma once
// The pure heart of the workflow: given a referral, an action, who acts, their input and the
// time, decide() answers what happens — or why not. No I/O, no clock, no storage: everything it
// needs is in its arguments, so every rule can be tested on plain values.

#include <optional>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/deadline_policy.hpp"
#include "workflow/icd10.hpp"
#include "workflow/model.hpp"
#include "workflow/result.hpp"
#include "workflow/transition_table.hpp"

namespace joldama {

// What decide() needs to know beyond the referral, looked up by the caller beforehand.
struct DecisionContext {
  WorkingCalendar const& calendar;
  DeadlinePolicy const& policy;
  // For rows that reserve a unit: the quota of quota_key_for(referral, now), if one exists.
  std::optional<Quota> quota;
  // For rows that record a hospital: the organization named by the input's hospital_id, with
  // the profiles it treats and the routes it takes.
  std::optional<Organization> hospital;
  // For a booking and its confirmation: the places of (hospital, profile, day) it asks for.
  std::optional<Places> place;
  // The diagnoses a final diagnosis may be; without it, only the code's form is checked.
  Icd10Catalogue const* icd10 = nullptr;
};

// How the referral's quota changes with a decision.
enum class QuotaMove { None, Reserve, Release, Consume, JoinWaitlist, LeaveWaitlist };

// How the places of a day change with a decision.
enum class PlaceMove { None, Book, Release };

struct Decision {
  Transition const* row = nullptr;
  Referral referral;  // after the transition: new state, version + 1, effects applied
  QuotaMove quota_move = QuotaMove::None;
  std::optional<QuotaKey> quota_key;  // the quota the move applies to
  PlaceMove place_move = PlaceMove::None;
  std::optional<PlaceKey> place_key;  // the day's places the move applies to
  bool needs_talon_number = false;    // storage must number the new talon
  AuditEvent event;
};

// Whether `actor` may see `referral` at all. Outside this scope a referral does not exist for
// the actor (NotFound), so that nothing leaks across regions or organizations.
bool can_see(Actor const& actor, Referral const& referral);

// The hospital a referral is addressed to: the one its talon names, or the one asked to confirm
// a booking. Storage's column `addressed_to` is the same rule written in SQL.
std::optional<Id> addressed_hospital(Referral const& referral);

// The places a referral's booking asks for (planned route, a day chosen), if any.
std::optional<PlaceKey> booked_place_key(Referral const& referral);

// The quota a republican approval or a promotion reserves from: the current year in Kazakhstan,
// the patient's region, the referral's profile.
QuotaKey quota_key_for(Referral const& referral, Timestamp now);

// Decides `action` on an existing referral. Errors, in the order they are checked:
// NotFound (outside the actor's scope), Forbidden (the role never takes this action),
// InvalidTransition (not from this state), QuotaExhausted / InvalidTransition (a guard fails),
// Validation (a required input is missing or malformed, with its field).
// The caller checks the version the actor saw before calling.
Result<Decision> decide(Referral const& referral, Action action, Actor const& actor,
                        ActionInput const& input, Timestamp now, DecisionContext const& context);

// Decides the creation of `draft` (already validated) by `actor`: the `register` row's role
// check, the initial state and version, and the audit event. Forbidden for other roles.
Result<Decision> decide_registration(Referral const& draft, Actor const& actor, Timestamp now);

// The actions `actor` may take on `referral` now, from the same table, in table order. Rows whose
// guard depends on the referral alone (its route) are told apart; those that depend on a quota or
// on places are found out by trying.
std::vector<AllowedAction> allowed_actions(Referral const& referral, Actor const& actor);

}  // namespace joldama
