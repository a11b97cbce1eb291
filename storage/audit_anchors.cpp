#include "storage/audit_anchors.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "workflow/time.hpp"
#include "workflow/validation.hpp"

namespace joldama::storage {

namespace json = boost::json;

namespace {

constexpr char const* kNewestEvent = "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1";

std::string anchor_line(AuditAnchor const& a) {
  return json::serialize(json::object{{"seq", a.seq},
                                      {"hash", a.hash},
                                      {"at", a.at},
                                      {"key_id", a.key_id},
                                      {"signature", a.signature}}) +
         "\n";
}

std::optional<AuditAnchor> parse_anchor(std::string_view line) {
  boost::system::error_code ec;
  auto const value = json::parse(line, ec);
  if (ec || !value.is_object()) return std::nullopt;
  auto const& o = value.as_object();
  auto const text = [&](char const* key) -> std::optional<std::string> {
    auto const* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string{v->as_string()};
  };
  auto const* seq = o.if_contains("seq");
  auto hash = text("hash");
  auto at = text("at");
  auto key_id = text("key_id");
  auto signature = text("signature");
  if (!seq || !seq->is_int64() || seq->as_int64() < 1 || !hash || !at || !key_id || !signature) {
    return std::nullopt;
  }
  return AuditAnchor{seq->as_int64(), *hash, *at, *key_id, *signature};
}

}  // namespace

Result<std::int64_t> next_audit_seq(Database& db) {
  auto newest = db.prepare(kNewestEvent);
  if (!newest) return newest.error();
  auto row = newest->step();
  if (!row) return row.error();
  return *row ? newest->int64(0) + 1 : 1;
}

std::string anchor_message(AuditAnchor const& anchor) {
  return fmt::format("joldama audit anchor\nseq {}\nhash {}\nat {}\nkey {}\n", anchor.seq,
                     anchor.hash, anchor.at, anchor.key_id);
}

Result<std::vector<NumberedAnchor>> read_anchors(std::filesystem::path const& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return make_error(Errc::NotFound, fmt::format("cannot read {}", path.string()));
  std::vector<NumberedAnchor> anchors;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty()) continue;
    auto anchor = parse_anchor(line);
    if (!anchor) {
      return make_error(Errc::Validation,
                        fmt::format("{}: line {} is not an anchor", path.string(), number));
    }
    anchors.push_back(NumberedAnchor{number, std::move(*anchor)});
  }
  return anchors;
}

Result<std::unique_ptr<AnchorFile>> AnchorFile::open(std::filesystem::path path,
                                                     AuditKeys const& keys, std::int64_t every) {
  std::unique_ptr<AnchorFile> file{new AnchorFile(std::move(path), keys, std::max<std::int64_t>(1, every))};
  std::error_code ec;
  if (std::filesystem::exists(file->path_, ec)) {
    auto anchors = read_anchors(file->path_);
    if (!anchors) return anchors.error();
    if (!anchors->empty()) file->latest_ = anchors->back().anchor;
  }
  return file;
}

Status AnchorFile::after_commit(Database& db, bool force) {
  std::lock_guard lock{mutex_};
  auto newest = db.prepare(kNewestEvent);
  if (!newest) return newest.error();
  auto row = newest->step();
  if (!row) return row.error();
  if (!*row) return ok();  // an empty log
  auto const seq = newest->int64(0);
  auto const last = latest_ ? latest_->seq : 0;
  if (seq <= last || (!force && seq < last + every_)) return ok();

  AuditAnchor anchor{seq, newest->text(1), format_timestamp(from_millis(newest->int64(2))),
                     keys_.current().id, {}};
  anchor.signature = keys_.sign(anchor_message(anchor));
  auto const line = anchor_line(anchor);
  int const fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
  }
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written) {
    return make_error(Errc::Unavailable,
                      fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
  }
  latest_ = std::move(anchor);
  return ok();
}

Result<std::optional<AuditAnchor>> AnchorFile::latest_anchor() {
  std::lock_guard lock{mutex_};
  return latest_;
}

}  // namespace joldama::storage
