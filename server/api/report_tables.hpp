#pragma once
// A report as tables of plain cells, and the two files it is exported as: CSV (RFC 4180, UTF-8)
// and XLSX (through libxlsxwriter, one worksheet per table).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "workflow/result.hpp"

namespace joldama::server {

// Empty, text, a whole number, or a share (0..1, shown as a percentage in a spreadsheet).
struct Share {
  double value = 0;
};
using Cell = std::variant<std::monostate, std::string, std::int64_t, Share>;

struct ReportTable {
  std::string name;  // the worksheet's name: at most 31 characters, none of []:*?/\.
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

inline Cell optional_cell(std::optional<int> value) {
  return value ? Cell{std::int64_t{*value}} : Cell{};
}
inline Cell optional_share(std::optional<double> value) {
  return value ? Cell{Share{*value}} : Cell{};
}

// The table as CSV: a header line, then one line per row, CRLF line ends, fields quoted when
// they hold a comma, a quote or a line end; starting with a byte-order mark so that
// spreadsheets read the UTF-8 as such. A text that a spreadsheet would take for a formula
// (= + - @ first) is prefixed with an apostrophe.
std::string to_csv(ReportTable const& table);

// The tables as an XLSX workbook's bytes, each on its sheet, the header bold and frozen.
Result<std::string> to_xlsx(std::vector<ReportTable> const& tables);

}  // namespace joldama::server
