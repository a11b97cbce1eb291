// The validators of the domain's identifiers and free text, with the properties they promise.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "workflow/time.hpp"
#include "workflow/validation.hpp"

using namespace joldama;

namespace {

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text{reinterpret_cast<char const*>(data), size};

  // IIN: valid exactly when 12 digits whose last is the check digit of the first 11.
  bool const iin_ok = static_cast<bool>(validate_iin(text));
  if (iin_ok != is_valid_iin(text)) std::abort();
  if (text.size() == 12 && all_digits(text)) {
    auto const check = iin_check_digit(text.substr(0, 11));
    if (iin_ok != (check && *check == text[11] - '0')) std::abort();
  } else if (iin_ok) {
    std::abort();
  }

  // ICD-10: the canonical form is a fixed point, and what validates is what normalizes once
  // trimmed.
  auto const icd10 = normalize_icd10(text);
  if (icd10 && normalize_icd10(*icd10) != icd10) std::abort();
  if (static_cast<bool>(validate_icd10(text)) != normalize_icd10(trim(text)).has_value()) {
    std::abort();
  }

  // Free text: what passes is valid UTF-8 within its length, without control characters.
  bool const utf8 = is_valid_utf8(text);
  if (utf8 && utf8_length(text) > text.size()) std::abort();
  for (auto lines : {Lines::Single, Lines::Multi}) {
    if (auto const clean = validate_text("comment", text, 500, Presence::Optional, lines)) {
      if (!is_valid_utf8(*clean) || utf8_length(*clean) > 500) std::abort();
      for (unsigned char c : *clean) {
        if (c == 0x7F ||
            (c < 0x20 && !(lines == Lines::Multi && (c == '\n' || c == '\t' || c == '\r')))) {
          std::abort();
        }
      }
    } else if (clean.error().field != "comment") {
      std::abort();
    }
  }
  if (auto const name = validate_person_name("last_name", text, Presence::Required)) {
    if (name->empty() || !is_valid_utf8(*name)) std::abort();
  }
  (void)validate_login(text);
  (void)validate_new_password(text);
  if (auto const phone = validate_phone("phone", text)) {
    if (phone->size() != 12 || !phone->starts_with("+7") || !all_digits(phone->substr(1))) {
      std::abort();
    }
  }
  (void)fold_case(text);

  // Dates and instants: what parses formats back to text that parses to the same value.
  if (auto const date = parse_date(text)) {
    if (parse_date(format_date(*date)) != date) std::abort();
  }
  if (auto const instant = parse_timestamp(text)) {
    auto const again = parse_timestamp(format_timestamp(*instant));
    if (!again) std::abort();
  }
  return 0;
}
