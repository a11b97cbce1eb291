#pragma once
// Human-facing identifiers. Numbers come from storage sequences that only ever increase, so a
// code or talon number is never issued twice, even after a cancellation.

#include <cstdint>
#include <string>
#include <string_view>

namespace joldama {

// "75-26-0000123": the patient's 2-digit region (KATO) code, the two-digit year, and the
// sequence within that region and year.
std::string format_referral_code(std::string_view region, int year, std::int64_t sequence);

// "T26-0000042": the two-digit year and the sequence within that year.
std::string format_talon_number(int year, std::int64_t sequence);

// The sequence names whose next value numbers these codes.
std::string referral_sequence_name(std::string_view region, int year);
std::string talon_sequence_name(int year);

// Whether `text` has the shape of a referral code (used to refuse junk before a lookup).
bool looks_like_referral_code(std::string_view text);

}  // namespace joldama
