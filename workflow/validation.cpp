#include "workflow/validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>
#include <cctype>
#include <cstdint>

namespace joldama {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::optional<int> iin_check_digit(std::string_view digits) {
  constexpr std::array<int, 11> kSecondWeights{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  int first = 0;
  int second = 0;
  for (std::size_t i = 0; i < 11; ++i) {
    int const d = digits[i] - '0';
    first += d * static_cast<int>(i + 1);
    second += d * kSecondWeights[i];
  }
  if (first % 11 != 10) return first % 11;
  if (second % 11 != 10) return second % 11;
  return std::nullopt;
}

Status validate_iin(std::string_view iin, std::string field) {
  if (iin.size() != 12) {
    return validation_error(std::move(field), "an IIN has exactly 12 digits");
  }
  if (!all_digits(iin)) {
    return validation_error(std::move(field), "an IIN consists of digits only");
  }
  auto const expected = iin_check_digit(iin.substr(0, 11));
  if (!expected || *expected != iin[11] - '0') {
    return validation_error(std::move(field), "the IIN's check digit is wrong; check for a typo");
  }
  return ok();
}

std::string make_iin(Date birth, Sex sex, unsigned serial) {
  auto const date = format_date(birth);  // YYYY-MM-DD
  auto const yymmdd = date.substr(2, 2) + date.substr(5, 2) + date.substr(8, 2);
  bool const born_2000s = year_of(birth) >= 2000;
  char const century_and_sex =
      sex == Sex::Male ? (born_2000s ? '5' : '3') : (born_2000s ? '6' : '4');
  for (unsigned s = serial;; ++s) {
    auto const eleven = fmt::format("{}{}{:04}", yymmdd, century_and_sex, s % 10'000);
    if (auto const check = iin_check_digit(eleven)) return fmt::format("{}{}", eleven, *check);
  }
}

std::string_view trim(std::string_view s) {
  auto const is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<NumberedLine> meaningful_lines(std::string_view text) {
  std::vector<NumberedLine> lines;
  int number = 0;
  while (!text.empty()) {
    ++number;
    auto const newline = text.find('\n');
    auto const line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!line.empty() && line.front() != '#') lines.push_back({number, line});
  }
  return lines;
}

bool is_valid_iin(std::string_view iin) {
  return validate_iin(iin).has_value();
}

std::optional<std::string> normalize_icd10(std::string_view code) {
  // Letter, two digits: the category; then optionally a subcategory of one or two digits,
  // written with a dot or, in the export form, without.
  if (code.size() < 3 || code.size() > 6) return std::nullopt;
  char const letter = static_cast<char>(std::toupper(static_cast<unsigned char>(code[0])));
  if (letter < 'A' || letter > 'Z') return std::nullopt;
  auto const category = code.substr(1, 2);
  if (!all_digits(category)) return std::nullopt;
  auto rest = code.substr(3);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    if (rest.empty()) return std::nullopt;
  }
  if (rest.size() > 2 || (!rest.empty() && !all_digits(rest))) return std::nullopt;
  std::string normalized{letter};
  normalized.append(category);
  if (!rest.empty()) {
    normalized.push_back('.');
    normalized.append(rest);
  }
  return normalized;
}

Result<std::string> validate_icd10(std::string_view code, std::string field) {
  auto normalized = normalize_icd10(trim(code));
  if (!normalized) {
    return validation_error(std::move(field),
                            "not an ICD-10 code: expected a letter and two digits, optionally a "
                            "dot and one or two digits (e.g. I25.1)");
  }
  return std::move(*normalized);
}

bool is_covered(Residency residency) {
  return residency != Residency::ForeignTemporary;
}

Status check_eligibility(Residency residency) {
  if (is_covered(residency)) return ok();
  return make_error(Errc::NotEligible,
                    "temporary residents are not covered by the guaranteed volume of free "
                    "medical care; only citizens, kandas and permanent residents are",
                    "residency");
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto const c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      code_point = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code_point = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      auto const continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    constexpr std::array<std::uint32_t, 5> kSmallest{0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallest[length]) return false;                // overlong
    if (code_point > 0x10FFFF) return false;                         // beyond Unicode
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;  // surrogate
    i += length;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

Result<std::string> validate_text(std::string_view field, std::string_view text,
                                  std::size_t max_chars, Presence presence, Lines lines) {
  if (!is_valid_utf8(text)) {
    return validation_error(std::string{field}, "the text is not valid UTF-8");
  }
  for (char c : text) {
    auto const u = static_cast<unsigned char>(c);
    bool const allowed_control = lines == Lines::Multi && (c == '\n' || c == '\t' || c == '\r');
    if ((u < 0x20 || u == 0x7F) && !allowed_control) {
      return validation_error(std::string{field}, "the text contains a control character");
    }
  }
  auto const trimmed = trim(text);
  if (trimmed.empty() && presence == Presence::Required) {
    return validation_error(std::string{field}, "this field is required");
  }
  if (utf8_length(trimmed) > max_chars) {
    return validation_error(std::string{field},
                            fmt::format("at most {} characters are allowed", max_chars));
  }
  return std::string{trimmed};
}

Result<std::string> validate_person_name(std::string_view field, std::string_view text,
                                         Presence presence) {
  auto name = validate_text(field, text, 100, presence);
  if (!name) return name;
  if (without_invisible(*name).size() != name->size()) {
    return validation_error(std::string{field},
                            "a name may not hold invisible or direction-changing characters");
  }
  for (char c : *name) {
    auto const u = static_cast<unsigned char>(c);
    bool const ascii_letter = std::isalpha(u) != 0;
    bool const allowed_mark = c == ' ' || c == '-' || c == '\'' || c == '.';
    if (u < 0x80 && !ascii_letter && !allowed_mark) {
      return validation_error(
          std::string{field},
          "a name may hold only letters, spaces, hyphens, apostrophes and dots");
    }
  }
  return name;
}

Result<std::string> validate_phone(std::string_view field, std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && !(c == '+' && digits.empty())) {
      return validation_error(std::string{field}, "a phone number holds digits, spaces, - ( ) +");
    }
  }
  // Accept +7XXXXXXXXXX, 7XXXXXXXXXX and the domestic 8XXXXXXXXXX.
  if (digits.size() == 11 && (digits[0] == '7' || digits[0] == '8')) digits.erase(0, 1);
  if (digits.size() != 10) {
    return validation_error(std::string{field}, "a Kazakhstan phone number has 10 digits after +7");
  }
  return "+7" + digits;
}

Result<std::string> validate_email(std::string_view field, std::string_view text) {
  auto const refuse = [&](std::string_view why) {
    return validation_error(std::string{field}, std::string{why});
  };
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() > 254) return refuse("an e-mail address has at most 254 characters");
  auto const at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return refuse("an e-mail address has one @, as in name@example.kz");
  }
  auto const local = text.substr(0, at);
  auto const domain = text.substr(at + 1);
  constexpr std::string_view kLocalMarks = ".!#$%&'*+/=?^_`{|}~-";
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return refuse("the part before @ is 1 to 64 characters, without dots at its ends or twice");
  }
  for (char c : local) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
        kLocalMarks.find(c) == std::string_view::npos) {
      return refuse("the part before @ holds Latin letters, digits and . _ - + only");
    }
  }
  std::string lowered_domain;
  std::size_t labels = 0;
  for (std::size_t start = 0; start <= domain.size();) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    auto const label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return refuse("the part after @ is a domain, as in mail.kz");
    }
    for (char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
        return refuse("the part after @ is a domain, as in mail.kz");
      }
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) return refuse("the part after @ is a domain, as in mail.kz");
  for (char c : domain) {
    lowered_domain.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return fmt::format("{}@{}", local, lowered_domain);
}

}  // namespace joldama

namespace joldama {

namespace {

// Decodes one UTF-8 sequence at `i` (valid input assumed); advances `i`.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  auto const c = static_cast<unsigned char>(text[i]);
  std::size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  if (i + length > text.size()) length = text.size() - i;
  std::uint32_t cp = length == 1   ? c
                     : length == 2 ? (c & 0x1F)
                     : length == 3 ? (c & 0x0F)
                                   : (c & 0x07);
  for (std::size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  i += length;
  return cp;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::uint32_t lower(std::uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;  // А..Я
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;  // Ѐ..Џ, with Ё and І
  // Kazakh letters come in upper/lower pairs at even/odd code points.
  switch (cp) {
    case 0x04D8:  // Ә
    case 0x0492:  // Ғ
    case 0x049A:  // Қ
    case 0x04A2:  // Ң
    case 0x04E8:  // Ө
    case 0x04B0:  // Ұ
    case 0x04AE:  // Ү
    case 0x04BA:  // Һ
      return cp + 1;
    default: return cp;
  }
}

}  // namespace

std::string fold_case(std::string_view text) {
  if (!is_valid_utf8(text)) return std::string{text};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) append_utf8(out, lower(next_code_point(text, i)));
  return out;
}

bool is_invisible(std::uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;  // C0, DEL and C1 controls
  switch (cp) {
    case 0x00AD:  // soft hyphen
    case 0x034F:  // combining grapheme joiner
    case 0x061C:  // Arabic letter mark
    case 0x115F:
    case 0x1160:
    case 0x3164:
    case 0xFFA0:  // Hangul fillers
    case 0x17B4:
    case 0x17B5:  // Khmer inherent vowels
    case 0xFEFF:  // byte-order mark
      return true;
    default: break;
  }
  return (cp >= 0x180B && cp <= 0x180F) ||    // Mongolian selectors and vowel separator
         (cp >= 0x200B && cp <= 0x200F) ||    // zero-width spaces, joiners, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||    // line separators, embeddings, overrides
         (cp >= 0x2060 && cp <= 0x206F) ||    // word joiner, invisible operators, isolates
         (cp >= 0xFE00 && cp <= 0xFE0F) ||    // variation selectors
         (cp >= 0xFFF9 && cp <= 0xFFFB) ||    // interlinear annotation
         (cp >= 0x1D173 && cp <= 0x1D17A) ||  // musical formatting
         (cp >= 0xE0000 && cp <= 0xE0FFF);    // tags, variation selectors supplement
}

std::string without_invisible(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto const cp = next_code_point(text, i);
    if (!is_invisible(cp)) append_utf8(out, cp);
  }
  return out;
}

Result<std::string> attachment_filename(std::string_view name, std::string_view content_type) {
  if (!is_valid_utf8(name)) return validation_error("filename", "the file name is not UTF-8");
  auto const visible = without_invisible(name);
  auto kept = std::string{trim(visible)};
  if (kept.empty()) return validation_error("filename", "the file needs a name");
  if (kept.find_first_of("/\\") != std::string::npos || kept.front() == '.') {
    return validation_error("filename", "a file name may not contain / or \\ or start with a dot");
  }
  std::vector<std::string_view> extensions;
  if (content_type == "application/pdf") extensions = {".pdf"};
  if (content_type == "image/png") extensions = {".png"};
  if (content_type == "image/jpeg") extensions = {".jpg", ".jpeg"};
  if (extensions.empty()) return validation_error("content_type", "attach a PDF, PNG or JPEG file");
  auto const lowered = fold_case(kept);
  bool const agrees = std::any_of(extensions.begin(), extensions.end(), [&](std::string_view e) {
    return lowered.size() > e.size() && lowered.ends_with(e);
  });
  if (!agrees) kept += extensions.front();
  if (utf8_length(kept) > 255) {
    return validation_error("filename", "a file name has at most 250 characters");
  }
  return kept;
}

Status validate_login(std::string_view login) {
  if (login.size() < 3 || login.size() > 64) {
    return validation_error("login", "a login has 3 to 64 characters");
  }
  for (char c : login) {
    bool const allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) {
      return validation_error("login",
                              "a login holds lower-case letters, digits, '.', '_' and '-'");
    }
  }
  return ok();
}

Status validate_new_password(std::string_view password) {
  if (!is_valid_utf8(password))
    return validation_error("password", "the password is not valid UTF-8");
  auto const length = utf8_length(password);
  if (length < 12) return validation_error("password", "a password has at least 12 characters");
  if (length > 128) return validation_error("password", "a password has at most 128 characters");
  return ok();
}

}  // namespace joldama
