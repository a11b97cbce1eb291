#include "workflow/access.hpp"

#include <array>

#include "workflow/decide.hpp"

namespace joldama {

namespace {

using enum Role;

constexpr std::array kCapabilities{
    CapabilityRule{Capability::RegisterPatients, {Doctor},
                   "only a doctor of a medical organization registers patients"},
    CapabilityRule{Capability::RegisterReferrals, {Doctor},
                   "only a doctor of a medical organization registers referrals"},
    CapabilityRule{Capability::AskPatientAccess, {Doctor},
                   "only a doctor asks for access to a patient's record"},
    CapabilityRule{Capability::AttachDocuments, {Doctor},
                   "documents are attached by the referring doctor"},
    CapabilityRule{Capability::SetQuotas, {Republican, Admin},
                   "only the republican level or an administrator sets quotas"},
    CapabilityRule{Capability::DistributeQuotas, {Republican},
                   "only the republican level distributes quotas"},
    CapabilityRule{Capability::ReadQuotas, {Republican, Admin, Commission},
                   "quotas are planned at the republican level"},
    CapabilityRule{Capability::ReadReports, {Republican, Admin, Commission},
                   "the reports are for the republican level, commissions and administrators"},
    CapabilityRule{Capability::SetHospitalCare, {Admin},
                   "only an administrator sets what a hospital treats"},
    CapabilityRule{Capability::SetPlaces, {Hospital, Admin},
                   "only the hospital's staff or an administrator publishes its places"},
    CapabilityRule{Capability::ChangeCalendar, {Admin},
                   "only an administrator changes the calendar"},
    CapabilityRule{Capability::ManageUsers, {Admin, System},
                   "only an administrator manages users"},
    CapabilityRule{Capability::ManageOrganizations, {Admin, System},
                   "only an administrator manages organizations"},
    CapabilityRule{Capability::ReadAudit, {Admin, Republican},
                   "the audit log is for administrators and the ministry"},
    CapabilityRule{Capability::VerifyAudit, {Admin},
                   "only an administrator verifies the audit log and its anchors"},
    CapabilityRule{Capability::ReadPatientAccesses, {Admin},
                   "accesses to patients' records are for administrators"},
    CapabilityRule{Capability::ReadOutbox, {Admin}, "only an administrator reads the outbox"},
};

constexpr bool in_enumeration_order() {
  for (std::size_t i = 0; i < kCapabilities.size(); ++i) {
    if (static_cast<std::size_t>(kCapabilities[i].capability) != i) return false;
  }
  return true;
}
static_assert(in_enumeration_order(), "one row per capability, in the enumeration's order");
static_assert(kCapabilities.size() == static_cast<std::size_t>(Capability::ReadOutbox) + 1);

Status bound(Actor const& actor) {
  switch (binding_of(actor.role)) {
    case Binding::Nothing: return ok();
    case Binding::Organization:
      if (!actor.organization_id) {
        return make_error(Errc::Forbidden, "the account belongs to no organization");
      }
      return ok();
    case Binding::Region:
      // A commission without a region sees nothing, never the country.
      if (actor.region.empty()) return make_error(Errc::Forbidden, "the commission has no region");
      return ok();
  }
  return make_error(Errc::Forbidden, "unknown role");
}

}  // namespace

std::span<CapabilityRule const> capability_table() {
  return kCapabilities;
}

Binding binding_of(Role role) {
  switch (role) {
    case Doctor:
    case Hospital: return Binding::Organization;
    case Commission: return Binding::Region;
    case Republican:
    case Admin:
    case System: return Binding::Nothing;
  }
  return Binding::Nothing;
}

Status require(Actor const& actor, Capability capability) {
  auto const& rule = kCapabilities[static_cast<std::size_t>(capability)];
  if (!rule.roles.contains(actor.role)) return make_error(Errc::Forbidden, rule.refusal);
  return bound(actor);
}

bool holds(Actor const& actor, Capability capability) {
  return static_cast<bool>(require(actor, capability));
}

bool ReferralScope::covers(Referral const& referral) const {
  switch (kind) {
    case Kind::Everything: return true;
    case Kind::ReferredBy: return referral.referring_organization_id == organization;
    case Kind::PatientsOfRegion: return referral.patient_region == region;
    case Kind::AddressedTo: return addressed_hospital(referral) == organization;
  }
  return false;
}

void ReferralScope::narrow(ReferralFilter& filter) const {
  switch (kind) {
    case Kind::Everything: return;
    case Kind::ReferredBy: filter.referring_organization_id = organization; return;
    case Kind::PatientsOfRegion: filter.patient_region_scope = region; return;
    case Kind::AddressedTo: filter.addressed_hospital_id = organization; return;
  }
}

Result<ReferralScope> referral_scope(Actor const& actor) {
  if (auto s = bound(actor); !s) return s.error();
  switch (actor.role) {
    case Doctor: return ReferralScope{ReferralScope::Kind::ReferredBy, *actor.organization_id, {}};
    case Commission: return ReferralScope{ReferralScope::Kind::PatientsOfRegion, 0, actor.region};
    case Hospital: return ReferralScope{ReferralScope::Kind::AddressedTo, *actor.organization_id, {}};
    case Republican:
    case Admin:
    case System: return ReferralScope{};
  }
  return make_error(Errc::Forbidden, "unknown role");
}

}  // namespace joldama
