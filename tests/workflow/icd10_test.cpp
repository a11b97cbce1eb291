// The ICD-10 catalogue: the shipped file reads, codes are found in their canonical form, and the
// search finds codes by their beginning and diagnoses by words of their names.

#include "workflow/icd10.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_bureau.hpp"
#include "workflow/validation.hpp"

namespace joldama {
namespace {

using testing::icd10_catalogue;

TEST(Icd10Catalogue, TheShippedFileHoldsTheWholeClassification) {
  auto const& catalogue = icd10_catalogue();
  EXPECT_EQ(catalogue.size(), 14329u);  // 2,053 categories and 12,276 subcategories
  ASSERT_NE(catalogue.find("I25.1"), nullptr);
  EXPECT_EQ(catalogue.find("I25.1")->name_ru, "Атеросклеротическая болезнь сердца");
  EXPECT_NE(catalogue.find("I25"), nullptr);  // a category is a code too
  EXPECT_NE(catalogue.find("U07.1"), nullptr);
  EXPECT_EQ(catalogue.find("I99.9"), nullptr);   // the right shape, but no such code
  EXPECT_EQ(catalogue.find("U07.3"), nullptr);   // an emergency-use placeholder left out
  EXPECT_EQ(catalogue.find("i25.1"), nullptr);   // the canonical form only
}

TEST(Icd10Catalogue, FindsCodesByTheirBeginningWithOrWithoutTheDot) {
  auto const& catalogue = icd10_catalogue();
  auto const codes = [&](std::string_view q, std::size_t limit = 20) {
    std::vector<std::string> out;
    for (auto const* e : catalogue.search(q, limit)) out.push_back(e->code);
    return out;
  };
  auto const i25 = codes("i25");
  ASSERT_FALSE(i25.empty());
  EXPECT_EQ(i25.front(), "I25");
  for (auto const& c : i25) EXPECT_TRUE(c.starts_with("I25")) << c;
  EXPECT_EQ(codes("I251"), std::vector<std::string>{"I25.1"});
  EXPECT_EQ(codes("I25.1"), std::vector<std::string>{"I25.1"});
  EXPECT_EQ(codes("I", 5).size(), 5u);
  EXPECT_TRUE(codes("Q99999").empty());
}

TEST(Icd10Catalogue, FindsDiagnosesByWordsOfTheirNames) {
  auto const found = icd10_catalogue().search("ишемическая Болезнь хрон", 10);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front()->code, "I25");
  for (auto const* e : found) {
    auto const name = fold_case(e->name_ru);
    EXPECT_NE(name.find("ишемическая"), std::string::npos) << e->code;
    EXPECT_NE(name.find("хрон"), std::string::npos) << e->code;
  }
  EXPECT_TRUE(icd10_catalogue().search("", 10).empty());
  EXPECT_TRUE(icd10_catalogue().search("несуществующийдиагноз", 10).empty());
}

TEST(Icd10Catalogue, RefusesAFileThatIsNotTheClassification) {
  EXPECT_EQ(Icd10Catalogue::parse("A00\tХолера\nA00.0 no tab\n").error().field, "line 2");
  EXPECT_EQ(Icd10Catalogue::parse("A00\tХолера\nA0\tx\n").error().field, "line 2");
  EXPECT_EQ(Icd10Catalogue::parse("B00\tx\nA00\ty\n").error().field, "line 2");
  EXPECT_EQ(Icd10Catalogue::parse("A00\tx\nA00\ty\n").error().field, "line 2");
  EXPECT_EQ(Icd10Catalogue::parse("a00\tx\n").error().field, "line 1");
  EXPECT_EQ(Icd10Catalogue::parse("A00\t\n").error().field, "line 1");
  auto const fine = Icd10Catalogue::parse("A00\tХолера\r\nA00.0\tХолера, вызванная\n\n");
  ASSERT_TRUE(fine.has_value());
  EXPECT_EQ(fine->size(), 2u);
}

}  // namespace
}  // namespace joldama
