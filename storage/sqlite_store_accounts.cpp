// Users, sessions, idempotency records and attachments.

#include "storage/row_mapping.hpp"
#include "storage/sqlite_store.hpp"

namespace joldama::storage {

using namespace rows;

namespace {

constexpr char const* kUserColumns = R"sql(
SELECT id, login, name, role, organization_id, region, locale, password_hash, disabled, created_at,
       must_change_password
FROM users
)sql";
constexpr char const* kFindUser = R"sql(
SELECT id, login, name, role, organization_id, region, locale, password_hash, disabled, created_at,
       must_change_password
FROM users WHERE id = ?1
)sql";
constexpr char const* kFindUserByLogin = R"sql(
SELECT id, login, name, role, organization_id, region, locale, password_hash, disabled, created_at,
       must_change_password
FROM users WHERE login = ?1
)sql";
constexpr char const* kInsertUser = R"sql(
INSERT INTO users (login, name, role, organization_id, region, locale, password_hash, disabled,
                   created_at, must_change_password)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
RETURNING id
)sql";
constexpr char const* kUpdateUser = R"sql(
UPDATE users SET name = ?2, role = ?3, organization_id = ?4, region = ?5, locale = ?6,
                 password_hash = ?7, disabled = ?8, must_change_password = ?10
WHERE id = ?1
)sql";
constexpr char const* kCountUsers = "SELECT count(*) FROM users";

constexpr char const* kInsertSession = R"sql(
INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";
constexpr char const* kFindSession = R"sql(
SELECT token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at
FROM sessions WHERE token_hash = ?1
)sql";
constexpr char const* kTouchSession = R"sql(
UPDATE sessions SET last_seen_at = <<sqlite: max>><<postgres: greatest>>(last_seen_at, ?2)
WHERE token_hash = ?1
)sql";
constexpr char const* kSetSessionCsrf = R"sql(
UPDATE sessions SET csrf_hash = ?2 WHERE token_hash = ?1
)sql";
constexpr char const* kDeleteSession = "DELETE FROM sessions WHERE token_hash = ?1";
constexpr char const* kDeleteSessionsOf = "DELETE FROM sessions WHERE user_id = ?1";
constexpr char const* kDeleteOtherSessions =
    "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2";
constexpr char const* kDeleteStaleSessions = R"sql(
DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2
)sql";

constexpr char const* kListLoginFailures = R"sql(
SELECT key, failures, first_at, last_at FROM login_failures WHERE last_at > ?1
)sql";
constexpr char const* kFindLoginFailures = R"sql(
SELECT key, failures, first_at, last_at FROM login_failures WHERE key = ?1
)sql";
constexpr char const* kSaveLoginFailures = R"sql(
INSERT INTO login_failures (key, failures, first_at, last_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (key) DO UPDATE
SET failures = excluded.failures, first_at = excluded.first_at, last_at = excluded.last_at
)sql";
constexpr char const* kDeleteLoginFailures = "DELETE FROM login_failures WHERE key = ?1";
constexpr char const* kDeleteOldLoginFailures = "DELETE FROM login_failures WHERE last_at < ?1";

constexpr char const* kDeleteOldIdempotency = R"sql(
DELETE FROM idempotency_keys WHERE (user_id, key) IN (
  SELECT user_id, key FROM idempotency_keys WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)
)sql";

constexpr char const* kFindIdempotency = R"sql(
SELECT user_id, key, request_hash, response, created_at
FROM idempotency_keys WHERE user_id = ?1 AND key = ?2
)sql";
constexpr char const* kInsertIdempotency = R"sql(
INSERT INTO idempotency_keys (user_id, key, request_hash, response, created_at)
VALUES (?1, ?2, ?3, ?4, ?5)
)sql";

constexpr char const* kInsertAttachment = R"sql(
INSERT INTO attachments (referral_id, filename, content_type, size, sha256, bytes, uploaded_by,
                         uploaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
RETURNING id
)sql";
constexpr char const* kListAttachments = R"sql(
SELECT id, referral_id, filename, content_type, size, sha256, uploaded_by, uploaded_at
FROM attachments WHERE referral_id = ?1 ORDER BY id
)sql";
constexpr char const* kFindAttachment = R"sql(
SELECT id, referral_id, filename, content_type, size, sha256, uploaded_by, uploaded_at, bytes
FROM attachments WHERE referral_id = ?1 AND id = ?2
)sql";

void bind_user(Statement& s, User const& u) {
  // Parameters 2..8 are the same in the INSERT and the UPDATE.
  s.bind(2, u.name).bind(3, to_string(u.role)).bind(4, u.organization_id);
  if (u.region.empty()) {
    s.bind_null(5);
  } else {
    s.bind(5, u.region);
  }
  s.bind(6, to_string(u.locale)).bind(7, u.password_hash).bind(8, u.disabled ? 1 : 0);
  s.bind(10, u.must_change_password ? 1 : 0);
}

Result<Session> read_session(Statement const& row) {
  return Session{row.text(0),
                 row.int64(1),
                 row.text(2),
                 from_millis(row.int64(3)),
                 from_millis(row.int64(4)),
                 from_millis(row.int64(5))};
}

Result<AttachmentInfo> read_attachment_info(Statement const& row) {
  return AttachmentInfo{row.int64(0), row.int64(1), row.text(2),  row.text(3),
                        row.int64(4), row.text(5),  row.int64(6), from_millis(row.int64(7))};
}

}  // namespace

// --- users -------------------------------------------------------------------------------------

Result<std::optional<User>> SqliteStore::find_user(Id id) {
  return query_one<User>(
      db_, kFindUser, [&](Statement& s) { s.bind(1, id); }, read_user);
}

Result<std::optional<User>> SqliteStore::find_user_by_login(std::string_view login) {
  return query_one<User>(
      db_, kFindUserByLogin, [&](Statement& s) { s.bind(1, login); }, read_user);
}

Result<Id> SqliteStore::insert_user(User const& user) {
  auto s = db_.prepare(kInsertUser);
  if (!s) return s.error();
  s->bind(1, user.login);
  bind_user(*s, user);
  s->bind(9, to_millis(user.created_at));
  return single_int64(*s);
}

Status SqliteStore::update_user(User const& user) {
  auto s = db_.prepare(kUpdateUser);
  if (!s) return s.error();
  s->bind(1, user.id);
  bind_user(*s, user);
  if (auto done = s->run(); !done) return done;
  if (s->changes() == 0) return make_error(Errc::NotFound, "no such user");
  return ok();
}

Result<std::vector<User>> SqliteStore::list_users() {
  auto s = db_.prepare(std::string{kUserColumns} + " ORDER BY login");
  if (!s) return s.error();
  return query_all<User>(*s, read_user);
}

Result<std::int64_t> SqliteStore::count_users() {
  auto count = query_one<std::int64_t>(
      db_, kCountUsers, [](Statement&) {},
      [](Statement const& row) -> Result<std::int64_t> { return row.int64(0); });
  if (!count) return count.error();
  return count->value_or(0);
}

// --- sessions ----------------------------------------------------------------------------------

Status SqliteStore::insert_session(Session const& session) {
  auto s = db_.prepare(kInsertSession);
  if (!s) return s.error();
  s->bind(1, session.token_hash)
      .bind(2, session.user_id)
      .bind(3, session.csrf_hash)
      .bind(4, to_millis(session.created_at))
      .bind(5, to_millis(session.last_seen_at))
      .bind(6, to_millis(session.expires_at));
  return s->run();
}

Result<std::optional<Session>> SqliteStore::find_session(std::string_view token_hash) {
  return query_one<Session>(
      db_, kFindSession, [&](Statement& s) { s.bind(1, token_hash); }, read_session);
}

Status SqliteStore::touch_session(std::string_view token_hash, Timestamp at) {
  auto s = db_.prepare(kTouchSession);
  if (!s) return s.error();
  s->bind(1, token_hash).bind(2, to_millis(at));
  return s->run();
}

Status SqliteStore::set_session_csrf(std::string_view token_hash, std::string_view csrf_hash) {
  auto s = db_.prepare(kSetSessionCsrf);
  if (!s) return s.error();
  s->bind(1, token_hash).bind(2, csrf_hash);
  return s->run();
}

Status SqliteStore::delete_session(std::string_view token_hash) {
  auto s = db_.prepare(kDeleteSession);
  if (!s) return s.error();
  s->bind(1, token_hash);
  return s->run();
}

Status SqliteStore::delete_sessions_of(Id user_id) {
  auto s = db_.prepare(kDeleteSessionsOf);
  if (!s) return s.error();
  s->bind(1, user_id);
  return s->run();
}

Status SqliteStore::delete_other_sessions(Id user_id, std::string_view keep_token_hash) {
  auto s = db_.prepare(kDeleteOtherSessions);
  if (!s) return s.error();
  s->bind(1, user_id).bind(2, keep_token_hash);
  return s->run();
}

Result<std::int64_t> SqliteStore::delete_stale_sessions(Timestamp now, Timestamp idle_before) {
  auto s = db_.prepare(kDeleteStaleSessions);
  if (!s) return s.error();
  s->bind(1, to_millis(now)).bind(2, to_millis(idle_before));
  if (auto done = s->run(); !done) return done.error();
  return s->changes();
}

// --- the sign-in throttle ---------------------------------------------------------------------

Result<std::vector<LoginFailures>> SqliteStore::list_login_failures(Timestamp since) {
  auto s = db_.prepare(kListLoginFailures);
  if (!s) return s.error();
  s->bind(1, to_millis(since));
  return query_all<LoginFailures>(*s, [](Statement const& row) -> Result<LoginFailures> {
    return LoginFailures{row.text(0), row.int32(1), from_millis(row.int64(2)),
                         from_millis(row.int64(3))};
  });
}

Result<std::vector<LoginFailures>> SqliteStore::find_login_failures(
    std::vector<std::string> const& keys) {
  std::vector<LoginFailures> found;
  for (auto const& key : keys) {
    auto s = db_.prepare(kFindLoginFailures);
    if (!s) return s.error();
    s->bind(1, key);
    auto row = s->step();
    if (!row) return row.error();
    if (*row) {
      found.push_back(LoginFailures{s->text(0), s->int32(1), from_millis(s->int64(2)),
                                    from_millis(s->int64(3))});
    }
  }
  return found;
}

Status SqliteStore::save_login_failures(LoginFailures const& failures) {
  auto s = db_.prepare(kSaveLoginFailures);
  if (!s) return s.error();
  s->bind(1, failures.key)
      .bind(2, failures.failures)
      .bind(3, to_millis(failures.first_at))
      .bind(4, to_millis(failures.last_at));
  return s->run();
}

Status SqliteStore::delete_login_failures(std::string_view key) {
  auto s = db_.prepare(kDeleteLoginFailures);
  if (!s) return s.error();
  s->bind(1, key);
  return s->run();
}

Result<std::int64_t> SqliteStore::delete_login_failures_before(Timestamp before) {
  auto s = db_.prepare(kDeleteOldLoginFailures);
  if (!s) return s.error();
  s->bind(1, to_millis(before));
  if (auto done = s->run(); !done) return done.error();
  return s->changes();
}

// --- idempotency -------------------------------------------------------------------------------

Result<std::optional<IdempotencyRecord>> SqliteStore::find_idempotency(Id user_id,
                                                                       std::string_view key) {
  return query_one<IdempotencyRecord>(
      db_, kFindIdempotency, [&](Statement& s) { s.bind(1, user_id).bind(2, key); },
      [](Statement const& row) -> Result<IdempotencyRecord> {
        return IdempotencyRecord{row.int64(0), row.text(1), row.text(2), row.text(3),
                                 from_millis(row.int64(4))};
      });
}

Status SqliteStore::insert_idempotency(IdempotencyRecord const& record) {
  auto s = db_.prepare(kInsertIdempotency);
  if (!s) return s.error();
  s->bind(1, record.user_id)
      .bind(2, record.key)
      .bind(3, record.request_hash)
      .bind(4, record.response)
      .bind(5, to_millis(record.created_at));
  return s->run();
}

Result<std::int64_t> SqliteStore::delete_idempotency_before(Timestamp before, int limit) {
  auto s = db_.prepare(kDeleteOldIdempotency);
  if (!s) return s.error();
  s->bind(1, to_millis(before)).bind(2, limit);
  if (auto done = s->run(); !done) return done.error();
  return s->changes();
}

// --- attachments -------------------------------------------------------------------------------

Result<Id> SqliteStore::insert_attachment(Attachment const& attachment) {
  auto const& info = attachment.info;
  auto s = db_.prepare(kInsertAttachment);
  if (!s) return s.error();
  s->bind(1, info.referral_id)
      .bind(2, info.filename)
      .bind(3, info.content_type)
      .bind(4, info.size)
      .bind(5, info.sha256)
      .bind_blob(6, attachment.bytes)
      .bind(7, info.uploaded_by)
      .bind(8, to_millis(info.uploaded_at));
  return single_int64(*s);
}

Result<std::vector<AttachmentInfo>> SqliteStore::list_attachments(Id referral_id) {
  auto s = db_.prepare(kListAttachments);
  if (!s) return s.error();
  s->bind(1, referral_id);
  return query_all<AttachmentInfo>(*s, read_attachment_info);
}

Result<std::optional<Attachment>> SqliteStore::find_attachment(Id referral_id, Id attachment_id) {
  return query_one<Attachment>(
      db_, kFindAttachment, [&](Statement& s) { s.bind(1, referral_id).bind(2, attachment_id); },
      [](Statement const& row) -> Result<Attachment> {
        auto info = read_attachment_info(row);
        if (!info) return info.error();
        return Attachment{std::move(*info), row.blob(8)};
      });
}

}  // namespace joldama::storage
