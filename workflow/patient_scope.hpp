#pragma once
// Whose record of a patient an actor may reach. One rule for every read and command that names a
// patient by IIN, so that a patient outside it answers exactly like an IIN nobody registered.

#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/result.hpp"

namespace joldama {

// Whether `actor` deals with `patient`: a doctor's organization registered or referred them, or
// was granted access to their record with a reason; the patient lives in the commission's
// region, or holds a talon at the hospital; the republican level and administrators see all.
Result<bool> patient_in_scope(StoreReads& store, Actor const& actor, Patient const& patient);

}  // namespace joldama
