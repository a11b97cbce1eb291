#pragma once
// The diagnosis codes of ICD-10 (МКБ-10) with their Russian names, read from a data file shipped
// with the program (config/icd10.tsv: `code<TAB>name`, sorted by code). A referral's diagnosis
// and a discharge's final diagnosis must be codes of it.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/result.hpp"

namespace joldama {

class Icd10Catalogue {
 public:
  struct Entry {
    std::string code;  // canonical, with the dot: "I25.1"
    std::string name_ru;
  };

  // An empty catalogue: every code is unknown.
  Icd10Catalogue() = default;

  // Parses the data file's text. Errors name the line ("line N"): a line without a tab, a code
  // of the wrong form, codes out of order or twice.
  static Result<Icd10Catalogue> parse(std::string_view text);
  static Result<Icd10Catalogue> load(std::filesystem::path const& path);

  // The entry of `code` (canonical form), if the classification has it.
  Entry const* find(std::string_view code) const;

  // Entries whose code starts with `query` (with or without the dot, any case), or, when the
  // query is words, whose name holds every one of them; by code, at most `limit`.
  std::vector<Entry const*> search(std::string_view query, std::size_t limit) const;

  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;             // by code
  std::vector<std::string> folded_names_;  // case-folded, for the word search
};

}  // namespace joldama
