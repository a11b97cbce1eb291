#pragma once
// Versioned schema migrations, tracked in PRAGMA user_version. Each migration runs in its own
// transaction; a database newer than this program is refused rather than guessed at.

#include "storage/sqlite.hpp"

namespace joldama::storage {

// The schema version this program writes.
int schema_version();

// Brings `db` up to schema_version(). Unavailable when the file is newer than the program.
Status migrate(Database& db);

}  // namespace joldama::storage
