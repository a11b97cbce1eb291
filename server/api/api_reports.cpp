// The reports (workflow/reports.hpp) over HTTP: each as JSON, or with ?format=csv or xlsx as a
// file to download. Only the filters a report takes are accepted; any other is named in the
// error, so that a typing mistake never silently widens a report.

#include <array>
#include <functional>

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/json_writer.hpp"
#include "server/api/report_tables.hpp"
#include "workflow/reasons.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

enum class Format { Json, Csv, Xlsx };

struct ReportRequest {
  ReportFilter filter;
  Format format = Format::Json;
};

// The filters of the request, of those `allowed` (and `format`); Validation naming the first
// parameter that is not one of them or is malformed.
Result<ReportRequest> report_request(Request const& request,
                                     std::vector<std::string> const& allowed) {
  for (auto const& [name, value] : request.query) {
    bool const known = name == "format" || std::find(allowed.begin(), allowed.end(), name) !=
                                               allowed.end();
    if (!known) return validation_error(name, "this report has no such filter");
  }
  ReportRequest parsed;
  auto const format = query_text(request, "format");
  if (format == "csv") {
    parsed.format = Format::Csv;
  } else if (format == "xlsx") {
    parsed.format = Format::Xlsx;
  } else if (!format.empty() && format != "json") {
    return validation_error("format", "one of json, csv, xlsx");
  }
  auto period = query_integer(request, "period", 2000, 2999);
  if (!period) return period.error();
  if (*period) parsed.filter.period = static_cast<int>(**period);
  parsed.filter.region = query_text(request, "region");
  parsed.filter.profile = query_text(request, "profile");
  for (auto [name, date] :
       {std::pair{"from", &parsed.filter.from}, std::pair{"to", &parsed.filter.to}}) {
    auto const text = query_text(request, name);
    if (text.empty()) continue;
    *date = parse_date(text);
    if (!*date) return validation_error(name, "a date, YYYY-MM-DD");
  }
  return parsed;
}

json::value code_or_null(std::string const& code) {
  return code.empty() ? json::value(nullptr) : json::value(code);
}
json::value optional_json(std::optional<int> v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value optional_json(std::optional<double> v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// Names in the reader's language, for the files people open.
struct Names {
  Locale locale = Locale::Ru;
  std::map<std::string, LocalizedName, std::less<>> regions;
  std::map<std::string, LocalizedName, std::less<>> profiles;

  static Result<Names> read(StoreReads& store, Locale locale) {
    Names names;
    names.locale = locale;
    auto regions = store.list_regions();
    if (!regions) return regions.error();
    for (auto& r : *regions) names.regions.emplace(r.code, std::move(r.name));
    auto profiles = store.list_profiles();
    if (!profiles) return profiles.error();
    for (auto& p : *profiles) names.profiles.emplace(p.code, std::move(p.name));
    return names;
  }
  std::string pick(LocalizedName const& name) const {
    switch (locale) {
      case Locale::Kk: return name.kk;
      case Locale::Ru: return name.ru;
      case Locale::En: return name.en;
    }
    return name.en;
  }
  Cell of(std::map<std::string, LocalizedName, std::less<>> const& table,
          std::string_view code) const {
    auto const found = table.find(code);
    return found == table.end() ? Cell{} : Cell{pick(found->second)};
  }
  Cell region(std::string_view code) const { return of(regions, code); }
  Cell profile(std::string_view code) const { return of(profiles, code); }
  Cell reason(Action action, std::string_view code) const {
    auto const* reason = find_reason(action, code);
    if (!reason) return Cell{};
    switch (locale) {
      case Locale::Kk: return std::string{reason->name.kk};
      case Locale::Ru: return std::string{reason->name.ru};
      case Locale::En: return std::string{reason->name.en};
    }
    return Cell{};
  }
};

// A file to download.
Response file_response(std::string const& filename, Format format, std::string body) {
  Response response;
  response.status = 200;
  bool const csv = format == Format::Csv;
  response.set_header("content-type",
                      csv ? "text/csv; charset=utf-8"
                          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  response.set_header("content-disposition",
                      fmt::format("attachment; filename=\"{}.{}\"", filename, csv ? "csv" : "xlsx"));
  response.set_header("cache-control", "no-store");
  response.body = std::move(body);
  return response;
}

Result<Response> export_tables(std::string const& filename, Format format,
                               std::vector<ReportTable> const& tables) {
  if (format == Format::Csv) return file_response(filename, format, to_csv(tables.front()));
  auto bytes = to_xlsx(tables);
  if (!bytes) return bytes.error();
  return file_response(filename, format, std::move(*bytes));
}

std::string scope_suffix(std::string const& region) {
  return region.empty() ? std::string{} : "-" + region;
}

// --- quota use ---

json::value to_json(QuotaUseRow const& row) {
  return json::object{{"region", row.region},       {"profile", row.profile},
                      {"allocated", row.allocated}, {"reserved", row.reserved},
                      {"used", row.used},           {"available", row.available()},
                      {"share_used", optional_json(row.share_used())}};
}

Result<Response> present(QuotaUseReport const& report, Format format, Names const& names) {
  if (format == Format::Json) {
    json::array rows, trend;
    for (auto const& row : report.rows) rows.push_back(to_json(row));
    for (auto const& m : report.trend) {
      trend.push_back(json::object{
          {"month", m.month}, {"reserved", m.reserved}, {"released", m.released}, {"used", m.used}});
    }
    return Api::json(200, json::object{{"period", report.period},
                                       {"region", code_or_null(report.region)},
                                       {"profile", code_or_null(report.profile)},
                                       {"rows", std::move(rows)},
                                       {"total", to_json(report.total)},
                                       {"trend", std::move(trend)}});
  }
  ReportTable use{"quota use",
                  {"region", "region_name", "profile", "profile_name", "allocated", "reserved",
                   "used", "available", "share_used"},
                  {}};
  for (auto const& r : report.rows) {
    use.rows.push_back({r.region, names.region(r.region), r.profile, names.profile(r.profile),
                        r.allocated, r.reserved, r.used, r.available(),
                        optional_share(r.share_used())});
  }
  auto const& t = report.total;
  use.rows.push_back({std::string{"*"}, Cell{}, t.profile, Cell{}, t.allocated, t.reserved, t.used,
                      t.available(), optional_share(t.share_used())});
  ReportTable trend{"trend", {"month", "reserved", "released", "used"}, {}};
  for (auto const& m : report.trend) trend.rows.push_back({m.month, m.reserved, m.released, m.used});
  return export_tables(fmt::format("quota-use-{}{}", report.period, scope_suffix(report.region)),
                       format, {use, trend});
}

// --- waiting lists ---

void write_row(JsonWriter& out, WaitingRow const& row) {
  out.begin_object()
      .member("region", row.region)
      .member("profile", row.profile)
      .member("length", row.length)
      .member("median_days", row.median_days)
      .member("longest_days", row.longest_days)
      .end_object();
}

Result<Response> present(WaitingReport const& report, Format format, Names const& names) {
  if (format == Format::Json) {
    // Written straight out: the most read of the reports, with up to a row per region and
    // profile (issue 18's bench at a million referrals).
    JsonWriter out;
    out.reserve(128 + 96 * report.rows.size());
    out.begin_object()
        .plain_member("as_of", format_date(report.as_of))
        .key("region")
        .text_or_null(report.region)
        .key("profile")
        .text_or_null(report.profile)
        .key("rows")
        .begin_array();
    for (auto const& row : report.rows) write_row(out, row);
    out.end_array().key("total");
    write_row(out, report.total);
    return Api::json_text(200, out.end_object().take());
  }
  ReportTable table{"waiting lists",
                    {"region", "region_name", "profile", "profile_name", "length", "median_days",
                     "longest_days"},
                    {}};
  auto add = [&](WaitingRow const& r) {
    table.rows.push_back({r.region, names.region(r.region), r.profile, names.profile(r.profile),
                          r.length, optional_cell(r.median_days), optional_cell(r.longest_days)});
  };
  for (auto const& r : report.rows) add(r);
  add(report.total);
  return export_tables(fmt::format("waiting-{}{}", format_date(report.as_of),
                                   scope_suffix(report.region)),
                       format, {table});
}

// --- stage times ---

Result<Response> present(StageTimesReport const& report, Format format, Names const&) {
  if (format == Format::Json) {
    json::array rows;
    for (auto const& r : report.rows) {
      rows.push_back(json::object{{"stage", to_string(r.stage)},
                                  {"stays", r.stays},
                                  {"median_working_days", optional_json(r.median_working_days)},
                                  {"p90_working_days", optional_json(r.p90_working_days)},
                                  {"deadline_working_days", optional_json(r.deadline_working_days)},
                                  {"overdue", r.overdue},
                                  {"share_overdue", optional_json(r.share_overdue())}});
    }
    return Api::json(200, json::object{{"from", format_date(report.from)},
                                       {"to", format_date(report.to)},
                                       {"region", code_or_null(report.region)},
                                       {"rows", std::move(rows)}});
  }
  ReportTable table{"stage times",
                    {"stage", "stays", "median_working_days", "p90_working_days",
                     "deadline_working_days", "overdue", "share_overdue"},
                    {}};
  for (auto const& r : report.rows) {
    table.rows.push_back({std::string{to_string(r.stage)}, r.stays,
                          optional_cell(r.median_working_days), optional_cell(r.p90_working_days),
                          optional_cell(r.deadline_working_days), r.overdue,
                          optional_share(r.share_overdue())});
  }
  return export_tables(fmt::format("stage-times-{}-{}{}", format_date(report.from),
                                   format_date(report.to), scope_suffix(report.region)),
                       format, {table});
}

// --- reasons ---

Result<Response> present(ReasonsReport const& report, Format format, Names const& names) {
  if (format == Format::Json) {
    json::array rows;
    for (auto const& r : report.rows) {
      rows.push_back(
          json::object{{"action", to_string(r.action)}, {"code", r.code}, {"count", r.count}});
    }
    return Api::json(200, json::object{{"from", format_date(report.from)},
                                       {"to", format_date(report.to)},
                                       {"region", code_or_null(report.region)},
                                       {"rows", std::move(rows)}});
  }
  ReportTable table{"reasons", {"action", "code", "name", "count"}, {}};
  for (auto const& r : report.rows) {
    table.rows.push_back(
        {std::string{to_string(r.action)}, r.code, names.reason(r.action, r.code), r.count});
  }
  return export_tables(fmt::format("reasons-{}-{}{}", format_date(report.from),
                                   format_date(report.to), scope_suffix(report.region)),
                       format, {table});
}

// --- referrals per month ---

Result<Response> present(ReferralsReport const& report, Format format, Names const&) {
  if (format == Format::Json) {
    json::array rows;
    for (auto const& r : report.rows) {
      rows.push_back(json::object{{"month", r.month},
                                  {"route", to_string(r.route)},
                                  {"registered", r.registered},
                                  {"open", r.open},
                                  {"completed", r.completed},
                                  {"rejected", r.rejected},
                                  {"cancelled", r.cancelled},
                                  {"expired", r.expired},
                                  {"no_show", r.no_show}});
    }
    return Api::json(200, json::object{{"from", format_date(report.from)},
                                       {"to", format_date(report.to)},
                                       {"region", code_or_null(report.region)},
                                       {"profile", code_or_null(report.profile)},
                                       {"rows", std::move(rows)}});
  }
  ReportTable table{"referrals",
                    {"month", "route", "registered", "open", "completed", "rejected", "cancelled",
                     "expired", "no_show"},
                    {}};
  for (auto const& r : report.rows) {
    table.rows.push_back({r.month, std::string{to_string(r.route)}, r.registered, r.open,
                          r.completed, r.rejected, r.cancelled, r.expired, r.no_show});
  }
  return export_tables(fmt::format("referrals-{}-{}{}", format_date(report.from),
                                   format_date(report.to), scope_suffix(report.region)),
                       format, {table});
}

// Adds GET `path` answering with the report `make` (a member of Reports), presented.
template <class Make>
void add_report(Api& api, std::string path, std::string summary,
                std::initializer_list<std::string_view> filters, Make make) {
  std::vector<std::string> allowed(filters.begin(), filters.end());
  api.add({Method::Get, std::move(path), Access::SignedIn, Body::None, std::move(summary),
           [&api, allowed, make](std::shared_ptr<Exchange> const& exchange) {
             auto request = report_request(exchange->request, allowed);
             if (!request) return api.fail(exchange, request.error());
             api.read(exchange, [&api, exchange, request = *request,
                                 make](StoreReads& store) -> Result<Response> {
               auto const actor = exchange->actor();
               auto report =
                   std::invoke(make, api.services().reports, store, actor, request.filter);
               if (!report) return report.error();
               Names names;
               if (request.format != Format::Json) {
                 auto read = Names::read(store, exchange->user ? exchange->user->locale
                                                               : Locale::Ru);
                 if (!read) return read.error();
                 names = std::move(*read);
               }
               return present(*report, request.format, names);
             });
           }});
}

}  // namespace

void add_report_routes(Api& api) {
  add_report(api, "/api/v1/reports/quota-use",
             "Quota use by region and profile for ?period= (a year), with the months' moves; "
             "?region=&profile=&format=json|csv|xlsx (republican level, administrators; a "
             "commission its region)",
             {"period", "region", "profile"}, &Reports::quota_use);
  add_report(api, "/api/v1/reports/waiting",
             "The waitlists by region and profile: length, median and longest wait in days; "
             "?region=&profile=&format=",
             {"region", "profile"}, &Reports::waiting);
  add_report(api, "/api/v1/reports/stage-times",
             "Time spent in each stage left in ?from=&to= (days, at most five years): median "
             "and p90 in working days, the deadline, the share overdue; ?region=&format=",
             {"from", "to", "region"}, &Reports::stage_times);
  add_report(api, "/api/v1/reports/reasons",
             "Reasons of rejection, decline, refusal and cancellation by code, given in "
             "?from=&to=; ?region=&format=",
             {"from", "to", "region"}, &Reports::reasons);
  add_report(api, "/api/v1/reports/referrals",
             "Referrals per month of registration in ?from=&to=, by route and by what became "
             "of them; ?region=&profile=&format=",
             {"from", "to", "region", "profile"}, &Reports::referrals);
}

}  // namespace joldama::server
