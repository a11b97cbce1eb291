#pragma once
// Kazakhstan's working-day calendar: weekends, public holidays, and the days moved by decree,
// read from a data file (config/calendar-kz.txt) so an administrator can update it.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "workflow/result.hpp"
#include "workflow/time.hpp"

namespace joldama {

class WorkingCalendar {
 public:
  // A calendar that knows weekends only.
  WorkingCalendar() = default;

  // Parses the data file's text. Errors are Validation with `field` = "line N" naming the line.
  static Result<WorkingCalendar> parse(std::string_view text);
  static Result<WorkingCalendar> load(std::filesystem::path const& path);

  bool is_working_day(Date day) const;

  // The `count`-th working day after `from` (`from` itself is not counted); `from` when count
  // is 0. Requires count >= 0.
  Date add_working_days(Date from, int count) const;

  // Working days in (from, to]; 0 when `to` is not after `from`.
  int working_days_between(Date from, Date to) const;

  // Whether the data file covers `day`'s year (outside it, only weekends are days off).
  bool covers(Date day) const;
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }

  // The holiday's or day off's description, or empty for an ordinary day.
  std::string_view describe(Date day) const;

 private:
  std::map<Date, std::string> days_off_;  // weekdays (and holidays on weekends) that are off
  std::set<Date> working_weekend_days_;
  int first_year_ = 0;
  int last_year_ = -1;
};

}  // namespace joldama
