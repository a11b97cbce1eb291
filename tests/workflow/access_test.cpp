// The capability table and the binding every role needs: who is refused, and with which words.

#include "workflow/access.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace joldama {
namespace {

Actor actor(Role role, std::optional<Id> organization = std::nullopt, std::string region = {}) {
  return Actor{1, "someone", role, organization, std::move(region)};
}

TEST(Capabilities, EveryRuleNamesRolesAndARefusal) {
  std::set<Capability> seen;
  for (auto const& rule : capability_table()) {
    EXPECT_TRUE(seen.insert(rule.capability).second);
    EXPECT_FALSE(rule.roles.empty());
    EXPECT_FALSE(std::string{rule.refusal}.empty());
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(Capability::ReadOutbox) + 1);
}

TEST(Capabilities, ARoleOutsideTheRuleIsRefusedWithTheRulesWords) {
  auto const refused = require(actor(Role::Hospital, 7), Capability::SetQuotas);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::Forbidden);
  EXPECT_EQ(refused.error().message, "only the republican level or an administrator sets quotas");
  EXPECT_TRUE(holds(actor(Role::Republican), Capability::SetQuotas));
  EXPECT_TRUE(holds(actor(Role::Admin), Capability::SetQuotas));
  EXPECT_FALSE(holds(actor(Role::Admin), Capability::DistributeQuotas));
  EXPECT_FALSE(holds(actor(Role::Doctor, 3), Capability::ReadReports));
  EXPECT_TRUE(holds(actor(Role::Hospital, 7), Capability::SetPlaces));
  // The bureau itself seeds accounts and organizations, and nothing of the ministry's.
  EXPECT_TRUE(holds(Actor::system(), Capability::ManageUsers));
  EXPECT_TRUE(holds(Actor::system(), Capability::ManageOrganizations));
  EXPECT_FALSE(holds(Actor::system(), Capability::ReadAudit));
}

TEST(Capabilities, AnAccountBoundToNothingItsRoleNeedsIsRefusedEverything) {
  EXPECT_EQ(binding_of(Role::Doctor), Binding::Organization);
  EXPECT_EQ(binding_of(Role::Hospital), Binding::Organization);
  EXPECT_EQ(binding_of(Role::Commission), Binding::Region);
  EXPECT_EQ(binding_of(Role::Republican), Binding::Nothing);

  auto const doctor = require(actor(Role::Doctor), Capability::RegisterPatients);
  ASSERT_FALSE(doctor.has_value());
  EXPECT_EQ(doctor.error().message, "the account belongs to no organization");
  EXPECT_TRUE(holds(actor(Role::Doctor, 3), Capability::RegisterPatients));
  // A commission without a region reads neither the country's reports nor its quotas.
  for (auto const capability : {Capability::ReadReports, Capability::ReadQuotas}) {
    auto const commission = require(actor(Role::Commission), capability);
    ASSERT_FALSE(commission.has_value());
    EXPECT_EQ(commission.error().message, "the commission has no region");
    EXPECT_TRUE(holds(actor(Role::Commission, std::nullopt, "75"), capability));
  }
}

TEST(ReferralScopes, EachRoleSeesItsOwnPartAndTheFilterSaysTheSame) {
  Referral r;
  r.referring_organization_id = 3;
  r.patient_region = "75";
  r.state = State::TalonIssued;
  r.hospital_id = 9;
  r.talon = Talon{};

  auto const doctor = referral_scope(actor(Role::Doctor, 3));
  ASSERT_TRUE(doctor.has_value());
  EXPECT_TRUE(doctor->covers(r));
  EXPECT_FALSE(referral_scope(actor(Role::Doctor, 4))->covers(r));
  ReferralFilter filter;
  doctor->narrow(filter);
  EXPECT_EQ(filter.referring_organization_id, std::optional<Id>{3});
  EXPECT_FALSE(filter.patient_region_scope || filter.addressed_hospital_id);

  auto const commission = referral_scope(actor(Role::Commission, std::nullopt, "75"));
  EXPECT_TRUE(commission->covers(r));
  EXPECT_FALSE(referral_scope(actor(Role::Commission, std::nullopt, "71"))->covers(r));
  ReferralFilter by_region;
  commission->narrow(by_region);
  EXPECT_EQ(by_region.patient_region_scope, std::optional<std::string>{"75"});

  auto const hospital = referral_scope(actor(Role::Hospital, 9));
  EXPECT_TRUE(hospital->covers(r));
  r.talon.reset();
  r.state = State::RepublicanReview;
  EXPECT_FALSE(hospital->covers(r)) << "chosen, but not yet addressed to it";
  ReferralFilter addressed;
  hospital->narrow(addressed);
  EXPECT_EQ(addressed.addressed_hospital_id, std::optional<Id>{9});

  auto const everything = referral_scope(actor(Role::Republican));
  EXPECT_TRUE(everything->covers(r));
  ReferralFilter untouched;
  everything->narrow(untouched);
  EXPECT_FALSE(untouched.referring_organization_id || untouched.patient_region_scope ||
               untouched.addressed_hospital_id);

  EXPECT_FALSE(referral_scope(actor(Role::Hospital)).has_value());
  EXPECT_FALSE(referral_scope(actor(Role::Commission)).has_value());
}

}  // namespace
}  // namespace joldama
