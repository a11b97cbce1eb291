#include "workflow/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace joldama {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;

// Reads exactly `width` digits at `pos`; advances `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char const c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<Date> read_date(std::string_view text, std::size_t& pos) {
  auto const y = read_digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  auto const m = read_digits(text, pos, 2);
  if (!m || !expect(text, pos, '-')) return std::nullopt;
  auto const d = read_digits(text, pos, 2);
  if (!d) return std::nullopt;
  if (*y < 1900 || *y > 2999) return std::nullopt;
  std::chrono::year_month_day const ymd{std::chrono::year{*y},
                                        std::chrono::month{static_cast<unsigned>(*m)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

}  // namespace

std::int64_t to_millis(Timestamp t) {
  return t.time_since_epoch().count();
}

Timestamp from_millis(std::int64_t millis) {
  return Timestamp{milliseconds{millis}};
}

Date local_date(Timestamp t) {
  return std::chrono::floor<days>(t + kKazakhstanUtcOffset);
}

Timestamp start_of_local_day(Date d) {
  return Timestamp{std::chrono::duration_cast<milliseconds>(d.time_since_epoch())} -
         kKazakhstanUtcOffset;
}

Timestamp end_of_local_day(Date d) {
  return start_of_local_day(d + days{1}) - milliseconds{1};
}

int year_of(Date d) {
  return static_cast<int>(std::chrono::year_month_day{d}.year());
}

namespace {

// Writes `value` as `width` digits at `out` (these formatters run for every date of every
// worklist row, so they avoid the general formatting machinery).
char* put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

char* put_date(char* out, Date d) {
  std::chrono::year_month_day const ymd{d};
  int const year = static_cast<int>(ymd.year());
  out = put_digits(out, static_cast<unsigned>(std::clamp(year, 0, 9999)), 4);
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  return put_digits(out, static_cast<unsigned>(ymd.day()), 2);
}

}  // namespace

std::string format_date(Date d) {
  char text[10];
  return std::string(text, put_date(text, d));
}

std::optional<Date> parse_date(std::string_view text) {
  std::size_t pos = 0;
  auto const date = read_date(text, pos);
  if (!date || pos != text.size()) return std::nullopt;
  return date;
}

TimestampText timestamp_text(Timestamp t) {
  auto const local = std::chrono::floor<std::chrono::seconds>(t + kKazakhstanUtcOffset);
  auto const day = std::chrono::floor<days>(local);
  std::chrono::hh_mm_ss const time{local - day};
  TimestampText result;
  char* out = put_date(result.text, day);
  *out++ = 'T';
  out = put_digits(out, static_cast<unsigned>(time.hours().count()), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(time.minutes().count()), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(time.seconds().count()), 2);
  for (char c : std::string_view{"+05:00"}) *out++ = c;
  return result;
}

std::string format_timestamp(Timestamp t) {
  return std::string{timestamp_text(t).view()};
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  auto const date = read_date(text, pos);
  if (!date) return std::nullopt;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  auto const hour = read_digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  auto const minute = read_digits(text, pos, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  int millis = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    auto const s = read_digits(text, pos, 2);
    if (!s) return std::nullopt;
    second = *s;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t digits = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t d = digits; d < 3; ++d) millis *= 10;
    }
  }
  if (*hour > 23 || *minute > 59 || second > 59) return std::nullopt;
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int const sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto const oh = read_digits(text, pos, 2);
    if (!oh || !expect(text, pos, ':')) return std::nullopt;
    auto const om = read_digits(text, pos, 2);
    if (!om || *oh > 14 || *om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;  // an instant without an offset is ambiguous
  }
  if (pos != text.size()) return std::nullopt;
  auto const local = Timestamp{std::chrono::duration_cast<milliseconds>(date->time_since_epoch())} +
                     std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                     std::chrono::seconds{second} + milliseconds{millis};
  return local - std::chrono::minutes{offset_minutes};
}

}  // namespace joldama
