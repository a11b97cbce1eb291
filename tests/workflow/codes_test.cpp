#include "workflow/codes.hpp"

#include <gtest/gtest.h>

namespace joldama {
namespace {

TEST(Codes, ReferralCodeStartsWithTheRegion) {
  EXPECT_EQ(format_referral_code("75", 2026, 123), "75-26-0000123");
  EXPECT_EQ(format_referral_code("10", 2027, 1), "10-27-0000001");
  EXPECT_EQ(format_referral_code("71", 2026, 12345678), "71-26-12345678");
}

TEST(Codes, TalonNumber) {
  EXPECT_EQ(format_talon_number(2026, 42), "T26-0000042");
}

TEST(Codes, SequencesAreSeparatePerRegionAndYear) {
  EXPECT_NE(referral_sequence_name("75", 2026), referral_sequence_name("71", 2026));
  EXPECT_NE(referral_sequence_name("75", 2026), referral_sequence_name("75", 2027));
  EXPECT_NE(talon_sequence_name(2026), talon_sequence_name(2027));
}

TEST(Codes, ShapeCheck) {
  EXPECT_TRUE(looks_like_referral_code("75-26-0000123"));
  EXPECT_TRUE(looks_like_referral_code("71-26-12345678"));
  for (auto bad :
       {"", "75-26-000012", "7526-0000123", "75-26-00001x3", "75-26-0000123'--", "AB-26-0000123"}) {
    EXPECT_FALSE(looks_like_referral_code(bad)) << bad;
  }
}

}  // namespace
}  // namespace joldama
