#pragma once
// Where the bureau's data lives, named once: a libpq URI (postgresql://…) for PostgreSQL, or the
// path of a SQLite file, the embedded default. The program's start-up, its tools and the tests
// open whichever it names through these, and never ask which themselves.

#include <cstddef>
#include <memory>
#include <string>

#include "storage/database.hpp"
#include "storage/read_pool.hpp"
#include "storage/writer.hpp"

namespace joldama::storage {

// Whether `location` names a PostgreSQL database rather than a SQLite file.
bool names_postgres(std::string const& location);

// The writer of the database at `location`, migrated and started.
Result<std::unique_ptr<Writer>> open_writer(std::string const& location,
                                            WriterOptions options = {});

// `connections` read-only connections to the migrated database at `location`.
Result<std::unique_ptr<ReadPool>> open_read_pool(std::string const& location,
                                                 std::size_t connections,
                                                 AuditKeys const* keys = nullptr);

// One connection to the database at `location` (a SQLite file is created if missing, and
// opened to read and write, or to read only).
enum class Access { ReadWrite, ReadOnly };
Result<std::unique_ptr<Database>> connect(std::string const& location,
                                          Access access = Access::ReadWrite);

}  // namespace joldama::storage
