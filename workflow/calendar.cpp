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

WorkingCalendar::WorkingCalendar() : days_(std::make_shared<Days const>()) {}

WorkingCalendar::WorkingCalendar(WorkingCalendar const& other) : days_(other.days()) {}

WorkingCalendar& WorkingCalendar::operator=(WorkingCalendar const& other) {
  if (this != &other) {
    auto days = other.days();
    std::lock_guard lock{mutex_};
    days_ = std::move(days);
  }
  return *this;
}

std::shared_ptr<WorkingCalendar::Days const> WorkingCalendar::days() const {
  std::lock_guard lock{mutex_};
  return days_;
}

Result<WorkingCalendar> WorkingCalendar::parse(std::string_view text) {
  Days calendar;
  bool covered = false;
  auto const covers = [&](Date day) {
    int const year = year_of(day);
    return year >= calendar.first_year && year <= calendar.last_year;
  };
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
      calendar.first_year = year_of(*from_date);
      calendar.last_year = year_of(*to_date);
      covered = true;
      continue;
    }
    auto const day = parse_date(first);
    if (!day) return validation_error(where, fmt::format("`{}` is not a date YYYY-MM-DD", first));
    if (!covered) return validation_error(where, "the `covers` line must come before any date");
    if (!covers(*day)) {
      return validation_error(where, fmt::format("{} is outside the covered years", first));
    }
    auto const kind = next_word(line);
    auto const description = std::string{line};
    if (calendar.listed.contains(*day)) {
      return validation_error(where, fmt::format("{} is listed twice", first));
    }
    if (kind == "holiday" || kind == "dayoff") {
      calendar.listed.emplace(
          *day, CalendarDay{*day, kind == "holiday" ? CalendarDayKind::Holiday : CalendarDayKind::DayOff,
                            description});
    } else if (kind == "workday") {
      if (!is_weekend(*day)) {
        return validation_error(where, fmt::format("{} is not a Saturday or Sunday", first));
      }
      calendar.listed.emplace(*day, CalendarDay{*day, CalendarDayKind::WorkingWeekend, description});
    } else {
      return validation_error(where, "the kind must be holiday, dayoff or workday");
    }
  }
  if (!covered) return validation_error("line 1", "the file has no `covers` line");
  WorkingCalendar result;
  result.days_ = std::make_shared<Days const>(std::move(calendar));
  return result;
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

namespace {

bool working(std::map<Date, CalendarDay> const& listed, Date day) {
  auto const it = listed.find(day);
  if (it != listed.end()) return it->second.kind == CalendarDayKind::WorkingWeekend;
  return !is_weekend(day);
}

}  // namespace

bool WorkingCalendar::is_working_day(Date day) const {
  return working(days()->listed, day);
}

Date WorkingCalendar::add_working_days(Date from, int count) const {
  auto const days = this->days();
  Date day = from;
  while (count > 0) {
    day += std::chrono::days{1};
    if (working(days->listed, day)) --count;
  }
  return day;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  auto const days = this->days();
  int count = 0;
  for (Date day = from + std::chrono::days{1}; day <= to; day += std::chrono::days{1}) {
    if (working(days->listed, day)) ++count;
  }
  return count;
}

bool WorkingCalendar::covers(Date day) const {
  auto const days = this->days();
  int const year = year_of(day);
  return year >= days->first_year && year <= days->last_year;
}

int WorkingCalendar::first_year() const {
  return days()->first_year;
}

int WorkingCalendar::last_year() const {
  return days()->last_year;
}

std::string WorkingCalendar::describe(Date day) const {
  auto const days = this->days();
  auto const it = days->listed.find(day);
  if (it == days->listed.end()) return {};
  if (it->second.kind == CalendarDayKind::WorkingWeekend) return "working day moved by decree";
  return it->second.description;
}

std::vector<CalendarDay> WorkingCalendar::days_of(int year) const {
  auto const days = this->days();
  std::vector<CalendarDay> out;
  auto const first = days->listed.lower_bound(Date{std::chrono::year{year} / 1 / 1});
  auto const end = days->listed.lower_bound(Date{std::chrono::year{year + 1} / 1 / 1});
  for (auto it = first; it != end; ++it) out.push_back(it->second);
  return out;
}

void WorkingCalendar::announce_day_off(Date day, std::string description) {
  // Under the lock from the read to the write: two days announced at once (one by this server's
  // command, one learnt from another server) both stay.
  std::lock_guard lock{mutex_};
  Days next = *days_;
  next.listed.insert_or_assign(
      day, CalendarDay{day, CalendarDayKind::DayOff, std::move(description), true});
  days_ = std::make_shared<Days const>(std::move(next));
}

WorkingCalendar WorkingCalendar::with_day_off(Date day, std::string description) const {
  Days next = *days();
  next.listed.insert_or_assign(
      day, CalendarDay{day, CalendarDayKind::DayOff, std::move(description), true});
  WorkingCalendar result;
  result.days_ = std::make_shared<Days const>(std::move(next));
  return result;
}

}  // namespace joldama
