// The staff's inboxes: notices written in the transaction of the change they tell of.

#include <fmt/format.h>

#include "storage/row_mapping.hpp"
#include "storage/sqlite_store.hpp"

namespace joldama::storage {

using namespace rows;

namespace {

constexpr char const* kInsertNotice = R"sql(
INSERT INTO notifications (user_id, at, kind, referral_id) VALUES (?1, ?2, ?3, ?4)
)sql";
constexpr char const* kNoticeSummary = R"sql(
SELECT (SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL),
       (SELECT coalesce(max(id), 0) FROM notifications WHERE user_id = ?1)
)sql";
constexpr char const* kMarkRead = R"sql(
UPDATE notifications SET read_at = coalesce(read_at, ?3) WHERE id = ?2 AND user_id = ?1
)sql";
constexpr char const* kMarkAllRead = R"sql(
UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL
)sql";
constexpr char const* kDeadlinesToRemind = R"sql(
SELECT r.id FROM referrals AS r LEFT JOIN deadline_reminders AS d ON d.referral_id = r.id
WHERE r.deadline IS NOT NULL AND r.overdue_since IS NULL AND r.deadline >= ?1 AND r.deadline <= ?2
  AND (d.deadline IS NULL OR d.deadline <> r.deadline)
ORDER BY r.deadline LIMIT ?3
)sql";
constexpr char const* kMarkReminded = R"sql(
INSERT INTO deadline_reminders (referral_id, deadline) VALUES (?1, ?2)
ON CONFLICT (referral_id) DO UPDATE SET deadline = excluded.deadline
)sql";
constexpr char const* kDeleteNoticesOf = R"sql(
DELETE FROM notifications WHERE user_id = ?1
)sql";

}  // namespace

Result<std::vector<Id>> SqliteStore::active_staff(StaffQuery const& query) {
  std::string sql = "SELECT id FROM users WHERE role = ?1 AND disabled = 0 AND login <> ?2";
  int next = 3;
  if (!query.region.empty()) sql += fmt::format(" AND region = ?{}", next++);
  if (query.organization_id) sql += fmt::format(" AND organization_id = ?{}", next++);
  if (query.user_id) sql += fmt::format(" AND id = ?{}", next++);
  sql += " ORDER BY id";
  auto s = db_.prepare(sql);
  if (!s) return s.error();
  s->bind(1, to_string(query.role)).bind(2, query.except_login);
  int index = 3;
  if (!query.region.empty()) s->bind(index++, query.region);
  if (query.organization_id) s->bind(index++, *query.organization_id);
  if (query.user_id) s->bind(index++, *query.user_id);
  return collect_ids(*s);
}

Status SqliteStore::insert_notices(std::vector<Notice> const& notices) {
  for (auto const& n : notices) {
    auto s = db_.prepare(kInsertNotice);
    if (!s) return s.error();
    s->bind(1, n.user_id)
        .bind(2, to_millis(n.at))
        .bind(3, to_string(n.kind))
        .bind(4, n.referral_id);
    if (auto done = s->send(); !done) return done;
  }
  return ok();
}

Result<std::vector<NoticeListing>> SqliteStore::list_notices(Id user_id, bool unread_only,
                                                             std::optional<Id> before_id,
                                                             std::size_t limit) {
  std::string sql =
      "SELECT n.id, n.user_id, n.at, n.kind, n.referral_id, n.read_at, r.code "
      "FROM notifications AS n LEFT JOIN referrals AS r ON r.id = n.referral_id "
      "WHERE n.user_id = ?1";
  if (unread_only) sql += " AND n.read_at IS NULL";
  if (before_id) sql += " AND n.id < ?3";
  sql += " ORDER BY n.id DESC LIMIT ?2";
  auto s = db_.prepare(sql);
  if (!s) return s.error();
  s->bind(1, user_id).bind(2, static_cast<std::int64_t>(limit));
  if (before_id) s->bind(3, *before_id);
  return query_all<NoticeListing>(*s, [](Statement const& row) -> Result<NoticeListing> {
    auto kind = enum_column<NoticeKind>(row, 3, "notice kind");
    if (!kind) return kind.error();
    NoticeListing listing;
    listing.notice = Notice{row.int64(0),
                            row.int64(1),
                            from_millis(row.int64(2)),
                            *kind,
                            row.optional_int64(4),
                            optional_time(row, 5)};
    listing.referral_code = row.optional_text(6).value_or("");
    return listing;
  });
}

Result<NoticeSummary> SqliteStore::notice_summary(Id user_id) {
  auto found = query_one<NoticeSummary>(
      db_, kNoticeSummary, [&](Statement& s) { s.bind(1, user_id); },
      [](Statement const& row) -> Result<NoticeSummary> {
        return NoticeSummary{row.int64(0), row.int64(1)};
      });
  if (!found) return found.error();
  return found->value_or(NoticeSummary{});
}

Result<bool> SqliteStore::mark_notice_read(Id user_id, Id notice_id, Timestamp at) {
  auto s = db_.prepare(kMarkRead);
  if (!s) return s.error();
  s->bind(1, user_id).bind(2, notice_id).bind(3, to_millis(at));
  if (auto done = s->run(); !done) return done.error();
  return s->changes() > 0;
}

Status SqliteStore::mark_all_notices_read(Id user_id, Timestamp at) {
  auto s = db_.prepare(kMarkAllRead);
  if (!s) return s.error();
  s->bind(1, user_id).bind(2, to_millis(at));
  return s->run();
}

Result<std::vector<Id>> SqliteStore::deadlines_to_remind(Timestamp from, Timestamp until,
                                                         std::size_t limit) {
  auto s = db_.prepare(kDeadlinesToRemind);
  if (!s) return s.error();
  s->bind(1, to_millis(from)).bind(2, to_millis(until)).bind(3, static_cast<std::int64_t>(limit));
  return collect_ids(*s);
}

Status SqliteStore::mark_deadline_reminded(Id referral_id, Timestamp deadline) {
  auto s = db_.prepare(kMarkReminded);
  if (!s) return s.error();
  s->bind(1, referral_id).bind(2, to_millis(deadline));
  return s->run();
}

Status SqliteStore::delete_notices_of(Id user_id) {
  auto s = db_.prepare(kDeleteNoticesOf);
  if (!s) return s.error();
  s->bind(1, user_id);
  return s->run();
}

}  // namespace joldama::storage
