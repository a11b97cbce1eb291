#include "workflow/validation.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace joldama {
namespace {

TEST(Iin, ValidNumbersPass) {
  // The second is a 2000s birth; the third needs the second weighting pass (first sum is 10).
  for (auto iin : {"850715300122", "061211600012", "850715300411"}) {
    EXPECT_TRUE(is_valid_iin(iin)) << iin;
  }
}

TEST(Iin, TheSecondPassDecidesWhenTheFirstSumIsTen) {
  EXPECT_EQ(iin_check_digit("85071530041"), 1);
  EXPECT_EQ(iin_check_digit("85071530012"), 2);
}

TEST(Iin, WrongCheckDigitLengthOrCharactersAreRefusedWithTheField) {
  struct Case {
    std::string iin;
    std::string message_part;
  };
  for (auto const& c : {Case{"850715300123", "check digit"}, Case{"85071530012", "12 digits"},
                        Case{"8507153001222", "12 digits"}, Case{"", "12 digits"},
                        Case{"85071530012a", "digits only"}, Case{"8507 5300122", "digits only"},
                        Case{"-50715300122", "digits only"}}) {
    auto const s = validate_iin(c.iin);
    ASSERT_FALSE(s.has_value()) << c.iin;
    EXPECT_EQ(s.error().code, Errc::Validation);
    EXPECT_EQ(s.error().field, "iin");
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos) << s.error().message;
  }
  // Twelve bytes that are not twelve ASCII digits (full-width digits are three bytes each).
  EXPECT_FALSE(is_valid_iin("８５０７"));
  EXPECT_EQ(validate_iin("1", "patient_iin").error().field, "patient_iin");
}

TEST(Iin, NumbersWhoseBothSumsAreTenAreNeverIssued) {
  // Find such a prefix and check that no check digit makes it valid.
  for (std::int64_t n = 0; n < 1'000'000; ++n) {
    auto const eleven = fmt::format("{:011}", 85071530000 + n);
    if (iin_check_digit(eleven)) continue;
    for (char c = '0'; c <= '9'; ++c) EXPECT_FALSE(is_valid_iin(eleven + c)) << eleven << c;
    return;
  }
  FAIL() << "no never-issued prefix found";
}

TEST(Iin, MadeForABirthDateAndSexAsTheRegistryWould) {
  auto const man = make_iin(parse_date("1985-07-15").value(), Sex::Male, 12);
  EXPECT_TRUE(is_valid_iin(man)) << man;
  EXPECT_EQ(man.substr(0, 7), "8507153");
  EXPECT_GE(man.substr(7, 4), "0012") << "the first serial from the one asked that has a check digit";
  auto const girl = make_iin(parse_date("2006-12-11").value(), Sex::Female, 9'999);
  EXPECT_TRUE(is_valid_iin(girl)) << girl;
  EXPECT_EQ(girl.substr(0, 7), "0612116");
  // Serials wrap around: 10,012 is serial 12 again.
  EXPECT_EQ(make_iin(parse_date("1985-07-15").value(), Sex::Male, 10'012), man);
}

TEST(Iin, DateDigitsAreNotChecked) {
  // Month 13 and day 40 would be impossible dates; only the check digit counts.
  auto const eleven = std::string{"851340300"} + "12";
  auto const check = iin_check_digit(eleven);
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(is_valid_iin(eleven + std::to_string(*check)));
}

TEST(Icd10, AcceptsCodesWithOrWithoutTheDotAndNormalizes) {
  EXPECT_EQ(normalize_icd10("I25.1"), "I25.1");
  EXPECT_EQ(normalize_icd10("I251"), "I25.1");
  EXPECT_EQ(normalize_icd10("i25.1"), "I25.1");
  EXPECT_EQ(normalize_icd10("C50"), "C50");
  EXPECT_EQ(normalize_icd10("U07.1"), "U07.1");
  EXPECT_EQ(normalize_icd10("Z94.81"), "Z94.81");
  EXPECT_EQ(validate_icd10(" C34.1 ").value(), "C34.1");
}

TEST(Icd10, RefusesWhatIsNotACode) {
  for (auto code : {"", "I2", "125.1", "I25.", "I25.123", "II5.1", "I25-1", "I25.A", "Ж25.1",
                    "I25.1; DROP TABLE referrals"}) {
    EXPECT_FALSE(normalize_icd10(code).has_value()) << code;
  }
  auto const r = validate_icd10("heart", "final_icd10");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "final_icd10");
}

TEST(Eligibility, OnlyTemporaryResidentsAreNotCovered) {
  for (auto residency : all_values<Residency>()) {
    bool const covered = residency != Residency::ForeignTemporary;
    EXPECT_EQ(is_covered(residency), covered) << to_string(residency);
    auto const s = check_eligibility(residency);
    EXPECT_EQ(s.has_value(), covered);
    if (!covered) {
      EXPECT_EQ(s.error().code, Errc::NotEligible);
    }
  }
}

TEST(Text, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(is_valid_utf8("Қазақстан, Алматы"));
  EXPECT_TRUE(is_valid_utf8("emoji \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));       // truncated
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_EQ(utf8_length("Қазақ"), 5u);
}

TEST(Text, LengthIsCountedInCharactersAndControlsAreRefused) {
  std::string kazakh;
  for (int i = 0; i < 10; ++i) kazakh += "Ө";  // two bytes each
  EXPECT_TRUE(validate_text("reason", kazakh, 10, Presence::Required).has_value());
  auto const long_text = validate_text("reason", kazakh + "Ө", 10, Presence::Required);
  ASSERT_FALSE(long_text.has_value());
  EXPECT_EQ(long_text.error().field, "reason");

  EXPECT_FALSE(validate_text("reason", std::string("a\0b", 3), 10, Presence::Required).has_value());
  EXPECT_FALSE(validate_text("reason", "line\nbreak", 20, Presence::Required).has_value());
  EXPECT_TRUE(
      validate_text("reason", "line\nbreak", 20, Presence::Required, Lines::Multi).has_value());
  EXPECT_FALSE(validate_text("reason", "  ", 20, Presence::Required).has_value());
  EXPECT_EQ(validate_text("comment", "  ", 20, Presence::Optional).value(), "");
  EXPECT_EQ(validate_text("comment", "  trimmed ", 20, Presence::Optional).value(), "trimmed");
}

TEST(Text, NamesHoldLettersAndFewMarks) {
  EXPECT_TRUE(validate_person_name("last_name", "Сейтқали-Ұлы", Presence::Required).has_value());
  EXPECT_TRUE(validate_person_name("last_name", "O'Neil", Presence::Required).has_value());
  for (auto bad : {"Ivanov2", "<script>", "a;b", "x\"y"}) {
    auto const r = validate_person_name("last_name", bad, Presence::Required);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field, "last_name");
  }
}

TEST(Text, PhonesAreNormalized) {
  EXPECT_EQ(validate_phone("phone", "+7 (701) 123-45-67").value(), "+77011234567");
  EXPECT_EQ(validate_phone("phone", "87011234567").value(), "+77011234567");
  EXPECT_EQ(validate_phone("phone", "7011234567").value(), "+77011234567");
  for (auto bad : {"12345", "+7 701 123 45 6x", "+44 20 7946 0958 12"}) {
    EXPECT_FALSE(validate_phone("phone", bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace joldama
