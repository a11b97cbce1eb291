#pragma once
// Consistent online backup: a copy of the database as of one moment, taken while the servers
// keep writing. SQLite's with its backup API, into a file that is itself a database; PostgreSQL's
// with its own tool, pg_dump (custom format, one snapshot), which pg_restore reads back:
//
//   pg_restore --dbname=postgresql://…/new_database FILE

#include <cstdint>
#include <filesystem>
#include <string>

#include "workflow/result.hpp"

namespace joldama::storage {

struct BackupReport {
  std::int64_t pages = 0;  // SQLite: the pages copied
  std::int64_t bytes = 0;  // the size of the copy
};

// Copies `source` to `destination`, through a temporary file renamed into place only when the
// copy is complete and checked (SQLite: its integrity check; PostgreSQL: pg_restore can list
// it). Refuses to overwrite an existing destination (Duplicate). `source` is a SQLite file or a
// PostgreSQL URI.
Result<BackupReport> backup_database(std::string const& source,
                                     std::filesystem::path const& destination);

}  // namespace joldama::storage
