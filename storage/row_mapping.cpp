#include "storage/row_mapping.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace joldama::storage::rows {

Error corrupt(std::string_view what, std::string_view value) {
  return make_error(Errc::Internal,
                    fmt::format("the database holds an unknown {} `{}`", what, value));
}

std::optional<Timestamp> optional_time(Statement const& row, int column) {
  auto const millis = row.optional_int64(column);
  if (!millis) return std::nullopt;
  return from_millis(*millis);
}

std::optional<std::int64_t> optional_millis(std::optional<Timestamp> t) {
  if (!t) return std::nullopt;
  return to_millis(*t);
}

Result<Patient> read_patient(Statement const& row) {
  Patient p;
  p.id = row.int64(0);
  p.iin = row.text(1);
  p.last_name = row.text(2);
  p.first_name = row.text(3);
  p.middle_name = row.text(4);
  auto const birth = parse_date(row.text(5));
  if (!birth) return corrupt("birth date", row.text(5));
  p.birth_date = *birth;
  auto sex = enum_column<Sex>(row, 6, "sex");
  if (!sex) return sex.error();
  p.sex = *sex;
  auto residency = enum_column<Residency>(row, 7, "residency");
  if (!residency) return residency.error();
  p.residency = *residency;
  p.region = row.text(8);
  p.phone = row.text(9);
  p.insured = row.int64(10) != 0;
  p.registered_by_organization = row.int64(11);
  p.created_at = from_millis(row.int64(12));
  p.email = row.text(13);
  auto language = enum_column<Locale>(row, 14, "patient language");
  if (!language) return language.error();
  p.language = *language;
  return p;
}

Result<Referral> read_referral(Statement const& row, int first) {
  auto const c = [first](int k) { return first + k; };
  Referral r;
  r.id = row.int64(c(0));
  r.code = row.text(c(1));
  auto state = enum_column<State>(row, c(2), "state");
  if (!state) return state.error();
  r.state = *state;
  r.version = row.int64(c(3));
  r.patient_id = row.int64(c(4));
  r.patient_iin = row.text(c(5));
  r.patient_region = row.text(c(6));
  r.icd10 = row.text(c(7));
  r.profile = row.text(c(8));
  auto urgency = enum_column<Urgency>(row, c(9), "urgency");
  if (!urgency) return urgency.error();
  r.urgency = *urgency;
  auto care_form = enum_column<CareForm>(row, c(10), "care form");
  if (!care_form) return care_form.error();
  r.care_form = *care_form;
  r.justification = row.text(c(11));
  r.referring_organization_id = row.int64(c(12));
  r.created_by = row.int64(c(13));
  r.created_at = from_millis(row.int64(c(14)));
  r.updated_at = from_millis(row.int64(c(15)));
  r.state_since = from_millis(row.int64(c(16)));
  r.deadline = optional_time(row, c(17));
  if (auto days = row.optional_int64(c(18))) r.paused_working_days = static_cast<int>(*days);
  r.overdue_since = optional_time(row, c(19));
  auto mode = optional_enum_column<DecisionMode>(row, c(20), "decision mode");
  if (!mode) return mode.error();
  r.decision_mode = *mode;
  r.protocol = row.text(c(21));
  r.exam_at = optional_time(row, c(22));
  r.exam_place = row.text(c(23));
  if (!row.is_null(c(24))) {
    r.quota = QuotaKey{row.int32(c(24)), row.text(c(25)), row.text(c(26))};
  }
  auto holding = enum_column<QuotaHolding>(row, c(27), "quota holding");
  if (!holding) return holding.error();
  r.quota_holding = *holding;
  r.waitlisted_at = optional_time(row, c(28));
  r.hospital_id = row.optional_int64(c(29));
  if (!row.is_null(c(30))) {
    Talon talon;
    talon.number = row.text(c(30));
    talon.issued_at = from_millis(row.int64(c(31)));
    talon.valid_until = from_millis(row.int64(c(32)));
    if (auto planned = row.optional_text(c(33))) {
      auto const date = parse_date(*planned);
      if (!date) return corrupt("planned date", *planned);
      talon.planned_date = *date;
    }
    r.talon = std::move(talon);
  }
  r.case_number = row.text(c(34));
  r.abroad_clinic = row.text(c(35));
  r.abroad_country = row.text(c(36));
  auto outcome = optional_enum_column<Outcome>(row, c(37), "outcome");
  if (!outcome) return outcome.error();
  r.outcome = *outcome;
  r.final_icd10 = row.text(c(38));
  auto route = enum_column<Route>(row, c(39), "route");
  if (!route) return route.error();
  r.route = *route;
  if (auto booked = row.optional_text(c(40))) {
    auto const date = parse_date(*booked);
    if (!date) return corrupt("booking date", *booked);
    r.booking_date = *date;
  }
  r.place_held = row.int64(c(41)) != 0;
  return r;
}

void bind_referral(Statement& s, Referral const& r) {
  s.bind(1, r.code)
      .bind(2, to_string(r.state))
      .bind(3, r.version)
      .bind(4, r.patient_id)
      .bind(5, r.patient_iin)
      .bind(6, r.patient_region)
      .bind(7, r.icd10)
      .bind(8, r.profile)
      .bind(9, to_string(r.urgency))
      .bind(10, to_string(r.care_form))
      .bind(11, r.justification)
      .bind(12, r.referring_organization_id)
      .bind(13, r.created_by)
      .bind(14, to_millis(r.created_at))
      .bind(15, to_millis(r.updated_at))
      .bind(16, to_millis(r.state_since))
      .bind(17, optional_millis(r.deadline))
      .bind(18, r.paused_working_days)
      .bind(19, optional_millis(r.overdue_since));
  if (r.decision_mode) {
    s.bind(20, to_string(*r.decision_mode));
  } else {
    s.bind_null(20);
  }
  s.bind(21, r.protocol).bind(22, optional_millis(r.exam_at)).bind(23, r.exam_place);
  if (r.quota) {
    s.bind(24, r.quota->period).bind(25, r.quota->region).bind(26, r.quota->profile);
  } else {
    s.bind_null(24).bind_null(25).bind_null(26);
  }
  s.bind(27, to_string(r.quota_holding))
      .bind(28, optional_millis(r.waitlisted_at))
      .bind(29, r.hospital_id);
  if (r.talon) {
    s.bind(30, r.talon->number)
        .bind(31, to_millis(r.talon->issued_at))
        .bind(32, to_millis(r.talon->valid_until));
    if (r.talon->planned_date) {
      s.bind(33, format_date(*r.talon->planned_date));
    } else {
      s.bind_null(33);
    }
  } else {
    s.bind_null(30).bind_null(31).bind_null(32).bind_null(33);
  }
  s.bind(34, r.case_number).bind(35, r.abroad_clinic).bind(36, r.abroad_country);
  if (r.outcome) {
    s.bind(37, to_string(*r.outcome));
  } else {
    s.bind_null(37);
  }
  s.bind(38, r.final_icd10).bind(39, to_string(r.route));
  if (r.booking_date) {
    s.bind(40, format_date(*r.booking_date));
  } else {
    s.bind_null(40);
  }
  s.bind(41, r.place_held ? 1 : 0);
}

Region read_region(Statement const& row) {
  return Region{row.text(0), {row.text(1), row.text(2), row.text(3)}, row.int64(4), row.text(5),
                row.int64(6) != 0};
}

Result<Organization> read_organization(Statement const& row, int first) {
  auto const c = [first](int k) { return first + k; };
  auto kind = enum_column<OrganizationKind>(row, c(2), "organization kind");
  if (!kind) return kind.error();
  auto level = enum_column<OrganizationLevel>(row, c(3), "organization level");
  if (!level) return level.error();
  Organization o{row.int64(c(0)), row.text(c(1)), *kind, *level, row.text(c(4)), {}, {}};
  if (row.int64(c(5)) != 0) o.accepts = o.accepts.with(Route::Planned);
  if (row.int64(c(6)) != 0) o.accepts = o.accepts.with(Route::HighTech);
  auto const profiles = row.optional_text(c(7)).value_or("");
  for (std::size_t start = 0; start < profiles.size();) {
    auto const end = std::min(profiles.find(',', start), profiles.size());
    o.profiles.push_back(profiles.substr(start, end - start));
    start = end + 1;
  }
  std::sort(o.profiles.begin(), o.profiles.end());
  o.address = row.text(c(8));
  o.phone = row.text(c(9));
  return o;
}

Result<std::vector<Id>> collect_ids(Statement& s) {
  std::vector<Id> ids;
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return ids;
    ids.push_back(s.int64(0));
  }
}

std::string detail_json(AuditEvent const& event) {
  boost::json::object object;
  for (auto const& [key, value] : event.detail) object[key] = value;
  return boost::json::serialize(object);
}

Result<User> read_user(Statement const& row) {
  // id, login, name, role, organization_id, region, locale, password_hash, disabled, created_at,
  // must_change_password
  User user;
  user.id = row.int64(0);
  user.login = row.text(1);
  user.name = row.text(2);
  auto role = enum_column<Role>(row, 3, "role");
  if (!role) return role.error();
  user.role = *role;
  user.organization_id = row.optional_int64(4);
  user.region = row.optional_text(5).value_or("");
  auto locale = enum_column<Locale>(row, 6, "locale");
  if (!locale) return locale.error();
  user.locale = *locale;
  user.password_hash = row.text(7);
  user.disabled = row.int64(8) != 0;
  user.created_at = from_millis(row.int64(9));
  user.must_change_password = row.int64(10) != 0;
  return user;
}

std::vector<std::pair<std::string, std::string>> parse_detail(std::string_view json) {
  std::vector<std::pair<std::string, std::string>> pairs;
  boost::system::error_code ec;
  auto const value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return pairs;
  for (auto const& [key, item] : value.as_object()) {
    pairs.emplace_back(std::string{key}, item.is_string() ? std::string{item.as_string()}
                                                          : boost::json::serialize(item));
  }
  return pairs;
}

}  // namespace joldama::storage::rows
