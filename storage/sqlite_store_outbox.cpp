// The outbox of messages to patients, and the retention of notices and of delivered messages.

#include <fmt/format.h>

#include "storage/row_mapping.hpp"
#include "storage/sqlite_store.hpp"

namespace joldama::storage {

using namespace rows;

namespace {

constexpr char const* kMessageColumns =
    "id, created_at, patient_id, referral_id, channel, recipient, kind, language, subject, body, "
    "idempotency_key, state, attempts, next_attempt_at, last_error, sent_at";

constexpr char const* kInsertMessage = R"sql(
INSERT INTO outbox (created_at, patient_id, referral_id, channel, recipient, kind, language,
                    subject, body, idempotency_key, state, attempts, next_attempt_at, last_error,
                    sent_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (idempotency_key) DO NOTHING
)sql";
constexpr char const* kSaveDelivery = R"sql(
UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, sent_at = ?6
WHERE id = ?1
)sql";
// INDEXED BY: SQLite's planner would take the state index and sort every message ever sent.
constexpr char const* kDeleteSentBefore = R"sql(
DELETE FROM outbox WHERE id IN (
  SELECT id FROM outbox <<sqlite: INDEXED BY outbox_sent_by_age>>
  WHERE state = 'sent' AND sent_at < ?1 ORDER BY sent_at LIMIT ?2)
)sql";
constexpr char const* kDeleteNoticesBefore = R"sql(
DELETE FROM notifications WHERE id IN (
  SELECT id FROM notifications WHERE at < ?1 ORDER BY at LIMIT ?2)
)sql";
constexpr char const* kAdmissionsToRemind = R"sql(
SELECT r.id FROM referrals AS r LEFT JOIN admission_reminders AS a ON a.referral_id = r.id
WHERE r.state = 'scheduled' AND r.planned_date = ?1 AND (a.day IS NULL OR a.day <> ?1)
ORDER BY r.id LIMIT ?2
)sql";
constexpr char const* kMarkAdmissionReminded = R"sql(
INSERT INTO admission_reminders (referral_id, day) VALUES (?1, ?2)
ON CONFLICT (referral_id) DO UPDATE SET day = excluded.day
)sql";

Result<OutboxMessage> read_message(Statement const& row) {
  OutboxMessage m;
  m.id = row.int64(0);
  m.created_at = from_millis(row.int64(1));
  m.patient_id = row.int64(2);
  m.referral_id = row.optional_int64(3);
  auto channel = enum_column<Channel>(row, 4, "outbox channel");
  if (!channel) return channel.error();
  m.channel = *channel;
  m.recipient = row.text(5);
  auto kind = enum_column<MessageKind>(row, 6, "outbox kind");
  if (!kind) return kind.error();
  m.kind = *kind;
  auto language = enum_column<Locale>(row, 7, "outbox language");
  if (!language) return language.error();
  m.language = *language;
  m.subject = row.text(8);
  m.body = row.text(9);
  m.idempotency_key = row.text(10);
  auto state = enum_column<DeliveryState>(row, 11, "outbox state");
  if (!state) return state.error();
  m.state = *state;
  m.attempts = static_cast<int>(row.int64(12));
  m.next_attempt_at = from_millis(row.int64(13));
  m.last_error = row.text(14);
  m.sent_at = optional_time(row, 15);
  return m;
}

}  // namespace

Status SqliteStore::insert_messages(std::vector<OutboxMessage> const& messages) {
  for (auto const& m : messages) {
    auto s = db_.prepare(kInsertMessage);
    if (!s) return s.error();
    s->bind(1, to_millis(m.created_at))
        .bind(2, m.patient_id)
        .bind(3, m.referral_id)
        .bind(4, to_string(m.channel))
        .bind(5, m.recipient)
        .bind(6, to_string(m.kind))
        .bind(7, to_string(m.language))
        .bind(8, m.subject)
        .bind(9, m.body)
        .bind(10, m.idempotency_key)
        .bind(11, to_string(m.state))
        .bind(12, static_cast<std::int64_t>(m.attempts))
        .bind(13, to_millis(m.next_attempt_at))
        .bind(14, m.last_error)
        .bind(15, optional_millis(m.sent_at));
    if (auto done = s->send(); !done) return done;
  }
  return ok();
}

Result<std::vector<OutboxMessage>> SqliteStore::due_messages(Timestamp now,
                                                             EnumSet<Channel> channels,
                                                             std::size_t limit) {
  std::string names;
  for (Channel channel : all_values<Channel>()) {
    if (!channels.contains(channel)) continue;
    names += fmt::format("{}'{}'", names.empty() ? "" : ", ", to_string(channel));
  }
  if (names.empty()) return std::vector<OutboxMessage>{};
  // The channel names are the enum's own constant texts, never input.
  auto s = db_.prepare(fmt::format(
      "SELECT {} FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at <= ?1 "
      "AND channel IN ({}) ORDER BY next_attempt_at, id LIMIT ?2",
      kMessageColumns, names));
  if (!s) return s.error();
  s->bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
  return query_all<OutboxMessage>(*s, read_message);
}

Result<std::optional<OutboxMessage>> SqliteStore::find_message(Id id) {
  return query_one<OutboxMessage>(
      db_, fmt::format("SELECT {} FROM outbox WHERE id = ?1", kMessageColumns),
      [&](Statement& s) { s.bind(1, id); }, read_message);
}

Status SqliteStore::save_delivery(OutboxMessage const& m) {
  auto s = db_.prepare(kSaveDelivery);
  if (!s) return s.error();
  s->bind(1, m.id)
      .bind(2, to_string(m.state))
      .bind(3, static_cast<std::int64_t>(m.attempts))
      .bind(4, to_millis(m.next_attempt_at))
      .bind(5, m.last_error)
      .bind(6, optional_millis(m.sent_at));
  if (auto done = s->run(); !done) return done;
  if (s->changes() == 0) return make_error(Errc::NotFound, "no such message");
  return ok();
}

Result<std::vector<OutboxMessage>> SqliteStore::list_messages(std::optional<DeliveryState> state,
                                                              std::optional<Id> before_id,
                                                              std::size_t limit) {
  std::string sql = fmt::format("SELECT {} FROM outbox WHERE TRUE", kMessageColumns);
  if (state) sql += " AND state = ?2";
  if (before_id) sql += " AND id < ?3";
  sql += " ORDER BY id DESC LIMIT ?1";
  auto s = db_.prepare(sql);
  if (!s) return s.error();
  s->bind(1, static_cast<std::int64_t>(limit));
  if (state) s->bind(2, to_string(*state));
  if (before_id) s->bind(3, *before_id);
  return query_all<OutboxMessage>(*s, read_message);
}

Result<std::int64_t> SqliteStore::delete_sent_messages_before(Timestamp before,
                                                              std::size_t limit) {
  auto s = db_.prepare(kDeleteSentBefore);
  if (!s) return s.error();
  s->bind(1, to_millis(before)).bind(2, static_cast<std::int64_t>(limit));
  if (auto done = s->run(); !done) return done.error();
  return static_cast<std::int64_t>(s->changes());
}

Result<std::int64_t> SqliteStore::delete_notices_before(Timestamp before, std::size_t limit) {
  auto s = db_.prepare(kDeleteNoticesBefore);
  if (!s) return s.error();
  s->bind(1, to_millis(before)).bind(2, static_cast<std::int64_t>(limit));
  if (auto done = s->run(); !done) return done.error();
  return static_cast<std::int64_t>(s->changes());
}

Result<std::vector<Id>> SqliteStore::admissions_to_remind(Date day, std::size_t limit) {
  auto s = db_.prepare(kAdmissionsToRemind);
  if (!s) return s.error();
  s->bind(1, format_date(day)).bind(2, static_cast<std::int64_t>(limit));
  return collect_ids(*s);
}

Status SqliteStore::mark_admission_reminded(Id referral_id, Date day) {
  auto s = db_.prepare(kMarkAdmissionReminded);
  if (!s) return s.error();
  s->bind(1, referral_id).bind(2, format_date(day));
  return s->run();
}

}  // namespace joldama::storage
