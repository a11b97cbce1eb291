#pragma once
// Versioned schema migrations, tracked in PRAGMA user_version. Each migration runs in its own
// transaction; a database newer than this program is refused rather than guessed at.

#include "storage/sqlite.hpp"

namespace joldama::storage {

// The schema version this program writes.
int schema_version();

// Brings `db` up to schema_version(). Unavailable when the file is newer than the program.
Status migrate(Database& db);

// Brings `db` up to `target` at most: a database as an older program left it (tests).
Status migrate(Database& db, int target);

}  // namespace joldama::storage
