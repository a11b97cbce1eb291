#pragma once
// The database's schema, described once for both engines. The description is SQL that both
// engines read alike, with marks where they differ, rendered for each by render_schema():
//
//   <<sqlite: TEXT>>    TEXT for SQLite alone (STRICT, WITHOUT ROWID, GLOB, its triggers)
//   <<postgres: TEXT>>  TEXT for PostgreSQL alone (its regular expressions, triggers, …)
//   <<id>>              a key the database assigns: SQLite's INTEGER PRIMARY KEY, PostgreSQL's
//                       identity column
//   <<date COLUMN>>     a check that COLUMN holds a real day, YYYY-MM-DD
//
// and the type names INTEGER and BLOB, which PostgreSQL reads as BIGINT and BYTEA.
//
// The baseline is the schema at kBaselineVersion, what a new database of either engine is made
// with; the migrations after it (storage/migrations.cpp) are written the same way and applied to
// both. SQLite files older than the baseline reach it through their own history first, which a
// test keeps equal to the baseline, table by table, column by column, index by index.

#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace joldama::storage {

inline constexpr int kBaselineVersion = 22;

// The schema at kBaselineVersion, with the reference data every installation needs (regions,
// profiles), for `dialect`.
std::string baseline_schema(Dialect dialect);

// `description` with its marks rendered for `dialect` (see above).
std::string render_schema(Dialect dialect, std::string_view description);

}  // namespace joldama::storage
