#pragma once
// Consistent online backup: a copy of the database as of one moment, taken while the server
// keeps writing.

#include <filesystem>

#include "workflow/result.hpp"

namespace joldama::storage {

struct BackupReport {
  int pages = 0;
};

// Copies `source` to `destination` with SQLite's backup API, through a temporary file renamed
// into place only when the copy is complete and passes an integrity check. Refuses to overwrite
// an existing destination (Duplicate).
Result<BackupReport> backup_database(std::filesystem::path const& source,
                                     std::filesystem::path const& destination);

}  // namespace joldama::storage
