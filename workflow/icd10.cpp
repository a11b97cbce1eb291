#include "workflow/icd10.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "workflow/validation.hpp"

namespace joldama {

namespace {

// The words of `text` (case-folded), split at spaces and punctuation.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto const flush = [&] {
    if (!word.empty()) words.push_back(fold_case(word));
    word.clear();
  };
  for (char c : text) {
    auto const u = static_cast<unsigned char>(c);
    bool const separator = u < 0x80 && !std::isalnum(u);
    if (separator) {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  return words;
}

}  // namespace

Result<Icd10Catalogue> Icd10Catalogue::parse(std::string_view text) {
  Icd10Catalogue catalogue;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto const end = text.find('\n', start);
    auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                 : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto const where = fmt::format("line {}", number);
    auto const tab = line.find('\t');
    if (tab == std::string_view::npos) return validation_error(where, "expected CODE<TAB>NAME");
    auto const code = normalize_icd10(line.substr(0, tab));
    if (!code || *code != line.substr(0, tab)) {
      return validation_error(where, fmt::format("`{}` is not an ICD-10 code",
                                                 line.substr(0, tab)));
    }
    auto const name = trim(line.substr(tab + 1));
    if (name.empty() || !is_valid_utf8(name)) return validation_error(where, "the name is missing");
    if (!catalogue.entries_.empty() && catalogue.entries_.back().code >= *code) {
      return validation_error(where, "codes must be sorted and appear once");
    }
    catalogue.entries_.push_back(Entry{*code, std::string{name}});
    catalogue.folded_names_.push_back(fold_case(name));
  }
  return catalogue;
}

Result<Icd10Catalogue> Icd10Catalogue::load(std::filesystem::path const& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return make_error(Errc::NotFound, fmt::format("cannot read {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse(text.str());
  if (!parsed) {
    auto error = parsed.error();
    error.message = fmt::format("{}: {}: {}", path.string(), error.field, error.message);
    return error;
  }
  return parsed;
}

Icd10Catalogue::Entry const* Icd10Catalogue::find(std::string_view code) const {
  auto const it = std::lower_bound(entries_.begin(), entries_.end(), code,
                                   [](Entry const& e, std::string_view c) { return e.code < c; });
  return it != entries_.end() && it->code == code ? &*it : nullptr;
}

std::vector<Icd10Catalogue::Entry const*> Icd10Catalogue::search(std::string_view query,
                                                                std::size_t limit) const {
  std::vector<Entry const*> found;
  auto const q = trim(query);
  if (q.empty() || limit == 0) return found;
  // A code's beginning: a letter, then digits and perhaps the dot ("i25", "I25.", "I251").
  bool const code_like = std::isalpha(static_cast<unsigned char>(q[0])) &&
                         std::all_of(q.begin() + 1, q.end(), [](char c) {
                           return (c >= '0' && c <= '9') || c == '.';
                         });
  if (code_like && q.size() <= 6) {
    std::string prefix;
    for (char c : q) {
      if (c == '.') continue;
      if (prefix.size() == 3) prefix.push_back('.');  // the stored form has the dot
      prefix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    auto it = std::lower_bound(entries_.begin(), entries_.end(), prefix,
                               [](Entry const& e, std::string const& p) { return e.code < p; });
    for (; it != entries_.end() && found.size() < limit && it->code.starts_with(prefix); ++it) {
      found.push_back(&*it);
    }
    return found;
  }
  auto const words = words_of(q);
  if (words.empty()) return found;
  for (std::size_t i = 0; i < entries_.size() && found.size() < limit; ++i) {
    auto const& name = folded_names_[i];
    if (std::all_of(words.begin(), words.end(),
                    [&](std::string const& w) { return name.find(w) != std::string::npos; })) {
      found.push_back(&entries_[i]);
    }
  }
  return found;
}

}  // namespace joldama
