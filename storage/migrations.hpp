#pragma once
// Versioned schema migrations for both engines, forward only. A new database is made with the
// baseline (storage/schema.hpp), then every migration after it; a SQLite file older than the
// baseline reaches it through its own history first. The version is PRAGMA user_version in
// SQLite, the table schema_version in PostgreSQL. Each migration runs in its own transaction;
// a database newer than this program is refused rather than guessed at. On PostgreSQL, servers
// starting together migrate one at a time (an advisory lock), each finding what the other did.

#include "storage/database.hpp"

namespace joldama::storage {

// The schema version this program writes.
int schema_version();

// The version `db` is at: 0 for a database with nothing in it.
Result<int> stored_schema_version(Database& db);

// Brings `db` up to schema_version(). Unavailable when the database is newer than the program.
Status migrate(Database& db);

// Brings `db` up to `target` at most: a database as an older program left it (tests). A new
// SQLite database below the baseline is made through the history.
Status migrate(Database& db, int target);

}  // namespace joldama::storage
