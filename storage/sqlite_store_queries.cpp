// Reads for worklists, lookups and reports.

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <tuple>
#include <variant>

#include "storage/audit_queries.hpp"
#include "storage/row_mapping.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/validation.hpp"

namespace joldama::storage {

using namespace rows;
using namespace audit_queries;

namespace {

// The referral's columns prefixed for joins, then the names a worklist shows beside them.
constexpr std::string_view kListingSelect = R"sql(
SELECT r.id, r.code, r.state, r.version, r.patient_id, r.patient_iin, r.patient_region, r.icd10,
       r.profile, r.urgency, r.care_form, r.justification, r.referring_organization_id,
       r.created_by, r.created_at, r.updated_at, r.state_since, r.deadline, r.paused_working_days,
       r.overdue_since, r.decision_mode, r.protocol, r.exam_at, r.exam_place, r.quota_period,
       r.quota_region, r.quota_profile, r.quota_holding, r.waitlisted_at, r.hospital_id,
       r.talon_number, r.talon_issued_at, r.talon_valid_until, r.planned_date, r.case_number,
       r.abroad_clinic, r.abroad_country, r.outcome, r.final_icd10, r.route, r.booking_date,
       r.place_held, p.last_name, p.first_name, p.middle_name, o.name, h.name
FROM referrals AS r
JOIN patients AS p ON p.id = r.patient_id
JOIN organizations AS o ON o.id = r.referring_organization_id
LEFT JOIN organizations AS h ON h.id = r.hospital_id
)sql";
constexpr int kListingNames = 42;  // the index of p.last_name

constexpr char const* kFindReferralByCode = R"sql(
SELECT id FROM referrals WHERE code = ?1
)sql";
constexpr char const* kPatientInCareOf = R"sql(
SELECT EXISTS (SELECT 1 FROM referrals WHERE patient_id = ?1 AND referring_organization_id = ?2)
    OR EXISTS (SELECT 1 FROM patient_accesses WHERE patient_id = ?1 AND organization_id = ?2)
)sql";
constexpr char const* kListPatientAccesses = R"sql(
SELECT a.id, a.at, a.user_id, a.organization_id, a.patient_id, a.reason, u.login, u.name, o.name,
       coalesce(p.iin, ''), coalesce(p.last_name || ' ' || p.first_name || ' ' || p.middle_name, '')
FROM patient_accesses AS a
JOIN users AS u ON u.id = a.user_id
JOIN organizations AS o ON o.id = a.organization_id
LEFT JOIN patients AS p ON p.id = a.patient_id
WHERE a.id < ?1
ORDER BY a.id DESC LIMIT ?2
)sql";
constexpr char const* kPatientAddressedTo = R"sql(
SELECT EXISTS (SELECT 1 FROM referrals WHERE patient_id = ?1 AND addressed_to = ?2)
)sql";
// The reads are left out with the same condition as the partial index audit_history, which
// holds every column of the audit asked for here: a referral's history is one short range of
// that index, and each actor's name and organization one lookup by the unique login.
constexpr char const* kReferralHistory = R"sql(
SELECT a.at, a.actor, a.role, a.action, a.detail, u.name, o.name
FROM audit a
LEFT JOIN users u ON u.login = a.actor
LEFT JOIN organizations o ON o.id = u.organization_id
WHERE a.referral_id = ?1 AND a.action NOT IN ('read_referral', 'read_attachment')
ORDER BY a.seq LIMIT 10000
)sql";
constexpr char const* kListProfiles = R"sql(
SELECT code, name_kk, name_ru, name_en FROM profiles ORDER BY position, code
)sql";

// WHERE clauses assembled from fixed fragments; every value is a bound parameter.
class Conditions {
 public:
  Conditions& add(std::string_view clause) {
    clauses_.emplace_back(clause);
    return *this;
  }
  template <class T>
  Conditions& with(T value) {
    if constexpr (std::is_integral_v<T>) {
      params_.emplace_back(static_cast<std::int64_t>(value));
    } else {
      params_.emplace_back(std::string{value});
    }
    return *this;
  }
  std::string sql() const {
    std::string out;
    for (std::size_t i = 0; i < clauses_.size(); ++i) {
      out += i == 0 ? " WHERE " : " AND ";
      out += clauses_[i];
    }
    return out;
  }
  void bind(Statement& s, int first = 1) const {
    int index = first;
    for (auto const& p : params_) {
      std::visit([&](auto const& v) { s.bind(index++, v); }, p);
    }
  }
  int count() const { return static_cast<int>(params_.size()); }

 private:
  std::vector<std::string> clauses_;
  std::vector<std::variant<std::int64_t, std::string>> params_;
};

// An order by one column of its own (see key_in_order), the id breaking ties; none for the
// worklist's and the states' orders, which read queues.
struct KeyedOrder {
  std::string_view column;
  bool descending = false;
};

std::optional<KeyedOrder> keyed_order(ListOrder order) {
  switch (order) {
    case ListOrder::Worklist:
    case ListOrder::State: return std::nullopt;
    case ListOrder::Deadline: return KeyedOrder{"r.due_key", false};
    case ListOrder::DeadlineDescending: return KeyedOrder{"r.due_key", true};
    case ListOrder::Created: return KeyedOrder{"r.created_at", false};
    case ListOrder::CreatedDescending: return KeyedOrder{"r.created_at", true};
  }
  return std::nullopt;
}

Conditions referral_conditions(ReferralFilter const& f, bool with_cursor) {
  Conditions where;
  if (f.referring_organization_id) {
    where.add("r.referring_organization_id = ?").with(*f.referring_organization_id);
  }
  if (f.patient_region_scope) where.add("r.patient_region = ?").with(*f.patient_region_scope);
  if (f.addressed_hospital_id) where.add("r.addressed_to = ?").with(*f.addressed_hospital_id);
  if (!f.states.empty()) {
    std::string clause = "r.state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      clause += i == 0 ? "?" : ", ?";
      where.with(to_string(f.states[i]));
    }
    where.add(clause + ")");
  }
  if (!f.profile.empty()) where.add("r.profile = ?").with(f.profile);
  if (!f.region.empty()) where.add("r.patient_region = ?").with(f.region);
  if (f.overdue_at)
    where.add("r.deadline IS NOT NULL AND r.deadline < ?").with(to_millis(*f.overdue_at));
  if (f.due_from) where.add("r.deadline >= ?").with(to_millis(*f.due_from));
  if (f.due_before) where.add("r.deadline < ?").with(to_millis(*f.due_before));
  if (f.state_since_from) where.add("r.state_since >= ?").with(to_millis(*f.state_since_from));
  if (f.created_from) where.add("r.created_at >= ?").with(to_millis(*f.created_from));
  if (f.created_before) where.add("r.created_at < ?").with(to_millis(*f.created_before));
  switch (f.search) {
    case SearchKind::None: break;
    // Codes and IINs hold only digits and dashes, so a prefix cannot contain a wildcard.
    case SearchKind::CodePrefix: where.add("r.code LIKE ?").with(f.search_text + "%"); break;
    case SearchKind::IinPrefix: where.add("r.patient_iin LIKE ?").with(f.search_text + "%"); break;
    case SearchKind::Name: where.add("<<sqlite: instr>><<postgres: strpos>>(p.search_name, ?) > 0").with(f.search_text); break;
  }
  if (f.created_by) where.add("r.created_by = ?").with(*f.created_by);
  if (!f.protocol.empty()) where.add("r.protocol = ?").with(f.protocol);
  if (with_cursor && f.after) {
    if (auto const keyed = keyed_order(f.order)) {
      where.add(fmt::format("({}, r.id) {} (?, ?)", keyed->column, keyed->descending ? "<" : ">"))
          .with(f.after->key)
          .with(f.after->id);
    } else {
      // The worklist's order; in State order, within the cursor's state (see list_referrals).
      where.add("(r.urgency_rank, r.state_since, r.id) > (?, ?, ?)")
          .with(f.after->urgency_rank)
          .with(f.after->state_since_millis)
          .with(f.after->id);
    }
  }
  return where;
}

Result<ReferralListing> read_listing(Statement const& row) {
  auto referral = read_referral(row);
  if (!referral) return referral.error();
  ReferralListing listing;
  listing.referral = std::move(*referral);
  listing.patient_name = row.text(kListingNames) + " " + row.text(kListingNames + 1);
  if (auto middle = row.text(kListingNames + 2); !middle.empty()) {
    listing.patient_name += " " + middle;
  }
  listing.referring_organization_name = row.text(kListingNames + 3);
  listing.hospital_name = row.optional_text(kListingNames + 4).value_or("");
  return listing;
}

Result<bool> exists(Database& db, char const* sql, Id a, Id b) {
  auto found = query_one<bool>(
      db, sql, [&](Statement& s) { s.bind(1, a).bind(2, b); },
      [](Statement const& row) -> Result<bool> { return row.int64(0) != 0; });
  if (!found) return found.error();
  return found->value_or(false);
}

}  // namespace

Result<std::vector<Organization>> SqliteStore::list_organizations(
    OrganizationFilter const& filter) {
  Conditions where;
  if (filter.kind) where.add("o.kind = ?").with(to_string(*filter.kind));
  if (filter.level) where.add("o.level = ?").with(to_string(*filter.level));
  if (!filter.profile.empty()) {
    where
        .add("EXISTS (SELECT 1 FROM organization_profiles AS op "
             "WHERE op.organization_id = o.id AND op.profile = ?)")
        .with(filter.profile);
  }
  if (filter.route) {
    where.add(*filter.route == Route::Planned ? "o.accepts_planned = 1"
                                              : "o.accepts_high_tech = 1");
  }
  auto s = db_.prepare(fmt::format("SELECT {} FROM organizations AS o{} ORDER BY o.name, o.id",
                                   kOrganizationColumns, where.sql()));
  if (!s) return s.error();
  where.bind(*s);
  return query_all<Organization>(*s, [](Statement const& row) { return read_organization(row); });
}

Result<std::vector<PlaceListing>> SqliteStore::list_places(PlaceFilter const& filter) {
  // Only what can be booked: places of a profile the hospital treats, at a hospital that takes
  // planned patients.
  Conditions where;
  where.add("pl.date >= ?").with(format_date(filter.from));
  where.add("pl.date < ?").with(format_date(filter.from + std::chrono::days{filter.days}));
  where.add("o.accepts_planned = 1");
  where.add(
      "EXISTS (SELECT 1 FROM organization_profiles AS op "
      "WHERE op.organization_id = o.id AND op.profile = pl.profile)");
  if (!filter.profile.empty()) where.add("pl.profile = ?").with(filter.profile);
  if (!filter.region.empty()) where.add("o.region = ?").with(filter.region);
  if (filter.hospital_id) where.add("pl.hospital_id = ?").with(*filter.hospital_id);
  if (filter.only_free) where.add("pl.booked < pl.capacity");
  // A region or a hospital names few hospitals: start from them and take each one's days by the
  // primary key (SQLite's CROSS JOIN fixes that order); else start from the days of the profile.
  bool const by_hospital = !filter.region.empty() || filter.hospital_id.has_value();
  auto s = db_.prepare(fmt::format(
      "SELECT pl.hospital_id, pl.profile, pl.date, pl.capacity, pl.booked, {} FROM {}{} "
      "ORDER BY pl.date, o.region, o.name, pl.hospital_id, pl.profile LIMIT ?",
      kOrganizationColumnsWithoutProfiles,
      by_hospital ? "organizations AS o <<sqlite: CROSS>> JOIN places AS pl ON pl.hospital_id = o.id"
                  : "places AS pl JOIN organizations AS o ON o.id = pl.hospital_id",
      where.sql()));
  if (!s) return s.error();
  where.bind(*s);
  s->bind(where.count() + 1, static_cast<std::int64_t>(filter.limit));
  return query_all<PlaceListing>(*s, [](Statement const& row) -> Result<PlaceListing> {
    auto const date = parse_date(row.text(2));
    if (!date) return corrupt("places date", row.text(2));
    auto hospital = read_organization(row, 5);
    if (!hospital) return hospital.error();
    return PlaceListing{Places{{row.int64(0), row.text(1), *date}, row.int32(3), row.int32(4)},
                        std::move(*hospital)};
  });
}

Result<std::vector<Profile>> SqliteStore::list_profiles() {
  auto s = db_.prepare(kListProfiles);
  if (!s) return s.error();
  return query_all<Profile>(*s, [](Statement const& row) -> Result<Profile> {
    return Profile{row.text(0), {row.text(1), row.text(2), row.text(3)}};
  });
}

Result<SharedListing> SqliteStore::find_referral_listing(Id id) {
  auto found = query_one<ReferralListing>(
      db_, std::string{kListingSelect} + " WHERE r.id = ?1", [&](Statement& s) { s.bind(1, id); },
      read_listing);
  if (!found) return found.error();
  if (!*found) return SharedListing{};
  return std::make_shared<ReferralListing const>(std::move(**found));
}

Result<std::optional<Referral>> SqliteStore::find_referral_by_code(std::string_view code) {
  auto id = query_one<Id>(
      db_, kFindReferralByCode, [&](Statement& s) { s.bind(1, code); },
      [](Statement const& row) -> Result<Id> { return row.int64(0); });
  if (!id) return id.error();
  if (!*id) return std::optional<Referral>{};
  return find_referral(**id);
}

Result<std::vector<SharedListing>> SqliteStore::list_referrals(ReferralFilter const& filter) {
  // First the page, from the indexes: which rows, in order, at which version (see
  // ListingCache). With states asked for, each state's queue is read on its own (a queue index
  // gives its rows in worklist order, so no more than a page of each is read), and the queues
  // are merged here.
  struct Entry {
    std::int64_t urgency_rank;
    std::int64_t state_since;
    ListingCache::Key key;
  };
  std::string const select =
      "SELECT r.urgency_rank, r.state_since, r.id, r.version, r.overdue_since " +
      std::string{filter.search == SearchKind::Name
                      ? "FROM referrals AS r JOIN patients AS p ON p.id = r.patient_id"
                      : "FROM referrals AS r"};
  std::vector<Entry> entries;
  auto const read_page = [&](ReferralFilter const& part, std::string_view order_by,
                             std::size_t limit) -> Status {
    auto const where = referral_conditions(part, /*with_cursor=*/true);
    auto s = db_.prepare(select + where.sql() + " ORDER BY " + std::string{order_by} + " LIMIT ?");
    if (!s) return s.error();
    where.bind(*s);
    s->bind(where.count() + 1, static_cast<std::int64_t>(limit));
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) return ok();
      entries.push_back(
          {s->int64(0), s->int64(1), {s->int64(2), s->int64(3), s->optional_int64(4)}});
    }
  };
  constexpr std::string_view kWorklistOrder = "r.urgency_rank, r.state_since, r.id";
  switch (filter.order) {
    case ListOrder::Worklist:
      if (filter.states.empty()) {
        if (auto s = read_page(filter, kWorklistOrder, filter.limit); !s) return s.error();
        break;
      }
      for (State state : filter.states) {
        ReferralFilter queue = filter;
        queue.states = {state};
        if (auto s = read_page(queue, kWorklistOrder, filter.limit); !s) return s.error();
      }
      {
        auto const order = [](Entry const& a, Entry const& b) {
          return std::tie(a.urgency_rank, a.state_since, a.key.id) <
                 std::tie(b.urgency_rank, b.state_since, b.key.id);
        };
        std::sort(entries.begin(), entries.end(), order);
        // A state named twice reads its queue twice.
        entries.erase(
            std::unique(entries.begin(), entries.end(),
                        [](Entry const& a, Entry const& b) { return a.key.id == b.key.id; }),
            entries.end());
        if (entries.size() > filter.limit) entries.resize(filter.limit);
      }
      break;
    case ListOrder::State: {
      // The states in the workflow's order, each queue read only as far as the page needs.
      std::vector<State> states = filter.states;
      if (states.empty()) {
        for (State state : all_values<State>()) states.push_back(state);
      }
      std::sort(states.begin(), states.end());
      states.erase(std::unique(states.begin(), states.end()), states.end());
      for (State state : states) {
        if (entries.size() >= filter.limit) break;
        auto const position = static_cast<std::int64_t>(state);
        if (filter.after && position < filter.after->key) continue;
        ReferralFilter queue = filter;
        queue.states = {state};
        if (filter.after && position > filter.after->key) queue.after.reset();
        if (auto s = read_page(queue, kWorklistOrder, filter.limit - entries.size()); !s) {
          return s.error();
        }
      }
      break;
    }
    case ListOrder::Deadline:
    case ListOrder::DeadlineDescending:
    case ListOrder::Created:
    case ListOrder::CreatedDescending: {
      auto const keyed = *keyed_order(filter.order);
      auto const direction = keyed.descending ? " DESC" : "";
      auto const order_by = fmt::format("{}{}, r.id{}", keyed.column, direction, direction);
      if (auto s = read_page(filter, order_by, filter.limit); !s) return s.error();
      break;
    }
  }

  // Then each row: as held, or read and joined.
  std::vector<ListingCache::Key> keys;
  keys.reserve(entries.size());
  for (auto const& entry : entries) keys.push_back(entry.key);
  std::vector<SharedListing> listings =
      listings_ ? listings_->find_all(keys) : std::vector<SharedListing>(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (listings[i]) continue;
    auto listing = find_referral_listing(keys[i].id);
    if (!listing) return listing.error();
    if (!*listing) return make_error(Errc::Internal, "a listed referral vanished");
    if (listings_) listings_->keep(keys[i], *listing);
    listings[i] = std::move(*listing);
  }
  return listings;
}

Result<std::vector<std::pair<State, std::int64_t>>> SqliteStore::count_referrals_by_state(
    ReferralFilter const& filter) {
  auto const where = referral_conditions(filter, /*with_cursor=*/false);
  // Only a name search needs the patients.
  std::string const from = filter.search == SearchKind::Name
                               ? " FROM referrals AS r JOIN patients AS p ON p.id = r.patient_id"
                               : " FROM referrals AS r";
  auto s = db_.prepare("SELECT r.state, count(*)" + from + where.sql() +
                       " GROUP BY r.state ORDER BY r.state");
  if (!s) return s.error();
  where.bind(*s);
  return query_all<std::pair<State, std::int64_t>>(
      *s, [](Statement const& row) -> Result<std::pair<State, std::int64_t>> {
        auto state = enum_column<State>(row, 0, "state");
        if (!state) return state.error();
        return std::pair{*state, row.int64(1)};
      });
}

Result<bool> SqliteStore::patient_in_care_of(Id patient_id, Id organization_id) {
  return exists(db_, kPatientInCareOf, patient_id, organization_id);
}

Result<std::vector<PatientAccessListing>> SqliteStore::list_patient_accesses(
    PatientAccessFilter const& filter) {
  auto s = db_.prepare(kListPatientAccesses);
  if (!s) return s.error();
  s->bind(1, filter.before_id.value_or(std::numeric_limits<Id>::max()))
      .bind(2, static_cast<std::int64_t>(filter.limit));
  return query_all<PatientAccessListing>(
      *s, [](Statement const& row) -> Result<PatientAccessListing> {
        PatientAccessListing listing;
        listing.access = PatientAccess{row.int64(0),         from_millis(row.int64(1)),
                                       row.int64(2),         row.int64(3),
                                       row.optional_int64(4), row.text(5)};
        listing.login = row.text(6);
        listing.user_name = row.text(7);
        listing.organization_name = row.text(8);
        listing.patient_iin = row.text(9);
        listing.patient_name = std::string{trim(row.text(10))};
        return listing;
      });
}

Result<bool> SqliteStore::patient_addressed_to(Id patient_id, Id hospital_id) {
  return exists(db_, kPatientAddressedTo, patient_id, hospital_id);
}

Result<std::vector<Quota>> SqliteStore::list_quotas(QuotaFilter const& filter) {
  Conditions where;
  if (filter.period) where.add("period = ?").with(*filter.period);
  if (!filter.region.empty()) where.add("region = ?").with(filter.region);
  if (!filter.profile.empty()) where.add("profile = ?").with(filter.profile);
  auto s = db_.prepare("SELECT period, region, profile, allocated, reserved, used FROM quotas" +
                       where.sql() + " ORDER BY period, region, profile");
  if (!s) return s.error();
  where.bind(*s);
  return query_all<Quota>(*s, [](Statement const& row) -> Result<Quota> {
    return Quota{
        {row.int32(0), row.text(1), row.text(2)}, row.int32(3), row.int32(4), row.int32(5)};
  });
}

namespace {

Result<StoredAuditEvent> read_audit_event(Statement const& row) {
  auto role = enum_column<Role>(row, 3, "role");
  if (!role) return role.error();
  StoredAuditEvent stored;
  stored.seq = row.int64(0);
  stored.event =
      AuditEvent{from_millis(row.int64(1)), row.text(2), *role, row.text(4), row.optional_int64(5),
                 parse_detail(row.text(6))};
  stored.prev_hash = row.text(7);
  stored.hash = row.text(8);
  return stored;
}

// The sequence numbers of the newest `limit` events of a referral before `before`, newest
// first: its other events in one range, its reads partition by partition from the newest,
// until `limit` reads are found or the partition of its registration is passed.
Result<std::vector<Id>> referral_event_seqs(Database& db, Id referral_id, std::int64_t before,
                                            std::size_t limit) {
  if (before <= 0) return std::vector<Id>{};
  // A sequence number from min() or max(), which give NULL when there is no event: 0 then, as
  // sequence numbers start at 1.
  auto const seq_or_zero = [&db](char const* sql, auto const& bind) -> Result<std::int64_t> {
    auto seq = query_one<std::int64_t>(db, sql, bind, [](Statement const& row) {
      return Result<std::int64_t>{row.optional_int64(0).value_or(0)};
    });
    if (!seq) return seq.error();
    return seq->value_or(0);
  };
  auto const first =
      seq_or_zero(kReferralFirstEvent, [&](Statement& s) { s.bind(1, referral_id); });
  if (!first) return first.error();
  // Never registered, so never read either: no partition to look in.
  if (*first == 0) return std::vector<Id>{};

  auto const wanted = static_cast<std::int64_t>(limit);
  auto const seqs_of = [&db](char const* sql, auto const& bind) -> Result<std::vector<Id>> {
    auto s = db.prepare(sql);
    if (!s) return s.error();
    bind(*s);
    return collect_ids(*s);
  };
  auto seqs = seqs_of(kReferralEventsBefore, [&](Statement& s) {
    s.bind(1, referral_id).bind(2, before).bind(3, wanted);
  });
  if (!seqs) return seqs;

  auto const last = seq_or_zero(kLastEvent, [](Statement&) {});
  if (!last) return last.error();
  std::int64_t const oldest = *first / kReadPartitionEvents;
  std::size_t reads = 0;
  for (std::int64_t partition = std::min(*last, before - 1) / kReadPartitionEvents;
       partition >= oldest && reads < limit; --partition) {
    auto found = seqs_of(kReferralReadsInPartitionBefore, [&](Statement& s) {
      s.bind(1, partition)
          .bind(2, referral_id)
          .bind(3, before)
          .bind(4, wanted - static_cast<std::int64_t>(reads));
    });
    if (!found) return found;
    reads += found->size();
    seqs->insert(seqs->end(), found->begin(), found->end());
  }
  std::sort(seqs->begin(), seqs->end(), std::greater<>{});
  if (seqs->size() > limit) seqs->resize(limit);
  return seqs;
}

}  // namespace

// The other filters of the audit log scan it from the newest event down, as far as it takes
// to find a page: an administrator's occasional question, not a worklist.
Result<std::vector<StoredAuditEvent>> SqliteStore::list_audit(AuditFilter const& filter) {
  bool const narrowed = !filter.actor.empty() || !filter.action.empty() || filter.from || filter.before;
  if (filter.referral_id && !narrowed) {
    auto seqs = referral_event_seqs(
        db_, *filter.referral_id,
        filter.before_seq.value_or(std::numeric_limits<std::int64_t>::max()), filter.limit);
    if (!seqs) return seqs.error();
    std::vector<StoredAuditEvent> events;
    events.reserve(seqs->size());
    for (Id const seq : *seqs) {
      auto event = query_one<StoredAuditEvent>(
          db_, kEventBySeq, [&](Statement& s) { s.bind(1, seq); }, read_audit_event);
      if (!event) return event.error();
      if (!*event) return make_error(Errc::Internal, fmt::format("audit event {} vanished", seq));
      events.push_back(std::move(**event));
    }
    return events;
  }
  Conditions where;
  if (filter.before_seq) where.add("seq < ?").with(*filter.before_seq);
  if (filter.referral_id) where.add("referral_id = ?").with(*filter.referral_id);
  if (!filter.actor.empty()) where.add("actor = ?").with(filter.actor);
  if (!filter.action.empty()) where.add("action = ?").with(filter.action);
  if (filter.from) where.add("at >= ?").with(to_millis(*filter.from));
  if (filter.before) where.add("at < ?").with(to_millis(*filter.before));
  auto s = db_.prepare(
      "SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash FROM audit" +
      where.sql() + " ORDER BY seq DESC LIMIT ?");
  if (!s) return s.error();
  where.bind(*s);
  s->bind(where.count() + 1, static_cast<std::int64_t>(filter.limit));
  return query_all<StoredAuditEvent>(*s, read_audit_event);
}

Result<std::vector<ActedEvent>> SqliteStore::referral_history(Id referral_id) {
  auto s = db_.prepare(kReferralHistory);
  if (!s) return s.error();
  s->bind(1, referral_id);
  return query_all<ActedEvent>(*s, [referral_id](Statement const& row) -> Result<ActedEvent> {
    auto role = enum_column<Role>(row, 2, "role");
    if (!role) return role.error();
    return ActedEvent{AuditEvent{from_millis(row.int64(0)), row.text(1), *role, row.text(3),
                                 referral_id, parse_detail(row.text(4))},
                      row.text(5), row.text(6)};
  });
}

}  // namespace joldama::storage
