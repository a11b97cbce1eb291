#include "bench/patient_pool.hpp"

#include <fmt/format.h>

#include "workflow/validation.hpp"

namespace joldama::bench {

Result<std::vector<std::string>> register_patient_pool(Store& store, Workflow const& workflow,
                                                       Actor const& doctor, std::size_t count,
                                                       unsigned serial) {
  std::vector<std::string> iins;
  iins.reserve(count);
  // Birth dates over fifty years, two sexes, and serials from `serial`: 36,500 × 2 IINs a
  // serial, far more than a benchmark needs.
  Date const first{std::chrono::sys_days{std::chrono::year{1950} / 1 / 1}};
  for (std::size_t i = 0; iins.size() < count; ++i) {
    if (i > count * 4 + 1000) {
      return make_error(Errc::Internal, "no free IINs left for the benchmark's patients");
    }
    Date const birth = first + std::chrono::days{static_cast<int>(i % 18'250)};
    Sex const sex = i % 2 == 0 ? Sex::Female : Sex::Male;
    auto const iin = make_iin(birth, sex, serial + static_cast<unsigned>(i / 18'250));
    auto existing = store.find_patient_by_iin(iin);
    if (!existing) return existing.error();
    if (*existing) continue;
    PatientDraft patient{iin,   "Бенчмарк",     sex == Sex::Female ? "Айгерим" : "Ерлан",
                         "",    birth,          sex,
                         Residency::Citizen,    doctor.region,
                         // A phone, so that the patient's messages go to the outbox as they would.
                         fmt::format("+7 702 {}", iin.substr(5, 7)), true,
                         fmt::format("p{}@example.com", iin), Locale::Ru};
    auto registered = workflow.register_patient(store, doctor, patient);
    if (!registered) return registered.error();
    iins.push_back(iin);
  }
  return iins;
}

std::vector<BenchCase> const& bench_cases() {
  static std::vector<BenchCase> const cases{
      {"cardiac_surgery", "I25.1"},  {"cardiology", "I20.8"},
      {"neurosurgery", "D33.0"},     {"oncology", "C34.1"},
      {"hematology", "C92.0"},       {"transplantation", "N18.5"},
      {"ophthalmology", "H25.1"},    {"traumatology_orthopedics", "M16.1"},
      {"uronephrology", "N20.0"},    {"obstetrics_gynecology", "D25.1"},
      {"pediatric_surgery", "Q40.0"}, {"surgery", "K80.2"}};
  return cases;
}

std::vector<PlannedReferral> referral_plan(std::vector<std::string> const& pool) {
  std::vector<PlannedReferral> plan;
  plan.reserve(pool.size() * bench_cases().size());
  for (auto const& kind : bench_cases()) {
    for (auto const& iin : pool) plan.push_back(PlannedReferral{&iin, &kind});
  }
  return plan;
}

}  // namespace joldama::bench
