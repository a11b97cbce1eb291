#include "bench/bookings.hpp"

#include <fmt/format.h>

#include "bench/patient_pool.hpp"

namespace joldama::bench {

namespace {
constexpr int kDays = 10;           // working days the bookings are spread over
constexpr unsigned kSerial = 6000;  // apart from the write benchmark's patients
}  // namespace

Result<Bookings> prepare_bookings(Store& store, Workflow const& workflow,
                                  WorkingCalendar const& calendar, Actor const& doctor,
                                  std::string const& hospital_login, std::size_t count) {
  auto staff = store.find_user_by_login(hospital_login);
  if (!staff) return staff.error();
  if (!*staff || !(*staff)->organization_id) {
    return make_error(Errc::NotFound, fmt::format("no hospital staff `{}`", hospital_login));
  }
  Id const hospital_id = *(*staff)->organization_id;
  auto hospital = store.find_organization(hospital_id);
  if (!hospital) return hospital.error();
  if (!*hospital || !(*hospital)->accepts.contains(Route::Planned) ||
      (*hospital)->profiles.empty()) {
    return make_error(Errc::NotFound, "the hospital takes no planned patients");
  }
  // The cases the hospital takes planned patients of.
  std::vector<BenchCase const*> cases;
  for (auto const& kind : bench_cases()) {
    if ((*hospital)->treats(kind.profile)) cases.push_back(&kind);
  }
  if (cases.empty()) return make_error(Errc::NotFound, "no benchmark case fits the hospital");

  // The coming working days, and places for every booking on them.
  std::vector<Date> days;
  for (Date day = local_date(workflow.clock().now()) + std::chrono::days{1};
       days.size() < static_cast<std::size_t>(kDays); day += std::chrono::days{1}) {
    if (calendar.is_working_day(day)) days.push_back(day);
  }
  auto const per_cell = static_cast<int>(count / (days.size() * cases.size()) + 1);
  if (per_cell > kMaxPlacesPerDay) return make_error(Errc::Internal, "too many bookings");
  for (auto const* kind : cases) {
    for (Date day : days) {
      PlaceKey const key{hospital_id, kind->profile, day};
      auto found = store.find_places(key);
      if (!found) return found.error();
      Places places = found->value_or(Places{key, 0, 0});
      places.capacity = std::min(kMaxPlacesPerDay, places.booked + per_cell);
      if (auto s = store.save_places(places); !s) return s.error();
    }
  }

  // One patient per profile's turn: a patient holds one open referral of each profile.
  auto const patients_needed = (count + cases.size() - 1) / cases.size();
  auto pool = register_patient_pool(store, workflow, doctor, patients_needed, kSerial);
  if (!pool) return pool.error();
  Bookings bookings{hospital_login, {}};
  bookings.referrals.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    BenchCase const& kind = *cases[i % cases.size()];
    ReferralDraft const draft{(*pool)[i / cases.size()], kind.icd10,       kind.profile,
                              Route::Planned,            Urgency::Routine, CareForm::Inpatient,
                              "Benchmark: planned hospitalization"};
    auto referral = workflow.register_referral(store, doctor, draft);
    if (!referral) return referral.error();
    ActionInput book;
    book.hospital_id = hospital_id;
    book.planned_date = days[(i / cases.size()) % days.size()];
    auto booked = workflow.perform(
        store, doctor, ActionCommand{referral->id, Action::Book, referral->version, book});
    if (!booked) return booked.error();
    bookings.referrals.push_back(booked->id);
  }
  return bookings;
}

}  // namespace joldama::bench
