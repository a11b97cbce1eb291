#include "workflow/result.hpp"

namespace joldama {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::NotFound: return "not_found";
    case Errc::Forbidden: return "forbidden";
    case Errc::InvalidTransition: return "invalid_transition";
    case Errc::Validation: return "validation_failed";
    case Errc::NotEligible: return "not_eligible";
    case Errc::PatientExists: return "patient_exists";
    case Errc::Duplicate: return "duplicate";
    case Errc::QuotaExhausted: return "quota_exhausted";
    case Errc::QuotaBelowUsage: return "quota_below_usage";
    case Errc::StaleVersion: return "stale_version";
    case Errc::StorageFull: return "storage_full";
    case Errc::Unavailable: return "unavailable";
    case Errc::Internal: return "internal_error";
  }
  return "internal_error";
}

}  // namespace joldama
