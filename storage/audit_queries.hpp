#pragma once
// How a referral's audit events are found (migrations 5 and 7): its reads through audit_reads,
// by partition of kReadPartitionEvents events, everything else through audit_history. The
// partition expression must be written exactly as in the index for the planner to use it;
// tests/storage/audit_queries_test.cpp checks that each statement is answered by its index.
// No index holds all of a referral's events: a query by referral_id that does not say whether
// it wants reads (`action IN (…reads)`) or the rest (`action NOT IN (…reads)`) scans the log.

#include <cstdint>

namespace joldama::storage::audit_queries {

inline constexpr std::int64_t kReadPartitionEvents = 1048576;

inline constexpr char const* kReferralEventsBefore = R"sql(
SELECT seq FROM audit
WHERE referral_id = ?1 AND action NOT IN ('read_referral', 'read_attachment') AND seq < ?2
ORDER BY seq DESC LIMIT ?3
)sql";

inline constexpr char const* kReferralReadsInPartitionBefore = R"sql(
SELECT seq FROM audit
WHERE seq / 1048576 = ?1 AND referral_id = ?2 AND action IN ('read_referral', 'read_attachment')
  AND seq < ?3
ORDER BY seq DESC LIMIT ?4
)sql";

// A referral is read only after it was registered, an event audit_history holds.
inline constexpr char const* kReferralFirstEvent = R"sql(
SELECT min(seq) FROM audit
WHERE referral_id = ?1 AND action NOT IN ('read_referral', 'read_attachment')
)sql";

inline constexpr char const* kLastEvent = "SELECT max(seq) FROM audit";

inline constexpr char const* kEventBySeq = R"sql(
SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash FROM audit WHERE seq = ?1
)sql";

}  // namespace joldama::storage::audit_queries
