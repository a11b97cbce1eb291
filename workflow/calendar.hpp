#pragma once
// Kazakhstan's working-day calendar: weekends, public holidays, and the days moved by decree,
// read from a data file (config/calendar-kz.txt) so an administrator can update it.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/result.hpp"
#include "workflow/time.hpp"

namespace joldama {

// What a listed day is: a public holiday, a weekday made a day off, or a Saturday or Sunday made
// a working day.
enum class CalendarDayKind { Holiday, DayOff, WorkingWeekend };

struct CalendarDay {
  Date date{};
  CalendarDayKind kind = CalendarDayKind::DayOff;
  std::string description;
  bool announced = false;  // added by an administrator while the server ran, not from the file
};

// Thread-safe: a day announced while other threads read the calendar is seen by every read that
// starts after it. A copy is a calendar of its own.
class WorkingCalendar {
 public:
  // A calendar that knows weekends only.
  WorkingCalendar();
  WorkingCalendar(WorkingCalendar const& other);
  WorkingCalendar& operator=(WorkingCalendar const& other);

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
  int first_year() const;
  int last_year() const;

  // The holiday's or day off's description, or empty for an ordinary day.
  std::string describe(Date day) const;

  // The listed days of `year` (holidays, days off, working weekend days), by date.
  std::vector<CalendarDay> days_of(int year) const;

  // From now on `day` is a day off (a day moved by an order published after the file was read).
  // Requires is_working_day(day).
  void announce_day_off(Date day, std::string description);

  // This calendar with `day` off as well; this one unchanged.
  WorkingCalendar with_day_off(Date day, std::string description) const;

 private:
  struct Days {
    std::map<Date, CalendarDay> listed;  // days off (holidays on weekends too) and working weekends
    int first_year = 0;
    int last_year = -1;
  };
  std::shared_ptr<Days const> days() const;

  mutable std::mutex mutex_;  // guards the pointer; the Days it points to never change
  std::shared_ptr<Days const> days_;
};

}  // namespace joldama
