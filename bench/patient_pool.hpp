#pragma once
// Patients for the write benchmarks. A patient may hold one open referral per profile, so a
// benchmark that registers referrals needs many patients: these are registered by the demo's
// doctor before the clock starts, and each (patient, profile) pair is used once.

#include <string>
#include <vector>

#include "workflow/ports.hpp"
#include "workflow/services.hpp"

namespace joldama::bench {

// Registers `count` new patients of `doctor`'s region (IINs that the database does not hold
// yet, drawn from `serial`) in `store`; returns their IINs.
Result<std::vector<std::string>> register_patient_pool(Store& store, Workflow const& workflow,
                                                       Actor const& doctor, std::size_t count,
                                                       unsigned serial);

// The profiles a benchmark referral cycles through, each with a diagnosis of it.
struct BenchCase {
  char const* profile;
  char const* icd10;
};
std::vector<BenchCase> const& bench_cases();

// One referral a write benchmark registers: a patient of the pool and a case.
struct PlannedReferral {
  std::string const* iin;
  BenchCase const* kind;
};

// The referrals a pool allows, each (patient, profile) once, in the order they are sent: every
// patient with the first case, then every patient with the second, and so on.
std::vector<PlannedReferral> referral_plan(std::vector<std::string> const& pool);

}  // namespace joldama::bench
