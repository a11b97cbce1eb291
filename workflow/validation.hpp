#pragma once
// Validators of the domain's identifiers and free text. Each returns a Validation error naming
// the field it was given, with a message a person can act on.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/result.hpp"
#include "workflow/time.hpp"

namespace joldama {

// The IIN's check digit from its first 11 digits, or nothing when the number is never issued
// (both weighted sums give 10). Requires 11 ASCII digits.
std::optional<int> iin_check_digit(std::string_view first_eleven_digits);

// 12 digits with a correct check digit. The date and sex digits are deliberately not checked:
// since 2013 they are not guaranteed to match the person.
Status validate_iin(std::string_view iin, std::string field = "iin");

// An IIN of the form the registry issues for a person born on `birth` (from 1900) of `sex`: the
// date as YYMMDD, the century-and-sex digit, the first serial from `serial` (modulo 10,000)
// that admits a check digit, and that digit. For the demo and generated bureaus: real IINs come
// from the registry.
std::string make_iin(Date birth, Sex sex, unsigned serial);
bool is_valid_iin(std::string_view iin);

// An ICD-10 code in canonical form ("I25.1"), accepting lower case and the export form
// without the dot ("I251"); nothing when the text is not an ICD-10 code.
std::optional<std::string> normalize_icd10(std::string_view code);
Result<std::string> validate_icd10(std::string_view code, std::string field = "icd10");

// Who the guaranteed volume of free medical care covers: citizens, kandas, and foreigners and
// stateless persons residing permanently. Temporary residents are not covered.
bool is_covered(Residency residency);
Status check_eligibility(Residency residency);

// `text` without leading and trailing spaces, tabs, carriage returns and newlines.
std::string_view trim(std::string_view text);

// The lines of a configuration or data file that mean something: trimmed, without blank lines
// and `#` comments, each with its 1-based line number.
struct NumberedLine {
  int number = 0;
  std::string_view text;
};
std::vector<NumberedLine> meaningful_lines(std::string_view text);

// Valid UTF-8 (no overlong forms, no surrogates), and the number of code points in it.
bool is_valid_utf8(std::string_view text);
std::size_t utf8_length(std::string_view text);

enum class Presence { Required, Optional };
enum class Lines { Single, Multi };

// Free text: valid UTF-8, no control characters (newlines and tabs only when Multi), at most
// `max_chars` code points, and not blank when Required. Returns the text with its ends trimmed.
Result<std::string> validate_text(std::string_view field, std::string_view text,
                                  std::size_t max_chars, Presence presence,
                                  Lines lines = Lines::Single);

// Whether `cp` is a character a reader cannot see or that reorders what they see: C0 and C1
// controls, the Unicode format characters (bidirectional embeddings, overrides and isolates,
// zero-width spaces and joiners, the soft hyphen, the byte-order mark), fillers, variation
// selectors and tags.
bool is_invisible(std::uint32_t cp);

// `text` (valid UTF-8) without its invisible characters (see is_invisible).
std::string without_invisible(std::string_view text);

// A person's name part: text of letters, spaces, hyphens, apostrophes and dots, with no
// invisible character (which could make two names look alike, or reorder one).
Result<std::string> validate_person_name(std::string_view field, std::string_view text,
                                         Presence presence);

// Lower case for comparison: ASCII, Russian and Kazakh Cyrillic letters; other bytes unchanged.
std::string fold_case(std::string_view text);

// The name an attachment is kept under: the given name without invisible characters and
// without any path, its extension made to agree with what the file is (`content_type`, already
// detected from its first bytes): the right one added when the name ends otherwise, so that
// "poly.html" holding a PDF is kept as "poly.html.pdf" and never opened as a page. Validation
// (field "filename") when nothing of the name is left, or it is too long.
Result<std::string> attachment_filename(std::string_view name, std::string_view content_type);

// A login: 3 to 64 of a-z, 0-9, '.', '_', '-'.
Status validate_login(std::string_view login);

// A new password: at least 12 and at most 128 characters, valid UTF-8.
Status validate_new_password(std::string_view password);

// A Kazakhstan phone number, normalized to "+7XXXXXXXXXX"; separators are allowed in the input.
Result<std::string> validate_phone(std::string_view field, std::string_view text);

// An e-mail address (one @, a dotted domain, ASCII), trimmed, with its domain in lower case.
Result<std::string> validate_email(std::string_view field, std::string_view text);

}  // namespace joldama
