// The reports over real HTTP on a bureau that has worked for a few weeks: every figure equals a
// count made directly over the referrals and the audit log of the same database; a commission
// sees its region only; every bad filter is named; CSV and XLSX hold what the JSON says.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "server/api/report_tables.hpp"
#include "storage/sqlite.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/reasons.hpp"
#include "workflow/report_counts.hpp"
#include "workflow/reports.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::TestServer;

// Every row of `sql`, each as its columns' text.
std::vector<std::vector<std::string>> rows_of(std::string const& location,
                                              std::string const& sql, int columns) {
  auto db = testing::open_database(location);
  auto s = db->prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  std::vector<std::vector<std::string>> rows;
  if (!s) return rows;
  for (;;) {
    auto const more = s->step();
    EXPECT_TRUE(more.has_value()) << more.error().message;
    if (!more || !*more) break;
    std::vector<std::string> row;
    for (int c = 0; c < columns; ++c) row.push_back(s->optional_text(c).value_or(""));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string text(json::value const& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return std::string{v.as_string()};
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_double()) return fmt::format("{:.4f}", v.as_double());
  return json::serialize(v);
}

class ReportsTest : public ::testing::Test {
 protected:
  // A client of `login` signed in now (the clock moves past the sessions' idle limit).
  HttpClient as(std::string const& login) {
    HttpClient client{server.port};
    client.use_token(testing::sign_in(server.port, login));
    return client;
  }

  json::value report(std::string const& login, std::string const& target) {
    auto const reply = as(login).get(target);
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
    return reply.json();
  }

  Id hospital_id(std::string const& login) {
    return as(login).get("/api/v1/me").json().at("organization").at("id").as_int64();
  }

  // Weeks of a bureau's work, in both routes and two regions, with reasons, a waitlist and
  // steps that outlive their deadlines.
  void work_for_some_weeks() {
    auto doctor = as("doctor");
    auto astana = as("doctor.astana");
    Journey d{doctor}, a{astana};
    std::vector<std::int64_t> almaty, capital;
    for (int i = 0; i < 6; ++i) almaty.push_back(id_of(d.new_referral("neurosurgery")));
    for (int i = 0; i < 3; ++i) capital.push_back(id_of(a.new_referral("oncology", "routine", "71")));
    for (auto id : almaty) ASSERT_EQ(d.act(id, "submit").status, 200);
    for (auto id : capital) ASSERT_EQ(a.act(id, "submit").status, 200);

    server.clock.advance(49h);  // Wednesday
    {
      auto c = as("commission");
      Journey commission{c};
      ASSERT_EQ(commission.act(almaty[0], "reject", {{"reason_code", "duplicate"}}).status, 200);
      ASSERT_EQ(commission.act(almaty[1], "request_info", {{"comment", "МРТ"}}).status, 200);
      for (int i = 2; i < 6; ++i) {
        ASSERT_EQ(commission.act(almaty[i], "approve", {{"protocol", "П-1"}}).status, 200);
      }
      auto ca = as("commission.astana");
      Journey capital_commission{ca};
      ASSERT_EQ(capital_commission.act(capital[0], "reject", {{"reason_code", "not_indicated"}})
                    .status,
                200);
      ASSERT_EQ(capital_commission.act(capital[1], "approve", {{"protocol", "П-2"}}).status, 200);
    }

    server.clock.advance(24h * 9);  // past the republic's five working days
    {
      auto doctor_now = as("doctor");
      Journey doctor_again{doctor_now};
      ASSERT_EQ(doctor_again.act(almaty[1], "cancel", {{"reason_code", "patient_declined"}})
                    .status,
                200);
      // One unit of neurosurgery is left for Almaty: one talon, the others wait.
      auto r = as("republic");
      auto const quota = r.get("/api/v1/quotas?period=2026&region=75&profile=neurosurgery").json();
      auto const& q = quota.as_array().at(0);
      auto const taken = q.at("reserved").as_int64() + q.at("used").as_int64();
      ASSERT_EQ(r.put("/api/v1/quotas/2026/75/neurosurgery", json::object{{"allocated", taken + 1}})
                    .status,
                200);
      Journey republic{r};
      auto const neuro = hospital_id("hospital.neuro");
      for (int i = 2; i < 6; ++i) {
        ASSERT_EQ(republic.act(almaty[i], "approve", {{"hospital_id", neuro}}).status, 200);
      }
      ASSERT_EQ(republic.act(capital[1], "approve",
                             {{"hospital_id", hospital_id("hospital.oncology")}})
                    .status,
                200);
    }

    server.clock.advance(24h * 3);
    {
      auto h = as("hospital.neuro");
      Journey hospital{h};
      ASSERT_EQ(hospital.act(almaty[2], "decline", {{"reason_code", "no_capacity"}}).status, 200);
    }
    server.clock.advance(24h * 2);
    ASSERT_TRUE(server.app->sweep_now().has_value());
  }

  TestServer server;
};

// What the monthly report must say, counted over the referrals themselves.
std::map<std::string, std::string> referrals_by_month(std::string const& db,
                                                      std::string const& where) {
  std::map<std::string, std::string> counted;
  for (auto const& row : rows_of(db,
                                 "SELECT <<sqlite: strftime('%Y-%m', created_at / 1000 + 18000, "
                                 "'unixepoch')>><<postgres: to_char(to_timestamp(created_at / 1000 "
                                 "+ 18000), 'YYYY-MM')>>, route, state, count(*) FROM referrals " +
                                         where + " GROUP BY 1, 2, 3",
                                 4)) {
    auto const state = parse<State>(row[2]);
    auto const key = fmt::format("{} {} {}", row[0], row[1], fate_of(*state));
    counted[key] = std::to_string(std::stoll(counted[key].empty() ? "0" : counted[key]) +
                                  std::stoll(row[3]));
  }
  return counted;
}

std::map<std::string, std::string> referrals_reported(json::value const& report) {
  std::map<std::string, std::string> reported;
  for (auto const& row : report.at("rows").as_array()) {
    for (char const* fate : {"open", "completed", "rejected", "cancelled", "expired", "no_show"}) {
      auto const n = row.at(fate).as_int64();
      if (n != 0) {
        reported[fmt::format("{} {} {}", text(row.at("month")), text(row.at("route")), fate)] =
            std::to_string(n);
      }
    }
    auto sum = 0;
    for (char const* fate : {"open", "completed", "rejected", "cancelled", "expired", "no_show"}) {
      sum += static_cast<int>(row.at(fate).as_int64());
    }
    EXPECT_EQ(row.at("registered").as_int64(), sum);
  }
  return reported;
}

TEST_F(ReportsTest, ReferralsPerMonthAreTheReferralsCountedByMonthRouteAndFate) {
  work_for_some_weeks();
  auto const all = report("republic", "/api/v1/reports/referrals?from=2025-01-01&to=2026-12-31");
  EXPECT_EQ(referrals_reported(all), referrals_by_month(server.location, ""));
  EXPECT_EQ(all.at("rows").as_array().size(), 24u * 2) << "every month, both routes";
  auto const almaty = report("commission", "/api/v1/reports/referrals?from=2025-01-01&to=2026-12-31");
  EXPECT_EQ(referrals_reported(almaty),
            referrals_by_month(server.location, "WHERE patient_region = '75'"));
  EXPECT_EQ(text(almaty.at("region")), "75");
  auto const neuro = report("republic",
                            "/api/v1/reports/referrals?from=2025-01-01&to=2026-12-31&region=71&"
                            "profile=oncology");
  EXPECT_EQ(referrals_reported(neuro),
            referrals_by_month(server.location,
                               "WHERE patient_region = '71' AND profile = 'oncology'"));
  EXPECT_FALSE(referrals_reported(neuro).empty());
}

// Stays in each stage, counted from the audit log: each state change ends a stay that began with
// the change before it, whose event says the deadline it ran under.
struct Stay {
  std::string stage;
  std::string region;
  Date left{};
  int working_days = 0;
  bool overdue = false;
};

std::vector<Stay> stays_from_the_audit(std::string const& db) {
  std::vector<Stay> stays;
  auto const events = rows_of(db,
                              "SELECT a.referral_id, a.at, a.detail, r.patient_region FROM audit a "
                              "JOIN referrals r ON r.id = a.referral_id "
                              "WHERE <<sqlite: json_extract(a.detail, '$.to')>><<postgres: "
                              "json_extract_path_text(a.detail::json, 'to')>> IS NOT NULL OR "
                              "a.action = 'register' ORDER BY a.referral_id, a.seq",
                              4);
  std::string referral;
  Timestamp entered{};
  std::int64_t deadline_millis = -1;  // none
  for (auto const& e : events) {
    auto const at = from_millis(std::stoll(e[1]));
    auto const detail = json::parse(e[2]).as_object();
    auto const field = [&](char const* name) -> std::string {
      auto const* v = detail.if_contains(name);
      return v && v->is_string() ? std::string{v->as_string()} : std::string{};
    };
    if (e[0] != referral) {  // the registration
      referral = e[0];
      entered = at;
      deadline_millis = -1;
      continue;
    }
    if (field("from") != field("to")) {
      stays.push_back(Stay{field("from"), e[3], local_date(at),
                           std::min(kLongestCountedStay,
                                    testing::kazakhstan_calendar().working_days_between(
                                        local_date(entered), local_date(at))),
                           deadline_millis >= 0 && to_millis(at) > deadline_millis});
      entered = at;
    }
    auto const due = field("deadline");
    auto const parsed = due.empty() ? std::nullopt : parse_timestamp(due);
    deadline_millis = parsed ? to_millis(*parsed) : -1;
  }
  return stays;
}

std::map<std::string, std::string> stages_expected(std::vector<Stay> const& stays,
                                                   std::string const& region, Date from, Date to) {
  std::map<std::string, std::vector<std::pair<int, std::int64_t>>> histograms;
  std::map<std::string, int> overdue;
  for (auto const& s : stays) {
    if (s.left < from || s.left > to || (!region.empty() && s.region != region)) continue;
    histograms[s.stage].emplace_back(s.working_days, 1);
    overdue[s.stage] += s.overdue ? 1 : 0;
  }
  std::map<std::string, std::string> expected;
  for (auto const& [stage, h] : histograms) {
    expected[stage] = fmt::format("{} {} {} {}", h.size(), *nearest_rank(h, 0.5),
                                  *nearest_rank(h, 0.9), overdue[stage]);
  }
  return expected;
}

std::map<std::string, std::string> stages_reported(json::value const& report) {
  std::map<std::string, std::string> reported;
  for (auto const& row : report.at("rows").as_array()) {
    reported[text(row.at("stage"))] =
        fmt::format("{} {} {} {}", text(row.at("stays")), text(row.at("median_working_days")),
                    text(row.at("p90_working_days")), text(row.at("overdue")));
  }
  return reported;
}

TEST_F(ReportsTest, StageTimesAreTheStaysTheAuditLogRecords) {
  work_for_some_weeks();
  auto const stays = stays_from_the_audit(server.location);
  ASSERT_GT(stays.size(), 20u);
  auto const year = report("republic", "/api/v1/reports/stage-times?from=2025-06-01&to=2026-12-31");
  auto const expected_year =
      stages_expected(stays, "", testing::day("2025-06-01"), testing::day("2026-12-31"));
  EXPECT_EQ(stages_reported(year), expected_year);
  EXPECT_NE(expected_year.at("republican_review").substr(expected_year.at("republican_review").rfind(' ')),
            " 0")
      << "the republic's approvals came after their deadline";
  // A range of days that cuts months: read by day at its ends.
  auto const ragged =
      report("commission", "/api/v1/reports/stage-times?from=2026-02-20&to=2026-03-13");
  EXPECT_EQ(stages_reported(ragged),
            stages_expected(stays, "75", testing::day("2026-02-20"), testing::day("2026-03-13")));
  for (auto const& row : year.at("rows").as_array()) {
    if (text(row.at("stage")) == "commission_review") {
      EXPECT_EQ(row.at("deadline_working_days").as_int64(), 10);
    }
  }
}

TEST_F(ReportsTest, ReasonsAreTheReasonCodesTheAuditLogRecords) {
  work_for_some_weeks();
  auto const expected = [&](std::string const& where) {
    std::map<std::string, std::string> counted;
    for (auto const& row : rows_of(
             server.location,
             "SELECT a.action, <<sqlite: json_extract(a.detail, '$.reason_code')>><<postgres: "
             "json_extract_path_text(a.detail::json, 'reason_code')>>, count(*) FROM audit a JOIN referrals r ON r.id "
             "= a.referral_id WHERE <<sqlite: json_extract(a.detail, '$.reason_code')>><<postgres: "
             "json_extract_path_text(a.detail::json, 'reason_code')>> IS NOT NULL " + where + " GROUP BY 1, 2",
             3)) {
      counted[row[0] + " " + row[1]] = row[2];
    }
    return counted;
  };
  auto const reported = [](json::value const& report) {
    std::map<std::string, std::string> got;
    for (auto const& row : report.at("rows").as_array()) {
      got[text(row.at("action")) + " " + text(row.at("code"))] = text(row.at("count"));
    }
    return got;
  };
  auto const all = report("republic", "/api/v1/reports/reasons?from=2025-01-01&to=2026-12-31");
  EXPECT_EQ(reported(all), expected(""));
  EXPECT_TRUE(reported(all).contains("reject duplicate"));
  EXPECT_TRUE(reported(all).contains("decline no_capacity"));
  auto const capital =
      report("commission.astana", "/api/v1/reports/reasons?from=2025-01-01&to=2026-12-31");
  EXPECT_EQ(reported(capital), expected("AND r.patient_region = '71'"));
  EXPECT_FALSE(reported(capital).contains("reject duplicate")) << "Almaty's, not Astana's";
  // Only the days asked for: the rejections of 4 March are outside 5..31 March.
  auto const later = report("republic", "/api/v1/reports/reasons?from=2026-03-05&to=2026-03-31");
  EXPECT_EQ(reported(later),
            expected("AND <<sqlite: date(a.at / 1000 + 18000, 'unixepoch')>><<postgres: "
                     "to_char(to_timestamp(a.at / 1000 + 18000), 'YYYY-MM-DD')>> BETWEEN "
                     "'2026-03-05' AND '2026-03-31'"));
  EXPECT_FALSE(reported(later).contains("reject duplicate"));
}

TEST_F(ReportsTest, WaitingListsAreTheWaitlistedReferralsWithTheirDaysWaited) {
  work_for_some_weeks();
  server.clock.advance(24h * 4);
  Date const today = local_date(server.clock.now());
  std::map<std::string, std::vector<std::pair<int, std::int64_t>>> lists;
  for (auto const& row : rows_of(server.location,
                                 "SELECT patient_region, profile, waitlisted_at FROM referrals "
                                 "WHERE state = 'waitlisted'",
                                 3)) {
    auto const waited = (today - local_date(from_millis(std::stoll(row[2])))).count();
    lists[row[0] + " " + row[1]].emplace_back(static_cast<int>(waited), 1);
  }
  ASSERT_TRUE(lists.contains("75 neurosurgery")) << "the scenario fills a waitlist";
  std::map<std::string, std::string> expected;
  std::vector<std::pair<int, std::int64_t>> everyone;
  for (auto const& [list, waits] : lists) {
    int longest = 0;
    for (auto const& w : waits) longest = std::max(longest, w.first);
    expected[list] = fmt::format("{} {} {}", waits.size(), *nearest_rank(waits, 0.5), longest);
    everyone.insert(everyone.end(), waits.begin(), waits.end());
  }
  auto const reported = [](json::value const& report) {
    std::map<std::string, std::string> got;
    for (auto const& row : report.at("rows").as_array()) {
      got[text(row.at("region")) + " " + text(row.at("profile"))] =
          fmt::format("{} {} {}", text(row.at("length")), text(row.at("median_days")),
                      text(row.at("longest_days")));
    }
    return got;
  };
  auto const all = report("republic", "/api/v1/reports/waiting");
  EXPECT_EQ(reported(all), expected);
  EXPECT_EQ(all.at("total").at("length").as_int64(), static_cast<std::int64_t>(everyone.size()));
  EXPECT_EQ(all.at("total").at("median_days").as_int64(), *nearest_rank(everyone, 0.5));
  // The report reads each list's summary; a list emptied leaves none behind, and every list
  // with waiters has one.
  EXPECT_EQ(rows_of(server.location,
                    "SELECT count(*) FROM waitlist_summaries AS s WHERE NOT EXISTS (SELECT 1 FROM "
                    "report_counters AS w WHERE w.report = 'waiting' AND w.region = s.region AND "
                    "w.profile = s.profile)",
                    1)
                .at(0)
                .at(0),
            "0");
  EXPECT_EQ(rows_of(server.location,
                    "SELECT count(DISTINCT w.region || ' ' || w.profile) FROM report_counters AS w "
                    "WHERE w.report = 'waiting' AND NOT EXISTS (SELECT 1 FROM waitlist_summaries "
                    "AS s WHERE w.region = s.region AND w.profile = s.profile)",
                    1)
                .at(0)
                .at(0),
            "0");
  auto const astana = report("commission.astana", "/api/v1/reports/waiting");
  for (auto const& row : astana.at("rows").as_array()) EXPECT_EQ(text(row.at("region")), "71");
  EXPECT_FALSE(reported(astana).contains("75 neurosurgery"));

  // Units enough for Almaty's neurosurgery: its waiters are promoted, and the list is gone from
  // the report and from the summaries.
  auto r = as("republic");
  auto const quota = r.get("/api/v1/quotas?period=2026&region=75&profile=neurosurgery").json();
  auto const allocated = quota.as_array().at(0).at("allocated").as_int64();
  ASSERT_EQ(r.put("/api/v1/quotas/2026/75/neurosurgery", json::object{{"allocated", allocated + 10}})
                .status,
            200);
  auto const after = report("republic", "/api/v1/reports/waiting");
  EXPECT_FALSE(reported(after).contains("75 neurosurgery"));
  EXPECT_EQ(rows_of(server.location,
                    "SELECT count(*) FROM waitlist_summaries WHERE region = '75' AND "
                    "profile = 'neurosurgery'",
                    1)
                .at(0)
                .at(0),
            "0");
  EXPECT_EQ(after.at("total").at("length").as_int64(),
            static_cast<std::int64_t>(everyone.size() - lists.at("75 neurosurgery").size()));
}

TEST_F(ReportsTest, QuotaUseIsTheQuotasAndTheirMonthsAddUpToThem) {
  work_for_some_weeks();
  auto const use = report("republic", "/api/v1/reports/quota-use?period=2026");
  auto const quotas = rows_of(server.location,
                              "SELECT region, profile, allocated, reserved, used FROM quotas "
                              "WHERE period = 2026 ORDER BY region, profile",
                              5);
  auto const& rows = use.at("rows").as_array();
  ASSERT_EQ(rows.size(), quotas.size());
  std::int64_t allocated = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(text(rows[i].at("region")) + " " + text(rows[i].at("profile")) + " " +
                  text(rows[i].at("allocated")) + " " + text(rows[i].at("reserved")) + " " +
                  text(rows[i].at("used")),
              fmt::format("{} {} {} {} {}", quotas[i][0], quotas[i][1], quotas[i][2], quotas[i][3],
                          quotas[i][4]));
    allocated += rows[i].at("allocated").as_int64();
  }
  EXPECT_EQ(use.at("total").at("allocated").as_int64(), allocated);
  // Each quota's months, added up, give what it holds now: reserved less released and used.
  for (auto const& [region, profile] :
       std::vector<std::pair<std::string, std::string>>{{"75", "neurosurgery"}, {"71", "oncology"}}) {
    auto const one = report("republic", fmt::format("/api/v1/reports/quota-use?period=2026&"
                                                    "region={}&profile={}",
                                                    region, profile));
    std::int64_t reserved = 0, used = 0;
    ASSERT_EQ(one.at("trend").as_array().size(), 12u);
    for (auto const& m : one.at("trend").as_array()) {
      reserved += m.at("reserved").as_int64() - m.at("released").as_int64() - m.at("used").as_int64();
      used += m.at("used").as_int64();
    }
    auto const& row = one.at("rows").as_array().at(0);
    EXPECT_EQ(reserved, row.at("reserved").as_int64()) << region << " " << profile;
    EXPECT_EQ(used, row.at("used").as_int64()) << region << " " << profile;
  }
  auto const almaty = report("commission", "/api/v1/reports/quota-use");
  for (auto const& row : almaty.at("rows").as_array()) EXPECT_EQ(text(row.at("region")), "75");
}

TEST_F(ReportsTest, OnlyThePlannersSeeReportsAndACommissionOnlyItsRegion) {
  for (auto const* path : {"quota-use", "waiting", "stage-times", "reasons", "referrals"}) {
    auto const target = fmt::format("/api/v1/reports/{}", path);
    for (auto const* login : {"doctor", "hospital"}) {
      auto const reply = as(login).get(target);
      EXPECT_EQ(reply.status, 403) << login << " " << target;
    }
    EXPECT_EQ(server.client().get(target).status, 401);
    auto const elsewhere = as("commission").get(target + "?region=71");
    EXPECT_EQ(elsewhere.status, 403) << target;
    EXPECT_EQ(elsewhere.error_field(), "region");
    EXPECT_EQ(as("commission").get(target + "?region=75").status, 200);
    EXPECT_EQ(as("admin").get(target + "?region=71").status, 200);
  }
}

TEST_F(ReportsTest, EveryBadFilterIsNamed) {
  auto republic = as("republic");
  auto const field_of = [&](std::string const& target) {
    auto const reply = republic.get(target);
    EXPECT_EQ(reply.status, 422) << target << ": " << reply.body;
    return reply.error_field();
  };
  EXPECT_EQ(field_of("/api/v1/reports/waiting?colour=red"), "colour");
  EXPECT_EQ(field_of("/api/v1/reports/waiting?from=2026-01-01"), "from") << "not its filter";
  EXPECT_EQ(field_of("/api/v1/reports/quota-use?period=20266"), "period");
  EXPECT_EQ(field_of("/api/v1/reports/quota-use?format=pdf"), "format");
  EXPECT_EQ(field_of("/api/v1/reports/quota-use?region=99"), "region");
  EXPECT_EQ(field_of("/api/v1/reports/referrals?profile=astrology"), "profile");
  EXPECT_EQ(field_of("/api/v1/reports/stage-times?from=2026-02-30"), "from");
  EXPECT_EQ(field_of("/api/v1/reports/stage-times?to=yesterday"), "to");
  EXPECT_EQ(field_of("/api/v1/reports/reasons?from=2026-03-02&to=2026-03-01"), "to");
  EXPECT_EQ(field_of("/api/v1/reports/reasons?from=2021-03-01&to=2026-03-02"), "to")
      << "over five years";
  EXPECT_EQ(republic.get("/api/v1/reports/reasons?from=2021-03-03&to=2026-03-02").status, 200)
      << "five years exactly";
}

// The workbook's cells, read back with openpyxl (Debian's python3-openpyxl), one sheet per line
// group: "sheet|a,b,c".
std::vector<std::string> workbook_cells(std::string const& bytes, testing::TempDir const& dir) {
  auto const path = dir.file("report.xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  std::string const command = fmt::format(
      "/usr/bin/python3 -c \"import openpyxl,sys\n"
      "wb=openpyxl.load_workbook(sys.argv[1])\n"
      "for ws in wb.worksheets:\n"
      "  for row in ws.iter_rows(values_only=True):\n"
      "    print(ws.title+'|'+','.join('' if v is None else str(v) for v in row))\" {}",
      path.string());
  std::vector<std::string> lines;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return lines;
  char buffer[4096];
  std::string line;
  while (std::fgets(buffer, sizeof buffer, pipe)) {
    line = buffer;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    lines.push_back(line);
  }
  EXPECT_EQ(::pclose(pipe), 0);
  return lines;
}

TEST_F(ReportsTest, CsvAndXlsxHoldWhatTheJsonSays) {
  work_for_some_weeks();
  auto commission = as("commission");
  auto const json_reply = commission.get("/api/v1/reports/reasons?from=2026-01-01&to=2026-12-31");
  auto const csv = commission.get("/api/v1/reports/reasons?from=2026-01-01&to=2026-12-31&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.header("content-disposition").value_or(""),
            "attachment; filename=\"reasons-2026-01-01-2026-12-31-75.csv\"");
  ASSERT_TRUE(csv.body.starts_with("\xEF\xBB\xBF" "action,code,name,count\r\n"));
  std::string expected_csv = "\xEF\xBB\xBF" "action,code,name,count\r\n";
  auto const reasons = json_reply.json();
  for (auto const& row : reasons.at("rows").as_array()) {
    auto const code = text(row.at("code"));
    auto const action = parse<Action>(text(row.at("action")));
    auto const* reason = find_reason(*action, code);
    ASSERT_NE(reason, nullptr);
    expected_csv += fmt::format("{},{},{},{}\r\n", text(row.at("action")), code, reason->name.kk,
                                text(row.at("count")));  // the commission reads in Kazakh
  }
  EXPECT_EQ(csv.body, expected_csv);

  auto const xlsx = commission.get("/api/v1/reports/quota-use?format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.header("content-type").value_or(""),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  auto const cells = workbook_cells(xlsx.body, server.dir);
  auto const use = commission.get("/api/v1/reports/quota-use").json();
  ASSERT_EQ(cells.size(), 1 + use.at("rows").as_array().size() + 1 + 1 + 12)
      << "header, rows and total; header and twelve months";
  EXPECT_EQ(cells.front(),
            "quota use|region,region_name,profile,profile_name,allocated,reserved,used,"
            "available,share_used");
  auto const& first = use.at("rows").as_array().at(0);
  EXPECT_TRUE(cells[1].starts_with(fmt::format("quota use|75,Алматы қаласы,{},", text(first.at("profile")))))
      << cells[1];
  EXPECT_NE(cells[1].find(fmt::format(",{},{},{},{},", text(first.at("allocated")),
                                      text(first.at("reserved")), text(first.at("used")),
                                      text(first.at("available")))),
            std::string::npos)
      << cells[1];
  EXPECT_EQ(cells[use.at("rows").as_array().size() + 2], "trend|month,reserved,released,used");
}

TEST(ReportTables, CsvQuotesWhatMustBeQuotedAndDisarmsFormulas) {
  server::ReportTable table{"t", {"a", "b"}, {{std::string{"x,y"}, std::string{"say \"hi\""}},
                                              {std::string{"=cmd()"}, std::int64_t{-3}}}};
  EXPECT_EQ(server::to_csv(table),
            "\xEF\xBB\xBF" "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=cmd(),-3\r\n");
}

}  // namespace
}  // namespace joldama
