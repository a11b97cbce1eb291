// The working-day calendar: its days off, and the ones an administrator adds.

#include <fmt/format.h>

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;
using Need = JsonInput::Need;

namespace {

std::string_view kind_name(CalendarDayKind kind) {
  switch (kind) {
    case CalendarDayKind::Holiday: return "holiday";
    case CalendarDayKind::DayOff: return "day_off";
    case CalendarDayKind::WorkingWeekend: return "working_day";
  }
  return "day_off";
}

void read_calendar(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const& calendar = api.services().calendar;
  auto year = query_integer(exchange->request, "year", 2000, 2100);
  if (!year) return api.fail(exchange, year.error());
  int const shown = static_cast<int>(
      year->value_or(year_of(local_date(api.services().clock.now()))));
  json::array days;
  for (auto const& day : calendar.days_of(shown)) {
    days.emplace_back(json::object{{"date", format_date(day.date)},
                                   {"kind", kind_name(day.kind)},
                                   {"description", day.description},
                                   {"announced", day.announced}});
  }
  api.reply(exchange,
            Api::json(200, json::object{{"year", shown},
                                        {"covered", calendar.covers(Date{std::chrono::year{shown} /
                                                                         1 / 1})},
                                        {"first_year", calendar.first_year()},
                                        {"last_year", calendar.last_year()},
                                        {"days", std::move(days)}}));
}

void add_day_off(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  auto date = body->date("date", Need::Required);
  if (!date) return api.fail(exchange, date.error());
  auto description = body->text("description");
  if (!description) return api.fail(exchange, description.error());
  if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
  Date const day = **date;
  auto& calendar = api.services().calendar;
  api.write<std::vector<Id>>(
      exchange,
      [&api, exchange, day, description = *description](Store& store) {
        return api.services().workflow.add_day_off(store, exchange->actor(), day, description);
      },
      [day, description = *description](std::vector<Id> const& moved) {
        json::array ids;
        for (Id id : moved) ids.push_back(id);
        return Api::json(201, json::object{{"date", format_date(day)},
                                           {"description", description},
                                           {"deadlines_moved", static_cast<std::int64_t>(moved.size())},
                                           {"referrals", std::move(ids)}});
      },
      // Durable: from now on every deadline counts the day off. (A command of the same batch
      // that ran after this one counted with the calendar before; see Workflow::add_day_off.)
      [&calendar, day, description = *description] { calendar.announce_day_off(day, description); });
}

}  // namespace

void add_calendar_routes(Api& api) {
  api.add({Method::Get, "/api/v1/calendar", Access::SignedIn, Body::None,
           "The working-day calendar's listed days of a year (holidays, days off, working "
           "weekend days; those administrators added marked `announced`): ?year= (this year by "
           "default)",
           [&api](std::shared_ptr<Exchange> const& exchange) { read_calendar(api, exchange); }});
  api.add({Method::Post, "/api/v1/calendar/days-off", Access::SignedIn, Body::Json,
           "Add a day off ahead: {date, description} (administrators); open deadlines counted "
           "in working days that fall on or after it move one working day later",
           [&api](std::shared_ptr<Exchange> const& exchange) { add_day_off(api, exchange); }});
}

}  // namespace joldama::server
