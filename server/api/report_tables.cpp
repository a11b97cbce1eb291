#include "server/api/report_tables.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace joldama::server {

namespace {

std::string csv_field(std::string_view text) {
  std::string field;
  // A spreadsheet runs a cell that starts so as a formula: a report's text never should.
  if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' ||
                        text.front() == '@')) {
    field = "'";
  }
  field += text;
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string cell_text(Cell const& cell) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(std::string const& text) const { return csv_field(text); }
    std::string operator()(std::int64_t number) const { return std::to_string(number); }
    std::string operator()(Share share) const { return fmt::format("{:.4f}", share.value); }
  };
  return std::visit(Visitor{}, cell);
}

// A file of our own in the temporary directory, removed when it goes out of scope.
class TemporaryFile {
 public:
  TemporaryFile() {
    auto pattern = (std::filesystem::temp_directory_path() / "joldama-report-XXXXXX").string();
    int const fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TemporaryFile() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  TemporaryFile(TemporaryFile const&) = delete;
  TemporaryFile& operator=(TemporaryFile const&) = delete;
  std::string const& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::string to_csv(ReportTable const& table) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&out](auto const& cells, auto to_text) {
    bool first = true;
    for (auto const& cell : cells) {
      if (!first) out += ',';
      first = false;
      out += to_text(cell);
    }
    out += "\r\n";
  };
  line(table.columns, [](std::string const& name) { return csv_field(name); });
  for (auto const& row : table.rows) line(row, [](Cell const& cell) { return cell_text(cell); });
  return out;
}

Result<std::string> to_xlsx(std::vector<ReportTable> const& tables) {
  TemporaryFile file;
  if (file.path().empty()) return make_error(Errc::Internal, "no temporary file for the workbook");
  lxw_workbook* workbook = workbook_new(file.path().c_str());
  if (!workbook) return make_error(Errc::Internal, "the workbook could not be started");
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  lxw_format* percent = workbook_add_format(workbook);
  format_set_num_format(percent, "0.0%");
  for (auto const& table : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, table.name.c_str());
    if (!sheet) {
      workbook_close(workbook);
      return make_error(Errc::Internal, fmt::format("no worksheet named {}", table.name));
    }
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), table.columns[c].c_str(),
                             header);
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 16,
                           nullptr);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      auto const row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
        auto const col = static_cast<lxw_col_t>(c);
        Cell const& cell = table.rows[r][c];
        if (auto const* text = std::get_if<std::string>(&cell)) {
          worksheet_write_string(sheet, row, col, text->c_str(), nullptr);
        } else if (auto const* number = std::get_if<std::int64_t>(&cell)) {
          worksheet_write_number(sheet, row, col, static_cast<double>(*number), nullptr);
        } else if (auto const* share = std::get_if<Share>(&cell)) {
          worksheet_write_number(sheet, row, col, share->value, percent);
        }
      }
    }
  }
  if (lxw_error const closed = workbook_close(workbook); closed != LXW_NO_ERROR) {
    return make_error(Errc::Internal,
                      fmt::format("the workbook was not written: {}", lxw_strerror(closed)));
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) return make_error(Errc::Internal, "the workbook could not be read");
  return bytes;
}

}  // namespace joldama::server
