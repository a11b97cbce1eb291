#include "workflow/codes.hpp"

#include <fmt/format.h>

namespace joldama {

std::string format_referral_code(std::string_view region, int year, std::int64_t sequence) {
  return fmt::format("{}-{:02}-{:07}", region, year % 100, sequence);
}

std::string format_talon_number(int year, std::int64_t sequence) {
  return fmt::format("T{:02}-{:07}", year % 100, sequence);
}

std::string referral_sequence_name(std::string_view region, int year) {
  return fmt::format("referral:{}:{}", region, year);
}

std::string talon_sequence_name(int year) {
  return fmt::format("talon:{}", year);
}

bool looks_like_referral_code(std::string_view text) {
  // RR-YY-NNNNNNN, with at least 7 sequence digits (more once a region passes ten million).
  if (text.size() < 13 || text.size() > 20) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool const dash_position = i == 2 || i == 5;
    char const c = text[i];
    if (dash_position ? c != '-' : (c < '0' || c > '9')) return false;
  }
  return true;
}

}  // namespace joldama
