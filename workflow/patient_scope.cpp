#include "workflow/patient_scope.hpp"

namespace joldama {

Result<bool> patient_in_scope(StoreReads& store, Actor const& actor, Patient const& patient) {
  switch (actor.role) {
    case Role::Doctor:
      if (!actor.organization_id) return false;
      if (patient.registered_by_organization == *actor.organization_id) return true;
      return store.patient_in_care_of(patient.id, *actor.organization_id);
    case Role::Commission: return !actor.region.empty() && patient.region == actor.region;
    case Role::Hospital:
      if (!actor.organization_id) return false;
      return store.patient_addressed_to(patient.id, *actor.organization_id);
    case Role::Republican:
    case Role::Admin:
    case Role::System: return true;
  }
  return false;
}

}  // namespace joldama
