#pragma once
// The anchor file: signed checkpoints of the audit chain, one JSON line each,
// {"seq","hash","at","key_id","signature"}, appended every so many events and at shutdown. It
// lives outside the database, and an operator copies it off the machine (with the public key):
// a chain cut short after an anchor, or recomputed before one, then no longer matches it.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/audit_keys.hpp"
#include "storage/sqlite.hpp"
#include "workflow/ports.hpp"

namespace joldama::storage {

// The number the next event appended to `db`'s audit log will get.
Result<std::int64_t> next_audit_seq(Database& db);

// What an anchor's signature covers.
std::string anchor_message(AuditAnchor const& anchor);

struct NumberedAnchor {
  int line = 0;
  AuditAnchor anchor;
};
// Every anchor of the file, in order; Validation naming the line of one that cannot be read.
Result<std::vector<NumberedAnchor>> read_anchors(std::filesystem::path const& path);

class AnchorFile final : public AuditAnchors {
 public:
  // Appends to `path` (created readable by its owner only), signing with `keys`' current key,
  // an anchor each time the chain has grown by `every` events since the last one.
  static Result<std::unique_ptr<AnchorFile>> open(std::filesystem::path path,
                                                  AuditKeys const& keys, std::int64_t every);

  // After a commit on the writer's connection: anchors the newest event if the chain has grown
  // by `every` since the last anchor. `force` anchors any new event (at shutdown).
  Status after_commit(Database& db, bool force = false);

  Result<std::optional<AuditAnchor>> latest_anchor() override;

 private:
  AnchorFile(std::filesystem::path path, AuditKeys const& keys, std::int64_t every)
      : path_(std::move(path)), keys_(keys), every_(every) {}

  std::filesystem::path path_;
  AuditKeys const& keys_;
  std::int64_t every_;
  std::mutex mutex_;
  std::optional<AuditAnchor> latest_;
};

}  // namespace joldama::storage
