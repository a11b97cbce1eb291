#include "workflow/calendar.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "workflow/validation.hpp"

namespace joldama {

namespace {

bool is_weekend(Date day) {
  std::chrono::weekday const wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// Splits off the first whitespace-delimited word of `rest`.
std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  auto const end = rest.find_first_of(" \t");
  auto const word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
  return word;
}

}  // namespace

Result<WorkingCalendar> WorkingCalendar::parse(std::string_view text) {
  WorkingCalendar calendar;
  bool covered = false;
  for (auto [line_number, line] : meaningful_lines(text)) {
    auto const where = fmt::format("line {}", line_number);
    auto const first = next_word(line);
    if (first == "covers") {
      auto const from = next_word(line);
      auto const to = next_word(line);
      auto const from_date = parse_date(fmt::format("{}-01-01", from));
      auto const to_date = parse_date(fmt::format("{}-01-01", to));
      if (!from_date || !to_date || !line.empty() || year_of(*from_date) > year_of(*to_date)) {
        return validation_error(where, "expected `covers FIRST_YEAR LAST_YEAR`");
      }
      calendar.first_year_ = year_of(*from_date);
      calendar.last_year_ = year_of(*to_date);
      covered = true;
      continue;
    }
    auto const day = parse_date(first);
    if (!day) return validation_error(where, fmt::format("`{}` is not a date YYYY-MM-DD", first));
    if (!covered) return validation_error(where, "the `covers` line must come before any date");
    if (!calendar.covers(*day)) {
      return validation_error(where, fmt::format("{} is outside the covered years", first));
    }
    auto const kind = next_word(line);
    auto const description = std::string{line};
    if (calendar.days_off_.contains(*day) || calendar.working_weekend_days_.contains(*day)) {
      return validation_error(where, fmt::format("{} is listed twice", first));
    }
    if (kind == "holiday" || kind == "dayoff") {
      calendar.days_off_.emplace(*day, description);
    } else if (kind == "workday") {
      if (!is_weekend(*day)) {
        return validation_error(where, fmt::format("{} is not a Saturday or Sunday", first));
      }
      calendar.working_weekend_days_.insert(*day);
    } else {
      return validation_error(where, "the kind must be holiday, dayoff or workday");
    }
  }
  if (!covered) return validation_error("line 1", "the file has no `covers` line");
  return calendar;
}

Result<WorkingCalendar> WorkingCalendar::load(std::filesystem::path const& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    return make_error(Errc::NotFound, fmt::format("cannot read calendar file {}", path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto calendar = parse(text.str());
  if (!calendar) {
    auto error = calendar.error();
    error.message = fmt::format("{}: {}: {}", path.string(), error.field, error.message);
    return error;
  }
  return calendar;
}

bool WorkingCalendar::is_working_day(Date day) const {
  if (days_off_.contains(day)) return false;
  if (working_weekend_days_.contains(day)) return true;
  return !is_weekend(day);
}

Date WorkingCalendar::add_working_days(Date from, int count) const {
  Date day = from;
  while (count > 0) {
    day += std::chrono::days{1};
    if (is_working_day(day)) --count;
  }
  return day;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  int count = 0;
  for (Date day = from + std::chrono::days{1}; day <= to; day += std::chrono::days{1}) {
    if (is_working_day(day)) ++count;
  }
  return count;
}

bool WorkingCalendar::covers(Date day) const {
  int const year = year_of(day);
  return year >= first_year_ && year <= last_year_;
}

std::string_view WorkingCalendar::describe(Date day) const {
  auto const it = days_off_.find(day);
  if (it != days_off_.end()) return it->second;
  if (working_weekend_days_.contains(day)) return "working day moved by decree";
  return {};
}

}  // namespace joldama
