#pragma once
// Mapping between SQLite rows and the domain's records, shared by the store's files. Internal to
// storage/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite.hpp"
#include "workflow/model.hpp"

namespace joldama::storage::rows {

Error corrupt(std::string_view what, std::string_view value);

template <NamedEnum E>
Result<E> enum_column(Statement const& row, int column, std::string_view what) {
  auto const text = row.text(column);
  auto const value = parse<E>(text);
  if (!value) return corrupt(what, text);
  return *value;
}

template <NamedEnum E>
Result<std::optional<E>> optional_enum_column(Statement const& row, int column,
                                              std::string_view what) {
  if (row.is_null(column)) return std::optional<E>{};
  auto value = enum_column<E>(row, column, what);
  if (!value) return value.error();
  return std::optional<E>{*value};
}

std::optional<Timestamp> optional_time(Statement const& row, int column);
std::optional<std::int64_t> optional_millis(std::optional<Timestamp> t);

// Runs `sql` with the parameters `bind` sets and maps its first row with `read`; nothing when
// there is no row.
template <class T, class Bind, class Read>
Result<std::optional<T>> query_one(Database& db, std::string_view sql, Bind bind, Read read) {
  auto s = db.prepare(sql);
  if (!s) return s.error();
  bind(*s);
  auto row = s->step();
  if (!row) return row.error();
  if (!*row) return std::optional<T>{};
  Result<T> value = read(*s);
  if (!value) return value.error();
  return std::optional<T>{std::move(*value)};
}

// Runs `sql` and maps every row with `read`.
template <class T, class Read>
Result<std::vector<T>> query_all(Statement& s, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return out;
    Result<T> value = read(s);
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
}

Result<std::vector<Id>> collect_ids(Statement& s);

// The patient columns, in the order kPatientColumns lists them.
inline constexpr std::string_view kPatientColumns =
    "id, iin, last_name, first_name, middle_name, birth_date, sex, residency, region, phone, "
    "insured, registered_by_organization, created_at";
Result<Patient> read_patient(Statement const& row);

// The referral columns: column k (after id at 0) is parameter k of the INSERT and the UPDATE.
// `first` is the index of `id` in the row.
Result<Referral> read_referral(Statement const& row, int first = 0);
void bind_referral(Statement& s, Referral const& r);

Region read_region(Statement const& row);

// An organization's columns, with a hospital's routes and profiles, for `FROM organizations AS o`.
inline constexpr std::string_view kOrganizationColumns =
    "o.id, o.name, o.kind, o.level, o.region, o.accepts_planned, o.accepts_high_tech, "
    "(SELECT <<sqlite: group_concat>><<postgres: string_agg>>(profile, ',') FROM organization_profiles "
    "WHERE organization_id = o.id), o.address, o.phone";
inline constexpr int kOrganizationColumnCount = 10;
// The same columns without what the hospital treats (read as none), where it is not shown.
inline constexpr std::string_view kOrganizationColumnsWithoutProfiles =
    "o.id, o.name, o.kind, o.level, o.region, o.accepts_planned, o.accepts_high_tech, NULL, "
    "o.address, o.phone";
Result<Organization> read_organization(Statement const& row, int first = 0);
Result<User> read_user(Statement const& row);

std::string detail_json(AuditEvent const& event);
// The detail object back as ordered pairs; values that are not strings are written as JSON.
std::vector<std::pair<std::string, std::string>> parse_detail(std::string_view json);

}  // namespace joldama::storage::rows
