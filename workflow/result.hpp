#pragma once
// Expected failures as values: Result<T> holds either a T or an Error, Status is Result<void>.
// Propagate at once: `if (!r) return r.error();`.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace joldama {

// Every failure a caller can expect. Each has one snake_case name (to_string) that the HTTP API
// uses as its error code; the server maps each to exactly one status code.
enum class Errc {
  NotFound,           // missing, or outside the caller's scope (never reveal which)
  Forbidden,          // the caller's role may not do this
  InvalidTransition,  // the action is not allowed in the referral's current state
  Validation,         // an input is malformed or out of range; Error::field names it
  NotEligible,        // the patient is not covered by the guaranteed volume of free care
  PatientExists,      // a patient with this IIN is already registered
  Duplicate,          // another unique value is already taken
  QuotaExhausted,     // no unit is available in the quota (the workflow turns it into a waitlist)
  QuotaBelowUsage,    // an allocation may not drop below reserved + used
  NoFreePlace,        // the hospital has no free planned place left on that day
  CapacityBelowBookings,  // a day's capacity may not drop below the places booked
  ReferralExists,     // the patient already has an open referral of this profile (see existing)
  StaleVersion,       // optimistic concurrency: the record changed since the caller read it
  StorageFull,        // the disk is full; nothing was written
  Unavailable,        // the database is busy or failed; nothing was written
  Internal,           // a defect: an invariant did not hold
  // Failures of the request itself, before the domain is reached.
  Malformed,             // the request cannot be read (bad JSON, bad header, bad query)
  Unauthenticated,       // no valid session
  MethodNotAllowed,      // the path exists, the method does not
  PreconditionRequired,  // an action without If-Match
  TooLarge,              // the body exceeds its limit
  UnsupportedMediaType,  // the body's type is not accepted here
  RateLimited,           // too many attempts; try again later
  IdempotencyKeyReused,  // the same Idempotency-Key with a different request
  PasswordChangeRequired,  // the user must choose their own password before anything else
};

std::string_view to_string(Errc code);

// What an error is about when it names a referral (ReferralExists: the open one).
struct ExistingReferral {
  std::int64_t id = 0;
  std::string code;

  friend bool operator==(ExistingReferral const&, ExistingReferral const&) = default;
};

struct Error {
  Errc code;
  std::string message;
  std::string field;  // empty unless exactly one input field is at fault
  std::optional<ExistingReferral> existing = std::nullopt;

  friend bool operator==(Error const&, Error const&) = default;
};

inline Error make_error(Errc code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field), std::nullopt};
}

inline Error validation_error(std::string field, std::string message) {
  return Error{Errc::Validation, std::move(message), std::move(field), std::nullopt};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(data_); }
  T const& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  T const& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  T const* operator->() const { return &value(); }

  Error const& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  Error const& error() const { return error_; }

 private:
  Error error_{Errc::Internal, {}, {}, std::nullopt};
  bool failed_ = false;
};

using Status = Result<void>;

inline Status ok() {
  return {};
}

// For scripts of many steps that end at the first failure (the demo data, the benchmarks'
// generator): must() gives the step's value or throws its error as ScriptFailure, caught once
// where the script ends and returned as a value again. Never for commands or requests.
struct ScriptFailure : std::runtime_error {
  explicit ScriptFailure(Error const& e) : std::runtime_error(e.message), error(e) {}
  Error error;
};

template <class T>
T must(Result<T> r) {
  if (!r) throw ScriptFailure{r.error()};
  return std::move(*r);
}

inline void must(Status s) {
  if (!s) throw ScriptFailure{s.error()};
}

}  // namespace joldama
