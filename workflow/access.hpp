#pragma once
// Who may do what, and what of the referrals they see: one table of capabilities by role, and
// one definition of a referral's scope that gives both the check of one referral and the filter
// of a list. What a role may do to a referral in a given state is the transition table's; this
// is everything else the workflow, the lookups, the reports and the API check.

#include <span>
#include <string>

#include "workflow/enums.hpp"
#include "workflow/model.hpp"
#include "workflow/result.hpp"

namespace joldama {

enum class Capability {
  RegisterPatients,
  RegisterReferrals,
  AskPatientAccess,
  AttachDocuments,
  SetQuotas,
  DistributeQuotas,
  ReadQuotas,           // a commission those of its region
  ReadReports,          // a commission those of its region
  SetHospitalCare,      // what a hospital treats, and on which routes
  SetPlaces,            // a hospital's staff its own
  ChangeCalendar,
  ManageUsers,
  ManageOrganizations,  // adding them, their contacts
  ReadAudit,
  VerifyAudit,          // the chain and its signed anchors
  ReadPatientAccesses,  // who read a patient's record, and why
  ReadOutbox,           // the messages to patients, and sending a given-up one again
};

// One row of the table: the roles that hold a capability, and what a refusal says.
struct CapabilityRule {
  Capability capability;
  EnumSet<Role> roles;
  char const* refusal;
};

// The table, one row per capability in the enumeration's order.
std::span<CapabilityRule const> capability_table();

// What an account of `role` must be bound to before it acts at all: a doctor's and a hospital's
// staff to their organization, a commission to its region.
enum class Binding { Nothing, Organization, Region };
Binding binding_of(Role role);

// Forbidden, with the rule's words, unless the actor's role holds `capability` and the actor is
// bound as its role requires.
Status require(Actor const& actor, Capability capability);
bool holds(Actor const& actor, Capability capability);

// The referrals an actor sees. Outside it a referral does not exist for them (NotFound), so that
// nothing leaks across regions or organizations.
struct ReferralScope {
  enum class Kind {
    Everything,        // the republican level, administrators, the bureau itself
    ReferredBy,        // a doctor: the referrals of their organization
    PatientsOfRegion,  // a commission: those of the patients of its region
    AddressedTo,       // a hospital: those addressed to it (addressed_hospital)
  };
  Kind kind = Kind::Everything;
  Id organization = 0;  // ReferredBy, AddressedTo
  std::string region;   // PatientsOfRegion

  // The check of one referral …
  bool covers(Referral const& referral) const;
  // … and the same rule as a list's filter, which storage executes.
  void narrow(ReferralFilter& filter) const;
};

// Forbidden for an account bound to nothing its role needs.
Result<ReferralScope> referral_scope(Actor const& actor);

}  // namespace joldama
