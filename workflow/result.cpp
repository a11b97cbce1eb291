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
    case Errc::NoFreePlace: return "no_free_place";
    case Errc::CapacityBelowBookings: return "capacity_below_bookings";
    case Errc::ReferralExists: return "referral_exists";
    case Errc::StaleVersion: return "stale_version";
    case Errc::StorageFull: return "storage_full";
    case Errc::Unavailable: return "unavailable";
    case Errc::Internal: return "internal_error";
    case Errc::Malformed: return "bad_request";
    case Errc::Unauthenticated: return "unauthenticated";
    case Errc::MethodNotAllowed: return "method_not_allowed";
    case Errc::PreconditionRequired: return "if_match_required";
    case Errc::TooLarge: return "payload_too_large";
    case Errc::UnsupportedMediaType: return "unsupported_media_type";
    case Errc::RateLimited: return "rate_limited";
    case Errc::IdempotencyKeyReused: return "idempotency_key_reused";
    case Errc::PasswordChangeRequired: return "password_change_required";
  }
  return "internal_error";
}

}  // namespace joldama
