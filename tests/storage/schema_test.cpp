// The schema described once (storage/schema.hpp): a SQLite file that reached the baseline through
// its history is the baseline, table by table, column by column, check by check, index by index,
// with the same reference data; the description renders for each engine as it should.

#include "storage/schema.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/sqlite.hpp"
#include "tests/support/temp_dir.hpp"

namespace joldama::storage {
namespace {

using testing::TempDir;

std::string collapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The text of every CHECK (…) of a CREATE TABLE, whitespace collapsed, sorted.
std::vector<std::string> checks_of(std::string const& create) {
  std::vector<std::string> checks;
  std::size_t at = 0;
  while ((at = create.find("CHECK", at)) != std::string::npos) {
    auto const open = create.find('(', at);
    int depth = 0;
    std::size_t end = open;
    bool quoted = false;
    for (; end < create.size(); ++end) {
      if (create[end] == '\'') quoted = !quoted;
      if (quoted) continue;
      if (create[end] == '(') ++depth;
      if (create[end] == ')' && --depth == 0) break;
    }
    checks.push_back(collapse(create.substr(open, end - open + 1)));
    at = end;
  }
  std::sort(checks.begin(), checks.end());
  return checks;
}

// What a table is made of, as SQLite reports it.
struct TableShape {
  std::vector<std::string> columns;  // table_xinfo: cid, name, type, notnull, default, pk, hidden
  std::vector<std::string> checks;
  std::vector<std::string> foreign_keys;
  std::string options;  // without rowid, strict
  bool operator==(TableShape const&) const = default;
};

struct Shape {
  std::map<std::string, TableShape> tables;
  std::map<std::string, std::string> indexes;   // name -> table, columns, where
  std::map<std::string, std::string> triggers;  // name -> SQL
  std::vector<std::string> data;
};

std::string cell(Statement const& s, int column) {
  return s.is_null(column) ? "NULL" : s.text(column);
}

std::vector<std::string> lines(Database& db, std::string const& sql, int columns) {
  auto s = db.prepare(sql);
  EXPECT_TRUE(s.has_value()) << sql;
  std::vector<std::string> out;
  if (!s) return out;
  for (;;) {
    auto row = s->step();
    EXPECT_TRUE(row.has_value()) << sql;
    if (!row || !*row) break;
    std::string line;
    for (int c = 0; c < columns; ++c) {
      if (c > 0) line += '|';
      line += cell(*s, c);
    }
    out.push_back(line);
  }
  return out;
}

Shape shape_of(Database& db) {
  Shape shape;
  for (auto const& line :
       lines(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                 "'sqlite_%' ORDER BY name",
             2)) {
    auto const bar = line.find('|');
    auto const name = line.substr(0, bar);
    TableShape table;
    table.columns = lines(db, fmt::format("SELECT cid, name, type, \"notnull\", dflt_value, pk, "
                                          "hidden FROM pragma_table_xinfo('{}') ORDER BY cid",
                                          name),
                          7);
    table.checks = checks_of(line.substr(bar + 1));
    table.foreign_keys = lines(db,
                               fmt::format("SELECT \"table\", \"from\", \"to\" FROM "
                                           "pragma_foreign_key_list('{}') ORDER BY \"from\"",
                                           name),
                               3);
    auto const options =
        lines(db, fmt::format("SELECT wr, strict FROM pragma_table_list('{}')", name), 2);
    table.options = options.empty() ? "" : options.front();
    shape.tables.emplace(name, std::move(table));
  }
  for (auto const& line :
       lines(db, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS "
                 "NOT NULL ORDER BY name",
             3)) {
    auto const first = line.find('|');
    auto const second = line.find('|', first + 1);
    auto const name = line.substr(0, first);
    auto const sql = line.substr(second + 1);
    auto const where = sql.find("WHERE");
    std::string described = line.substr(first + 1, second - first - 1);
    described += ' ';
    for (auto const& column :
         lines(db, fmt::format("SELECT cid, name, \"desc\", coll, key FROM "
                               "pragma_index_xinfo('{}') WHERE key = 1 ORDER BY seqno",
                               name),
               5)) {
      described += column;
      described += ';';
    }
    if (where != std::string::npos) {
      described += ' ';
      described += collapse(sql.substr(where));
    }
    shape.indexes.emplace(name, described);
  }
  for (auto const& line :
       lines(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name", 2)) {
    auto const bar = line.find('|');
    shape.triggers.emplace(line.substr(0, bar), collapse(line.substr(bar + 1)));
  }
  shape.data = lines(db, "SELECT * FROM regions ORDER BY code", 8);
  auto const profiles = lines(db, "SELECT * FROM profiles ORDER BY code", 4);
  shape.data.insert(shape.data.end(), profiles.begin(), profiles.end());
  return shape;
}

SqliteDatabase open_new(TempDir& dir, std::string const& name) {
  auto opened = SqliteDatabase::open(dir.file(name), SqliteDatabase::Access::ReadWrite);
  EXPECT_TRUE(opened.has_value());
  return std::move(*opened);
}

TEST(Schema, AFileThatCameThroughItsHistoryIsTheBaseline) {
  TempDir dir;
  auto from_history = open_new(dir, "history.db");
  // Below the baseline a new file is made through the history, migration by migration.
  ASSERT_TRUE(migrate(from_history, kBaselineVersion - 1));
  ASSERT_TRUE(migrate(from_history, kBaselineVersion));
  auto from_baseline = open_new(dir, "baseline.db");
  ASSERT_TRUE(migrate(from_baseline, kBaselineVersion));
  EXPECT_EQ(stored_schema_version(from_history).value(), kBaselineVersion);
  EXPECT_EQ(stored_schema_version(from_baseline).value(), kBaselineVersion);

  auto const history = shape_of(from_history);
  auto const baseline = shape_of(from_baseline);
  ASSERT_EQ(history.tables.size(), baseline.tables.size());
  for (auto const& [name, table] : history.tables) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(baseline.tables.contains(name));
    auto const& other = baseline.tables.at(name);
    EXPECT_EQ(table.columns, other.columns);
    EXPECT_EQ(table.checks, other.checks);
    EXPECT_EQ(table.foreign_keys, other.foreign_keys);
    EXPECT_EQ(table.options, other.options);
  }
  EXPECT_EQ(history.indexes, baseline.indexes);
  EXPECT_EQ(history.triggers, baseline.triggers);
  EXPECT_EQ(history.data, baseline.data);
  EXPECT_EQ(baseline.data.size(), 32u) << "20 regions and 12 profiles";

  // And both go on alike past the baseline.
  ASSERT_TRUE(migrate(from_history));
  ASSERT_TRUE(migrate(from_baseline));
  auto const history_now = shape_of(from_history);
  auto const baseline_now = shape_of(from_baseline);
  EXPECT_EQ(history_now.tables.at("profiles"), baseline_now.tables.at("profiles"));
  EXPECT_EQ(stored_schema_version(from_history).value(), schema_version());
}

TEST(Schema, RendersEachEnginesMarks) {
  std::string_view const description =
      "CREATE TABLE t (id <<id>>, n INTEGER, b BLOB, d TEXT CHECK (<<date d>>), "
      "c TEXT CHECK (<<sqlite: c GLOB '[0-9]'>><<postgres: c ~ '^[0-9]$'>>), "
      "note TEXT DEFAULT 'an INTEGER in quotes' -- a comment's INTEGER\n"
      ") <<sqlite: STRICT>>;";
  auto const sqlite = render_schema(Dialect::Sqlite, description);
  EXPECT_EQ(sqlite,
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, b BLOB, d TEXT CHECK (date(d, '+0 "
            "days') IS d), c TEXT CHECK (c GLOB '[0-9]'), note TEXT DEFAULT 'an INTEGER in "
            "quotes' -- a comment's INTEGER\n) STRICT;");
  auto const postgres = render_schema(Dialect::Postgres, description);
  EXPECT_NE(postgres.find("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
            std::string::npos);
  EXPECT_NE(postgres.find("n BIGINT, b BYTEA"), std::string::npos);
  EXPECT_NE(postgres.find("c ~ '^[0-9]$'"), std::string::npos);
  EXPECT_NE(postgres.find("to_char(to_date(d, 'YYYY-MM-DD'), 'YYYY-MM-DD') = d"),
            std::string::npos);
  EXPECT_NE(postgres.find("'an INTEGER in quotes'"), std::string::npos) << "quoted text kept";
  EXPECT_EQ(postgres.find("GLOB"), std::string::npos);
  EXPECT_EQ(postgres.find("STRICT"), std::string::npos);
  EXPECT_THROW(render_schema(Dialect::Sqlite, "<<nonsense>>"), std::logic_error);
  EXPECT_THROW(render_schema(Dialect::Sqlite, "<<sqlite: open"), std::logic_error);
}

}  // namespace
}  // namespace joldama::storage
