// One definition of what an actor sees of the referrals (ReferralScope), executed twice: as the
// check of one referral in the workflow, and as the filter storage runs in SQL for a list. Over
// a bureau with referrals of two regions, two polyclinics, talons and a booking, both give every
// actor exactly the same referrals.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/support/test_bureau.hpp"
#include "workflow/access.hpp"
#include "workflow/decide.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::TestBureau;

TEST(ReferralScope, TheChecksAndTheListFiltersAgreeForEveryActor) {
  TestBureau bureau;
  std::vector<Id> ids;
  auto keep = [&](Result<Referral> const& r) {
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ids.push_back(r->id);
  };
  // Patients of both regions, referred by both polyclinics.
  keep(bureau.add_referral("cardiac_surgery", Urgency::Routine, "75"));
  keep(bureau.add_referral("oncology", Urgency::Urgent, "71"));
  keep(bureau.add_referral("cardiac_surgery", Urgency::Routine, "71", &bureau.doctor_astana));
  keep(bureau.add_referral("oncology", Urgency::Routine, "75", &bureau.doctor_astana));
  // Talons at the Astana hospital, for patients of either region.
  ASSERT_TRUE(bureau.set_quota(bureau.key("cardiac_surgery", "75"), 5));
  ASSERT_TRUE(bureau.set_quota(bureau.key("cardiac_surgery", "71"), 5));
  keep(bureau.referral_with_talon("cardiac_surgery", "75"));
  keep(bureau.referral_with_talon("cardiac_surgery", "71"));
  // A booking the Almaty hospital is asked to confirm.
  auto const day = local_date(bureau.clock.now()) + std::chrono::days{7};
  ASSERT_TRUE(bureau.publish_places(bureau.hospital_almaty, "surgery", day, 3));
  keep(bureau.booked_referral(bureau.hospital_almaty, day));

  std::vector<Referral> all;
  for (Id id : ids) all.push_back(*bureau.get(id));
  Actor no_organization{20, "doctor.nowhere", Role::Doctor, std::nullopt, "75"};
  Actor no_region{21, "commission.nowhere", Role::Commission, std::nullopt, ""};

  for (Actor const* actor :
       {&bureau.doctor, &bureau.doctor_astana, &bureau.commission, &bureau.commission_astana,
        &bureau.hospital, &bureau.hospital2, &bureau.eye_staff, &bureau.republic, &bureau.admin,
        &no_organization, &no_region}) {
    SCOPED_TRACE(actor->login);
    std::set<Id> checked;
    for (auto const& r : all) {
      if (can_see(*actor, r)) checked.insert(r.id);
    }
    auto const scope = referral_scope(*actor);
    if (!scope) {
      // An account bound to nothing its role needs sees nothing, and is told so.
      EXPECT_EQ(scope.error().code, Errc::Forbidden);
      EXPECT_TRUE(checked.empty());
      continue;
    }
    ReferralFilter filter;
    filter.limit = 1000;
    scope->narrow(filter);
    auto const listed = bureau.read([&](StoreReads& s) { return s.list_referrals(filter); });
    ASSERT_TRUE(listed.has_value()) << listed.error().message;
    std::set<Id> in_list;
    for (auto const& row : *listed) {
      // Only the referrals of this test (the bureau starts with none of its own).
      if (std::find(ids.begin(), ids.end(), row->referral.id) != ids.end()) {
        in_list.insert(row->referral.id);
      }
    }
    EXPECT_EQ(in_list, checked);
  }
  // The scopes differ: each actor's view is a proper part of the country's.
  auto const seen_by = [&](Actor const& a) {
    return std::count_if(all.begin(), all.end(), [&](Referral const& r) { return can_see(a, r); });
  };
  EXPECT_EQ(seen_by(bureau.republic), static_cast<long>(all.size()));
  EXPECT_EQ(seen_by(bureau.hospital), 2);
  EXPECT_EQ(seen_by(bureau.hospital2), 1);
  EXPECT_EQ(seen_by(bureau.eye_staff), 0);
  EXPECT_GT(seen_by(bureau.commission), 0);
  EXPECT_LT(seen_by(bureau.commission), static_cast<long>(all.size()));
  EXPECT_EQ(seen_by(bureau.commission) + seen_by(bureau.commission_astana),
            static_cast<long>(all.size()));
}

}  // namespace
}  // namespace joldama::storage
