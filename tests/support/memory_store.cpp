#include "tests/support/memory_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>

#include "storage/engine.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflow/decide.hpp"
#include "workflow/quota.hpp"
#include "workflow/validation.hpp"

namespace joldama::testing {

namespace {

template <class T>
std::optional<T> found_in(auto const& map, auto const& key) {
  auto const it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// At most `limit` of `items`.
template <class T>
std::vector<T> at_most(std::vector<T> items, std::size_t limit) {
  if (items.size() > limit) items.resize(limit);
  return items;
}

Error duplicate(std::string_view what) {
  return make_error(Errc::Duplicate, fmt::format("{} is already there", what));
}

// What a failed CHECK of the schema answers.
Error check_failed(std::string_view what) {
  return make_error(Errc::Internal, fmt::format("a check of the schema failed: {}", what));
}

std::string full_name(Patient const& p) {
  std::string name = p.last_name + " " + p.first_name;
  if (!p.middle_name.empty()) name += " " + p.middle_name;
  return name;
}

// Where a row stands in a list's order, as one value to compare: its order's own key (none in
// worklist order; descending orders negated), then the worklist's keys (urgent first, the longest
// in its state), then the id. A page's cursor gives the same value (position_of below), so the
// sort and the cursor are one order.
using Position = std::tuple<std::int64_t, int, std::int64_t, Id>;

bool descending(ListOrder order) {
  return order == ListOrder::DeadlineDescending || order == ListOrder::CreatedDescending;
}
bool keyed(ListOrder order) { return order != ListOrder::Worklist && order != ListOrder::State; }

Position position_of(std::int64_t key, int urgency_rank, std::int64_t state_since_millis, Id id,
                     ListOrder order) {
  if (!keyed(order)) return {key, urgency_rank, state_since_millis, id};
  // Keyed orders tie on the id alone, in the key's direction.
  return descending(order) ? Position{-key, 0, 0, -id} : Position{key, 0, 0, id};
}
Position position_of(Referral const& r, ListOrder order) {
  return position_of(key_in_order(r, order), r.urgency == Urgency::Urgent ? 0 : 1,
                     to_millis(r.state_since), r.id, order);
}
Position position_of(WorklistCursor const& after, ListOrder order) {
  return position_of(after.key, after.urgency_rank, after.state_since_millis, after.id, order);
}

template <class Item>
auto const& value_of(Item const& item) {
  if constexpr (requires { item.second; }) {
    return item.second;  // a map's entry
  } else {
    return item;
  }
}

// The first value of `items` (a vector, or a map's values) that `pick` keeps.
template <class T, class Items, class Pick>
Result<std::optional<T>> first_where(Items const& items, Pick const& pick) {
  for (auto const& item : items) {
    if (pick(value_of(item))) return std::optional<T>{value_of(item)};
  }
  return std::optional<T>{};
}

// Erases the oldest entries of `map` whose time (`age` of the value, when it has one) is before
// `before`, at most `limit` of them; how many it erased.
template <class Map, class Age>
std::int64_t erase_oldest(Map& map, Timestamp before, std::size_t limit, Age const& age) {
  std::vector<std::pair<Timestamp, typename Map::key_type>> old;
  for (auto const& [key, value] : map) {
    if (std::optional<Timestamp> const at = age(value); at && *at < before) {
      old.emplace_back(*at, key);
    }
  }
  std::sort(old.begin(), old.end());
  old = at_most(std::move(old), limit);
  for (auto const& entry : old) map.erase(entry.second);
  return static_cast<std::int64_t>(old.size());
}

WaitlistEntry entry_of(Referral const& r) {
  return WaitlistEntry{r.id, r.urgency, r.waitlisted_at.value_or(Timestamp{})};
}

}  // namespace

MemoryBureau const& installed_reference_data() {
  static MemoryBureau const reference = [] {
    TempDir dir;
    auto db = storage::connect(dir.file("reference.db").string());
    if (!db) throw std::runtime_error("reference data: " + db.error().message);
    if (auto migrated = storage::migrate(**db); !migrated) {
      throw std::runtime_error("reference data: " + migrated.error().message);
    }
    storage::SqliteStore store{**db};
    auto regions = store.list_regions();
    auto profiles = store.list_profiles();
    if (!regions || !profiles) throw std::runtime_error("reference data: unreadable");
    MemoryBureau bureau;
    bureau.regions = std::move(*regions);
    bureau.profiles = std::move(*profiles);
    return bureau;
  }();
  return reference;
}

// --- reference data ----------------------------------------------------------------------------

Result<std::optional<Region>> MemoryStore::find_region(std::string_view code) {
  return first_where<Region>(b_.regions, [&](Region const& r) { return r.code == code; });
}
Result<std::vector<Region>> MemoryStore::list_regions() { return b_.regions; }
Result<std::optional<Profile>> MemoryStore::find_profile(std::string_view code) {
  return first_where<Profile>(b_.profiles, [&](Profile const& p) { return p.code == code; });
}
Result<std::vector<Profile>> MemoryStore::list_profiles() { return b_.profiles; }
Result<std::optional<Organization>> MemoryStore::find_organization(Id id) {
  return found_in<Organization>(b_.organizations, id);
}
Result<Id> MemoryStore::insert_organization(Organization const& organization) {
  for (auto const& profile : organization.profiles) {
    if (!find_profile(profile)->has_value()) return check_failed("an unknown profile");
  }
  Organization stored = organization;
  stored.id = b_.next_id("organizations");
  std::sort(stored.profiles.begin(), stored.profiles.end());
  b_.organizations[stored.id] = stored;
  return stored.id;
}
Status MemoryStore::save_hospital_profiles(Id organization_id,
                                           std::vector<std::string> const& profiles,
                                           EnumSet<Route> accepts) {
  auto const it = b_.organizations.find(organization_id);
  if (it == b_.organizations.end()) return ok();  // an UPDATE of no row
  for (auto const& profile : profiles) {
    if (!find_profile(profile)->has_value()) return check_failed("an unknown profile");
  }
  it->second.profiles = profiles;
  std::sort(it->second.profiles.begin(), it->second.profiles.end());
  it->second.accepts = accepts;
  return ok();
}
Status MemoryStore::save_organization_contacts(Id organization_id, std::string const& address,
                                               std::string const& phone) {
  if (auto const it = b_.organizations.find(organization_id); it != b_.organizations.end()) {
    it->second.address = address;
    it->second.phone = phone;
  }
  return ok();
}
Result<std::vector<Organization>> MemoryStore::list_organizations(
    OrganizationFilter const& filter) {
  std::vector<Organization> out;
  for (auto const& [id, o] : b_.organizations) {
    if (filter.kind && o.kind != *filter.kind) continue;
    if (filter.level && o.level != *filter.level) continue;
    if (!filter.profile.empty() && !o.treats(filter.profile)) continue;
    if (filter.route && !o.accepts.contains(*filter.route)) continue;
    out.push_back(o);
  }
  std::stable_sort(out.begin(), out.end(), [](Organization const& a, Organization const& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });
  return out;
}

// --- places ------------------------------------------------------------------------------------

Result<std::optional<Places>> MemoryStore::find_places(PlaceKey const& key) {
  return found_in<Places>(b_.places, key);
}
Status MemoryStore::save_places(Places const& places) {
  if (places.capacity < 0 || places.booked < 0 || places.booked > places.capacity) {
    return check_failed("places booked beyond capacity");
  }
  b_.places[places.key] = places;
  return ok();
}
Result<std::vector<PlaceListing>> MemoryStore::list_places(PlaceFilter const& filter) {
  Date const until = filter.from + std::chrono::days{filter.days};
  std::vector<PlaceListing> out;
  for (auto const& [key, places] : b_.places) {
    if (key.date < filter.from || key.date >= until) continue;
    auto const hospital = b_.organizations.find(key.hospital_id);
    if (hospital == b_.organizations.end()) continue;
    Organization const& o = hospital->second;
    if (!o.accepts.contains(Route::Planned) || !o.treats(key.profile)) continue;
    if (!filter.profile.empty() && key.profile != filter.profile) continue;
    if (!filter.region.empty() && o.region != filter.region) continue;
    if (filter.hospital_id && key.hospital_id != *filter.hospital_id) continue;
    if (filter.only_free && places.booked >= places.capacity) continue;
    PlaceListing listing{places, o};
    listing.hospital.profiles.clear();  // what it treats is not read for a list of places
    out.push_back(std::move(listing));
  }
  std::sort(out.begin(), out.end(), [](PlaceListing const& a, PlaceListing const& b) {
    return std::tie(a.places.key.date, a.hospital.region, a.hospital.name, a.places.key.hospital_id,
                    a.places.key.profile) < std::tie(b.places.key.date, b.hospital.region,
                                                     b.hospital.name, b.places.key.hospital_id,
                                                     b.places.key.profile);
  });
  return at_most(std::move(out), filter.limit);
}

// --- patients ----------------------------------------------------------------------------------

Result<std::optional<Patient>> MemoryStore::find_patient(Id id) {
  return found_in<Patient>(b_.patients, id);
}
Result<std::optional<Patient>> MemoryStore::find_patient_by_iin(std::string_view iin) {
  return first_where<Patient>(b_.patients, [&](Patient const& p) { return p.iin == iin; });
}
Result<Id> MemoryStore::insert_patient(Patient const& patient) {
  if (find_patient_by_iin(patient.iin)->has_value()) {
    return make_error(Errc::PatientExists, "a patient with this IIN is already registered", "iin");
  }
  if (!b_.organizations.contains(patient.registered_by_organization)) {
    return check_failed("no such organization");
  }
  Patient stored = patient;
  stored.id = b_.next_id("patients");
  b_.patients[stored.id] = stored;
  return stored.id;
}
Result<Id> MemoryStore::insert_patient_access(PatientAccess const& access) {
  PatientAccess stored = access;
  stored.id = b_.next_id("patient_accesses");
  b_.patient_accesses[stored.id] = stored;
  return stored.id;
}
Result<std::int64_t> MemoryStore::count_patient_accesses_since(Id user_id, Timestamp since) {
  return std::count_if(b_.patient_accesses.begin(), b_.patient_accesses.end(), [&](auto const& a) {
    return a.second.user_id == user_id && a.second.at >= since;
  });
}
Result<bool> MemoryStore::patient_in_care_of(Id patient_id, Id organization_id) {
  for (auto const& [id, r] : b_.referrals) {
    if (r.patient_id == patient_id && r.referring_organization_id == organization_id) return true;
  }
  for (auto const& [id, a] : b_.patient_accesses) {
    if (a.patient_id == patient_id && a.organization_id == organization_id) return true;
  }
  return false;
}
Result<bool> MemoryStore::patient_addressed_to(Id patient_id, Id hospital_id) {
  for (auto const& [id, r] : b_.referrals) {
    if (r.patient_id == patient_id && addressed_hospital(r) == hospital_id) return true;
  }
  return false;
}
Result<std::vector<PatientAccessListing>> MemoryStore::list_patient_accesses(
    PatientAccessFilter const& filter) {
  std::vector<PatientAccessListing> out;
  for (auto it = b_.patient_accesses.rbegin(); it != b_.patient_accesses.rend(); ++it) {
    if (out.size() >= filter.limit) break;
    PatientAccess const& a = it->second;
    if (filter.before_id && a.id >= *filter.before_id) continue;
    auto const user = b_.users.find(a.user_id);
    auto const organization = b_.organizations.find(a.organization_id);
    if (user == b_.users.end() || organization == b_.organizations.end()) continue;  // the join
    PatientAccessListing listing{a, user->second.login, user->second.name,
                                 organization->second.name, {}, {}};
    if (a.patient_id) {
      if (auto const p = b_.patients.find(*a.patient_id); p != b_.patients.end()) {
        listing.patient_iin = p->second.iin;
        listing.patient_name = std::string{trim(p->second.last_name + " " +
                                                p->second.first_name + " " +
                                                p->second.middle_name)};
      }
    }
    out.push_back(std::move(listing));
  }
  return out;
}

// --- referrals ---------------------------------------------------------------------------------

Result<std::optional<Referral>> MemoryStore::find_referral(Id id) {
  return found_in<Referral>(b_.referrals, id);
}
Result<std::optional<Referral>> MemoryStore::find_referral_by_code(std::string_view code) {
  return first_where<Referral>(b_.referrals, [&](Referral const& r) { return r.code == code; });
}
Result<Id> MemoryStore::insert_referral(Referral const& referral) {
  if (find_referral_by_code(referral.code)->has_value()) {
    return duplicate(fmt::format("the referral code {}", referral.code));
  }
  if (referral.version < 1) return check_failed("a referral's version starts at 1");
  if (!b_.patients.contains(referral.patient_id)) return check_failed("no such patient");
  Referral stored = referral;
  stored.id = b_.next_id("referrals");
  b_.referrals[stored.id] = stored;
  return stored.id;
}
Status MemoryStore::update_referral(Referral const& referral, std::int64_t expected_version) {
  if (referral.version <= expected_version) {
    return make_error(Errc::Internal, "a change of a referral must advance its version");
  }
  auto const it = b_.referrals.find(referral.id);
  if (it == b_.referrals.end() || it->second.version != expected_version) {
    return make_error(Errc::StaleVersion,
                      "the referral changed since it was read; reload and try again");
  }
  if (referral.code != it->second.code && find_referral_by_code(referral.code)->has_value()) {
    return duplicate(fmt::format("the referral code {}", referral.code));
  }
  it->second = referral;
  return ok();
}
Result<std::vector<Id>> MemoryStore::waitlist(QuotaKey const& key, std::size_t limit) {
  std::vector<WaitlistEntry> waiting;
  for (auto const& [id, r] : b_.referrals) {
    if (r.state != State::Waitlisted || !r.quota || !draws_on(*r.quota, key)) continue;
    waiting.push_back(entry_of(r));
  }
  std::sort(waiting.begin(), waiting.end(), waits_before);
  std::vector<Id> ids;
  for (auto const& entry : waiting) ids.push_back(entry.referral_id);
  return at_most(std::move(ids), limit);
}
Result<std::optional<int>> MemoryStore::queue_position(Id referral_id) {
  auto const me = b_.referrals.find(referral_id);
  if (me == b_.referrals.end() || me->second.state != State::Waitlisted || !me->second.quota) {
    return std::optional<int>{};
  }
  int ahead = 0;
  for (auto const& [id, other] : b_.referrals) {
    if (other.state != State::Waitlisted || !other.quota) continue;
    if (other.quota->region != me->second.quota->region ||
        other.quota->profile != me->second.quota->profile) {
      continue;
    }
    if (waits_before(entry_of(other), entry_of(me->second))) ++ahead;
  }
  return std::optional{1 + ahead};
}
Result<std::vector<Id>> MemoryStore::talons_past_validity(Timestamp now, std::size_t limit) {
  std::vector<std::pair<Timestamp, Id>> past;
  for (auto const& [id, r] : b_.referrals) {
    if (r.state != State::TalonIssued && r.state != State::Scheduled) continue;
    if (r.talon && r.talon->valid_until < now) past.emplace_back(r.talon->valid_until, id);
  }
  std::sort(past.begin(), past.end());
  std::vector<Id> ids;
  for (auto const& [until, id] : past) ids.push_back(id);
  return at_most(std::move(ids), limit);
}

namespace {

// The ids of `referrals` that `pick` keeps, by deadline (then id), at most `limit`.
template <class Pick>
std::vector<Id> by_deadline(std::map<Id, Referral> const& referrals, std::size_t limit,
                            Pick const& pick) {
  std::vector<std::pair<Timestamp, Id>> due;
  for (auto const& [id, r] : referrals) {
    if (r.deadline && pick(r)) due.emplace_back(*r.deadline, id);
  }
  std::sort(due.begin(), due.end());
  std::vector<Id> ids;
  for (auto const& [deadline, id] : due) ids.push_back(id);
  return at_most(std::move(ids), limit);
}

}  // namespace

Result<std::vector<Id>> MemoryStore::unmarked_overdue(Timestamp now, std::size_t limit) {
  return by_deadline(b_.referrals, limit,
                     [&](Referral const& r) { return !r.overdue_since && *r.deadline < now; });
}
Result<std::vector<Id>> MemoryStore::deadlines_to_remind(Timestamp from, Timestamp until,
                                                         std::size_t limit) {
  return by_deadline(b_.referrals, limit, [&](Referral const& r) {
    if (r.overdue_since || *r.deadline < from || *r.deadline > until) return false;
    auto const reminded = found_in<Timestamp>(b_.deadline_reminders, r.id);
    return reminded != r.deadline;
  });
}
Result<std::vector<Id>> MemoryStore::deadlines_from(Timestamp from) {
  return by_deadline(b_.referrals, std::numeric_limits<std::size_t>::max(),
                     [&](Referral const& r) { return *r.deadline >= from; });
}
Result<std::vector<Id>> MemoryStore::admissions_to_remind(Date day, std::size_t limit) {
  std::vector<Id> ids;
  for (auto const& [id, r] : b_.referrals) {
    if (r.state != State::Scheduled || !r.talon || r.talon->planned_date != day) continue;
    if (found_in<Date>(b_.admission_reminders, id) == day) continue;
    ids.push_back(id);
  }
  return at_most(std::move(ids), limit);
}
Result<std::optional<ExistingReferral>> MemoryStore::find_open_referral(Id patient_id,
                                                                        std::string_view profile) {
  for (auto const& [id, r] : b_.referrals) {
    if (r.patient_id == patient_id && r.profile == profile && !is_terminal(r.state)) {
      return std::optional{ExistingReferral{r.id, r.code}};
    }
  }
  return std::optional<ExistingReferral>{};
}
Status MemoryStore::mark_overdue(Id referral_id, Timestamp since) {
  auto const it = b_.referrals.find(referral_id);
  if (it != b_.referrals.end() && !it->second.overdue_since) it->second.overdue_since = since;
  return ok();
}
Status MemoryStore::mark_deadline_reminded(Id referral_id, Timestamp deadline) {
  b_.deadline_reminders[referral_id] = deadline;
  return ok();
}
Status MemoryStore::mark_admission_reminded(Id referral_id, Date day) {
  b_.admission_reminders[referral_id] = day;
  return ok();
}

ReferralListing MemoryStore::listing_of(Referral const& r) const {
  ReferralListing listing;
  listing.referral = r;
  if (auto const p = b_.patients.find(r.patient_id); p != b_.patients.end()) {
    listing.patient_name = full_name(p->second);
  }
  if (auto const o = b_.organizations.find(r.referring_organization_id);
      o != b_.organizations.end()) {
    listing.referring_organization_name = o->second.name;
  }
  if (r.hospital_id) {
    if (auto const h = b_.organizations.find(*r.hospital_id); h != b_.organizations.end()) {
      listing.hospital_name = h->second.name;
    }
  }
  return listing;
}
Result<SharedListing> MemoryStore::find_referral_listing(Id id) {
  auto const it = b_.referrals.find(id);
  if (it == b_.referrals.end()) return SharedListing{};
  return std::make_shared<ReferralListing const>(listing_of(it->second));
}

std::vector<Referral const*> MemoryStore::matching(ReferralFilter const& f,
                                                   bool with_cursor) const {
  std::vector<Referral const*> out;
  auto const starts_with = [](std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
  };
  for (auto const& [id, r] : b_.referrals) {
    if (f.referring_organization_id && r.referring_organization_id != *f.referring_organization_id)
      continue;
    if (f.patient_region_scope && r.patient_region != *f.patient_region_scope) continue;
    if (f.addressed_hospital_id && addressed_hospital(r) != f.addressed_hospital_id) continue;
    if (!f.states.empty() && std::find(f.states.begin(), f.states.end(), r.state) == f.states.end())
      continue;
    if (!f.profile.empty() && r.profile != f.profile) continue;
    if (!f.region.empty() && r.patient_region != f.region) continue;
    if (f.overdue_at && !(r.deadline && *r.deadline < *f.overdue_at)) continue;
    if (f.due_from && !(r.deadline && *r.deadline >= *f.due_from)) continue;
    if (f.due_before && !(r.deadline && *r.deadline < *f.due_before)) continue;
    if (f.state_since_from && r.state_since < *f.state_since_from) continue;
    if (f.created_from && r.created_at < *f.created_from) continue;
    if (f.created_before && r.created_at >= *f.created_before) continue;
    switch (f.search) {
      case SearchKind::None: break;
      case SearchKind::CodePrefix:
        if (!starts_with(r.code, f.search_text)) continue;
        break;
      case SearchKind::IinPrefix:
        if (!starts_with(r.patient_iin, f.search_text)) continue;
        break;
      case SearchKind::Name: {
        auto const p = b_.patients.find(r.patient_id);
        if (p == b_.patients.end()) continue;
        auto const& q = p->second;
        auto const search_name = fold_case(q.last_name + " " + q.first_name + " " + q.middle_name);
        if (search_name.find(f.search_text) == std::string::npos) continue;
        break;
      }
    }
    if (f.created_by && r.created_by != *f.created_by) continue;
    if (!f.protocol.empty() && r.protocol != f.protocol) continue;
    if (with_cursor && f.after &&
        position_of(r, f.order) <= position_of(*f.after, f.order)) {
      continue;
    }
    out.push_back(&r);
  }
  return out;
}

Result<std::vector<SharedListing>> MemoryStore::list_referrals(ReferralFilter const& filter) {
  auto rows = matching(filter, /*with_cursor=*/true);
  std::sort(rows.begin(), rows.end(), [order = filter.order](Referral const* a, Referral const* b) {
    return position_of(*a, order) < position_of(*b, order);
  });
  std::vector<SharedListing> out;
  for (auto const* r : rows) {
    if (out.size() >= filter.limit) break;
    out.push_back(std::make_shared<ReferralListing const>(listing_of(*r)));
  }
  return out;
}
Result<std::vector<std::pair<State, std::int64_t>>> MemoryStore::count_referrals_by_state(
    ReferralFilter const& filter) {
  // By the state's name, as the engines order the text column.
  std::map<std::string_view, std::pair<State, std::int64_t>> counts;
  for (auto const* r : matching(filter, /*with_cursor=*/false)) {
    auto& [state, count] = counts[to_string(r->state)];
    state = r->state;
    ++count;
  }
  std::vector<std::pair<State, std::int64_t>> out;
  for (auto const& [name, count] : counts) out.push_back(count);
  return out;
}

// --- the calendar ------------------------------------------------------------------------------

Status MemoryStore::insert_announced_day_off(AnnouncedDayOff const& day) {
  if (b_.days_off.contains(day.date)) return duplicate("the day off");
  b_.days_off[day.date] = day;
  return ok();
}
Result<std::vector<AnnouncedDayOff>> MemoryStore::list_announced_days_off() {
  std::vector<AnnouncedDayOff> out;
  for (auto const& [date, day] : b_.days_off) out.push_back(day);
  return out;
}

// --- quotas and sequences ----------------------------------------------------------------------

Result<std::optional<Quota>> MemoryStore::find_quota(QuotaKey const& key) {
  return found_in<Quota>(b_.quotas, key);
}
Status MemoryStore::save_quota(Quota const& quota) {
  if (quota.allocated < 0 || quota.reserved < 0 || quota.used < 0 ||
      quota.reserved + quota.used > quota.allocated) {
    return check_failed("a quota's reserved and used units beyond its allocation");
  }
  if (quota.key.period < 2000 || quota.key.period > 2999) return check_failed("the period");
  b_.quotas[quota.key] = quota;
  return ok();
}
Result<std::vector<Quota>> MemoryStore::list_quotas(QuotaFilter const& filter) {
  std::vector<Quota> out;  // the map's order: period, region, profile
  for (auto const& [key, quota] : b_.quotas) {
    if (filter.period && key.period != *filter.period) continue;
    if (!filter.region.empty() && key.region != filter.region) continue;
    if (!filter.profile.empty() && key.profile != filter.profile) continue;
    out.push_back(quota);
  }
  return out;
}
Result<std::int64_t> MemoryStore::next_value(std::string_view name) {
  auto const it = b_.sequences.find(name);
  if (it == b_.sequences.end()) {
    b_.sequences.emplace(std::string{name}, 1);
    return 1;
  }
  return ++it->second;
}

// --- the audit log -----------------------------------------------------------------------------

Status MemoryStore::append_audit(AuditEvent const& event) {
  StoredAuditEvent stored;
  stored.seq = static_cast<std::int64_t>(b_.audit.size()) + 1;
  stored.event = event;
  b_.audit.push_back(std::move(stored));
  return ok();
}
Result<AuditCheck> MemoryStore::verify_audit_chain() {
  AuditCheck check;
  for (auto const& stored : b_.audit) {
    ++check.events;
    if (stored.seq != check.events) {
      check.ok = false;
      check.broken_seq = stored.seq;
      check.reason = "a gap in the sequence";
      break;
    }
  }
  return check;
}
Result<std::vector<StoredAuditEvent>> MemoryStore::list_audit(AuditFilter const& filter) {
  std::vector<StoredAuditEvent> out;
  for (auto it = b_.audit.rbegin(); it != b_.audit.rend() && out.size() < filter.limit; ++it) {
    auto const& e = it->event;
    if (filter.before_seq && it->seq >= *filter.before_seq) continue;
    if (filter.referral_id && e.referral_id != filter.referral_id) continue;
    if (!filter.actor.empty() && e.actor != filter.actor) continue;
    if (!filter.action.empty() && e.action != filter.action) continue;
    if (filter.from && e.at < *filter.from) continue;
    if (filter.before && e.at >= *filter.before) continue;
    out.push_back(*it);
  }
  return out;
}
Result<std::vector<ActedEvent>> MemoryStore::referral_history(Id referral_id) {
  std::vector<ActedEvent> out;
  for (auto const& stored : b_.audit) {
    auto const& e = stored.event;
    if (e.referral_id != referral_id) continue;
    if (e.action == "read_referral" || e.action == "read_attachment") continue;
    ActedEvent acted{e, {}, {}};
    if (auto user = find_user_by_login(e.actor); *user) {
      acted.actor_name = (*user)->name;
      if ((*user)->organization_id) {
        if (auto const o = b_.organizations.find(*(*user)->organization_id);
            o != b_.organizations.end()) {
          acted.actor_organization = o->second.name;
        }
      }
    }
    out.push_back(std::move(acted));
  }
  return out;
}

// --- accounts, sessions and the sign-in throttle -----------------------------------------------

Result<std::optional<User>> MemoryStore::find_user(Id id) { return found_in<User>(b_.users, id); }
Result<std::optional<User>> MemoryStore::find_user_by_login(std::string_view login) {
  return first_where<User>(b_.users, [&](User const& u) { return u.login == login; });
}
Result<std::vector<User>> MemoryStore::list_users() {
  std::vector<User> out;
  for (auto const& [id, user] : b_.users) out.push_back(user);
  std::sort(out.begin(), out.end(), [](User const& a, User const& b) { return a.login < b.login; });
  return out;
}
Result<std::int64_t> MemoryStore::count_users() {
  return static_cast<std::int64_t>(b_.users.size());
}
Result<Id> MemoryStore::insert_user(User const& user) {
  if (find_user_by_login(user.login)->has_value()) return duplicate("the login");
  User stored = user;
  stored.id = b_.next_id("users");
  b_.users[stored.id] = stored;
  return stored.id;
}
Status MemoryStore::update_user(User const& user) {
  auto const it = b_.users.find(user.id);
  if (it == b_.users.end()) return ok();
  User& stored = it->second;  // the login and the day the account was made stay
  stored.name = user.name;
  stored.role = user.role;
  stored.organization_id = user.organization_id;
  stored.region = user.region;
  stored.locale = user.locale;
  stored.password_hash = user.password_hash;
  stored.disabled = user.disabled;
  stored.must_change_password = user.must_change_password;
  return ok();
}
Result<std::vector<Id>> MemoryStore::active_staff(StaffQuery const& query) {
  std::vector<Id> out;  // by id, the map's order
  for (auto const& [id, u] : b_.users) {
    if (u.role != query.role || u.disabled || u.login == query.except_login) continue;
    if (!query.region.empty() && u.region != query.region) continue;
    if (query.organization_id && u.organization_id != query.organization_id) continue;
    if (query.user_id && id != *query.user_id) continue;
    out.push_back(id);
  }
  return out;
}
Status MemoryStore::insert_session(Session const& session) {
  if (b_.sessions.contains(session.token_hash)) return duplicate("the session");
  b_.sessions[session.token_hash] = session;
  return ok();
}
Result<std::optional<Session>> MemoryStore::find_session(std::string_view token_hash) {
  return found_in<Session>(b_.sessions, token_hash);
}
Status MemoryStore::touch_session(std::string_view token_hash, Timestamp at) {
  if (auto const it = b_.sessions.find(token_hash); it != b_.sessions.end()) {
    it->second.last_seen_at = std::max(it->second.last_seen_at, at);
  }
  return ok();
}
Status MemoryStore::set_session_csrf(std::string_view token_hash, std::string_view csrf_hash) {
  if (auto const it = b_.sessions.find(token_hash); it != b_.sessions.end()) {
    it->second.csrf_hash = csrf_hash;
  }
  return ok();
}
Status MemoryStore::delete_session(std::string_view token_hash) {
  if (auto const it = b_.sessions.find(token_hash); it != b_.sessions.end()) b_.sessions.erase(it);
  return ok();
}
Status MemoryStore::delete_sessions_of(Id user_id) {
  std::erase_if(b_.sessions, [&](auto const& s) { return s.second.user_id == user_id; });
  return ok();
}
Status MemoryStore::delete_other_sessions(Id user_id, std::string_view keep_token_hash) {
  std::erase_if(b_.sessions, [&](auto const& s) {
    return s.second.user_id == user_id && s.first != keep_token_hash;
  });
  return ok();
}
Result<std::int64_t> MemoryStore::delete_stale_sessions(Timestamp now, Timestamp idle_before) {
  return static_cast<std::int64_t>(std::erase_if(b_.sessions, [&](auto const& s) {
    return s.second.expires_at <= now || s.second.last_seen_at < idle_before;
  }));
}
Result<std::vector<LoginFailures>> MemoryStore::list_login_failures(Timestamp since) {
  std::vector<LoginFailures> out;
  for (auto const& [key, failures] : b_.login_failures) {
    if (failures.last_at > since) out.push_back(failures);
  }
  return out;
}
Result<std::vector<LoginFailures>> MemoryStore::find_login_failures(
    std::vector<std::string> const& keys) {
  std::vector<LoginFailures> out;
  for (auto const& key : keys) {
    if (auto failures = found_in<LoginFailures>(b_.login_failures, key)) out.push_back(*failures);
  }
  return out;
}
Status MemoryStore::save_login_failures(LoginFailures const& failures) {
  b_.login_failures[failures.key] = failures;
  return ok();
}
Status MemoryStore::delete_login_failures(std::string_view key) {
  if (auto const it = b_.login_failures.find(key); it != b_.login_failures.end()) {
    b_.login_failures.erase(it);
  }
  return ok();
}
Result<std::int64_t> MemoryStore::delete_login_failures_before(Timestamp before) {
  return static_cast<std::int64_t>(std::erase_if(
      b_.login_failures, [&](auto const& f) { return f.second.last_at < before; }));
}

// --- attachments and idempotency keys ----------------------------------------------------------

Result<Id> MemoryStore::insert_attachment(Attachment const& attachment) {
  if (!b_.referrals.contains(attachment.info.referral_id)) return check_failed("no such referral");
  Attachment stored = attachment;
  stored.info.id = b_.next_id("attachments");
  b_.attachments[stored.info.id] = stored;
  return stored.info.id;
}
Result<std::vector<AttachmentInfo>> MemoryStore::list_attachments(Id referral_id) {
  std::vector<AttachmentInfo> out;
  for (auto const& [id, a] : b_.attachments) {
    if (a.info.referral_id == referral_id) out.push_back(a.info);
  }
  return out;
}
Result<std::optional<Attachment>> MemoryStore::find_attachment(Id referral_id, Id attachment_id) {
  auto found = found_in<Attachment>(b_.attachments, attachment_id);
  if (found && found->info.referral_id != referral_id) found.reset();
  return found;
}
Result<std::optional<IdempotencyRecord>> MemoryStore::find_idempotency(Id user_id,
                                                                       std::string_view key) {
  return found_in<IdempotencyRecord>(b_.idempotency, std::pair{user_id, std::string{key}});
}
Status MemoryStore::insert_idempotency(IdempotencyRecord const& record) {
  auto const [it, added] = b_.idempotency.try_emplace({record.user_id, record.key}, record);
  if (!added) return duplicate("the idempotency key");
  return ok();
}
Result<std::int64_t> MemoryStore::delete_idempotency_before(Timestamp before, int limit) {
  return erase_oldest(b_.idempotency, before, static_cast<std::size_t>(std::max(limit, 0)),
                      [](IdempotencyRecord const& r) { return std::optional{r.created_at}; });
}

// --- the staff's inboxes -----------------------------------------------------------------------

Status MemoryStore::insert_notices(std::vector<Notice> const& notices) {
  for (auto const& notice : notices) {
    if (!b_.users.contains(notice.user_id)) return check_failed("no such user");
    Notice stored = notice;
    stored.id = b_.next_id("notifications");
    stored.read_at.reset();
    b_.notices[stored.id] = stored;
  }
  return ok();
}
Result<std::vector<NoticeListing>> MemoryStore::list_notices(Id user_id, bool unread_only,
                                                             std::optional<Id> before_id,
                                                             std::size_t limit) {
  std::vector<NoticeListing> out;
  for (auto it = b_.notices.rbegin(); it != b_.notices.rend() && out.size() < limit; ++it) {
    Notice const& n = it->second;
    if (n.user_id != user_id || (unread_only && n.read_at)) continue;
    if (before_id && n.id >= *before_id) continue;
    NoticeListing listing{n, {}};
    if (n.referral_id) {
      if (auto const r = b_.referrals.find(*n.referral_id); r != b_.referrals.end()) {
        listing.referral_code = r->second.code;
      }
    }
    out.push_back(std::move(listing));
  }
  return out;
}
Result<NoticeSummary> MemoryStore::notice_summary(Id user_id) {
  NoticeSummary summary;
  for (auto const& [id, n] : b_.notices) {
    if (n.user_id != user_id) continue;
    if (!n.read_at) ++summary.unread;
    summary.latest = std::max(summary.latest, id);
  }
  return summary;
}
Result<bool> MemoryStore::mark_notice_read(Id user_id, Id notice_id, Timestamp at) {
  auto const it = b_.notices.find(notice_id);
  if (it == b_.notices.end() || it->second.user_id != user_id) return false;
  if (!it->second.read_at) it->second.read_at = at;
  return true;
}
Status MemoryStore::mark_all_notices_read(Id user_id, Timestamp at) {
  for (auto& [id, n] : b_.notices) {
    if (n.user_id == user_id && !n.read_at) n.read_at = at;
  }
  return ok();
}
Status MemoryStore::delete_notices_of(Id user_id) {
  std::erase_if(b_.notices, [&](auto const& n) { return n.second.user_id == user_id; });
  return ok();
}
Result<std::int64_t> MemoryStore::delete_notices_before(Timestamp before, std::size_t limit) {
  return erase_oldest(b_.notices, before, limit,
                      [](Notice const& n) { return std::optional{n.at}; });
}

// --- the messages to patients ------------------------------------------------------------------

Status MemoryStore::insert_messages(std::vector<OutboxMessage> const& messages) {
  for (auto const& message : messages) {
    bool const known = std::any_of(b_.outbox.begin(), b_.outbox.end(), [&](auto const& m) {
      return m.second.idempotency_key == message.idempotency_key;
    });
    if (known) continue;
    OutboxMessage stored = message;
    stored.id = b_.next_id("outbox");
    b_.outbox[stored.id] = stored;
  }
  return ok();
}
Result<std::vector<OutboxMessage>> MemoryStore::due_messages(Timestamp now,
                                                             EnumSet<Channel> channels,
                                                             std::size_t limit) {
  std::vector<OutboxMessage> due;
  for (auto const& [id, m] : b_.outbox) {
    if (m.state != DeliveryState::Pending && m.state != DeliveryState::Failed) continue;
    if (m.next_attempt_at > now || !channels.contains(m.channel)) continue;
    due.push_back(m);
  }
  std::sort(due.begin(), due.end(), [](OutboxMessage const& a, OutboxMessage const& b) {
    return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
  });
  return at_most(std::move(due), limit);
}
Result<std::optional<OutboxMessage>> MemoryStore::find_message(Id id) {
  return found_in<OutboxMessage>(b_.outbox, id);
}
Status MemoryStore::save_delivery(OutboxMessage const& message) {
  auto const it = b_.outbox.find(message.id);
  if (it == b_.outbox.end()) return make_error(Errc::NotFound, "no such message");
  OutboxMessage& stored = it->second;
  stored.state = message.state;
  stored.attempts = message.attempts;
  stored.next_attempt_at = message.next_attempt_at;
  stored.last_error = message.last_error;
  stored.sent_at = message.sent_at;
  return ok();
}
Result<std::vector<OutboxMessage>> MemoryStore::list_messages(std::optional<DeliveryState> state,
                                                              std::optional<Id> before_id,
                                                              std::size_t limit) {
  std::vector<OutboxMessage> out;
  for (auto it = b_.outbox.rbegin(); it != b_.outbox.rend() && out.size() < limit; ++it) {
    if (state && it->second.state != *state) continue;
    if (before_id && it->first >= *before_id) continue;
    out.push_back(it->second);
  }
  return out;
}
Result<std::int64_t> MemoryStore::delete_sent_messages_before(Timestamp before,
                                                              std::size_t limit) {
  return erase_oldest(b_.outbox, before, limit, [](OutboxMessage const& m) {
    return m.state == DeliveryState::Sent ? m.sent_at : std::nullopt;
  });
}

// --- the reports' counters ---------------------------------------------------------------------

Status MemoryStore::add_to_counters(std::vector<CounterDelta> const& deltas) {
  for (auto const& [key, by] : deltas) {
    auto& value = b_.counters[key];
    value += by;
    if (value == 0) b_.counters.erase(key);
  }
  return ok();
}
Result<std::vector<CounterValue>> MemoryStore::read_counters(CounterRange const& range) {
  std::vector<CounterValue> out;
  for (auto const& [key, value] : b_.counters) {
    if (key.report != range.report) continue;
    if (key.bucket < range.first_bucket || key.bucket > range.last_bucket) continue;
    if (range.region && key.region != *range.region) continue;
    if (range.profile && key.profile != *range.profile) continue;
    out.push_back(CounterValue{key, value});
  }
  std::sort(out.begin(), out.end(), [](CounterValue const& a, CounterValue const& b) {
    return std::tie(a.key.region, a.key.profile, a.key.bucket, a.key.series) <
           std::tie(b.key.region, b.key.profile, b.key.bucket, b.key.series);
  });
  return out;
}
Status MemoryStore::save_waitlist(SummedWaitlist const& waitlist) {
  auto const key = std::pair{waitlist.region, waitlist.profile};
  if (waitlist.summary.length <= 0) {
    b_.waitlists.erase(key);
    return ok();
  }
  if (!waitlist.summary.earliest_joined || !waitlist.summary.median_joined) {
    return make_error(Errc::Internal, "a waitlist with waiters has a longest and a median wait");
  }
  b_.waitlists[key] = waitlist.summary;
  return ok();
}
Result<std::vector<SummedWaitlist>> MemoryStore::read_waitlists(
    WaitlistSelection const& selection) {
  std::vector<SummedWaitlist> out;  // the map's order: region, profile
  for (auto const& [key, summary] : b_.waitlists) {
    auto const& [region, profile] = key;
    if (selection.region ? region != *selection.region : region == kAllOfThem) continue;
    if (selection.profile ? profile != *selection.profile : profile == kAllOfThem) continue;
    out.push_back(SummedWaitlist{region, profile, summary});
  }
  return out;
}

// --- the engine --------------------------------------------------------------------------------

MemoryEngine::MemoryEngine(MemoryBureau initial) : bureau_(std::move(initial)) {}

void MemoryEngine::submit(Transactor::Work work, Transactor::Done done) {
  Status status = ok();
  {
    std::lock_guard lock{mutex_};
    MemoryBureau changed = bureau_;
    MemoryStore store{changed};
    status = work(store);
    if (status) {
      bureau_ = std::move(changed);
      ++committed_;
    } else {
      ++undone_;
    }
  }
  done(std::move(status));
}

Status MemoryEngine::read(Reader::Work const& work) {
  std::lock_guard lock{mutex_};
  MemoryStore store{bureau_};
  return work(store);
}

std::int64_t MemoryEngine::committed() const {
  std::lock_guard lock{mutex_};
  return committed_;
}
std::int64_t MemoryEngine::undone() const {
  std::lock_guard lock{mutex_};
  return undone_;
}

}  // namespace joldama::testing
