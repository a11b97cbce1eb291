#include "server/api/json.hpp"

#include <fmt/format.h>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <vector>

#include "workflow/fields.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

json::value text_or_null(std::string const& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

template <class T, class F>
json::value optional_or_null(std::optional<T> const& value, F convert) {
  return value ? json::value(convert(*value)) : json::value(nullptr);
}

json::object names(LocalizedName const& name) {
  return json::object{{"kk", name.kk}, {"ru", name.ru}, {"en", name.en}};
}

}  // namespace

json::value to_json(Error const& error) {
  // A message may quote what the client sent; never echo bytes that would break the JSON.
  json::object body{{"code", to_string(error.code)},
                    {"message", is_valid_utf8(error.message)
                                    ? error.message
                                    : std::string{"the request holds text that is not UTF-8"}}};
  if (!error.field.empty() && is_valid_utf8(error.field)) body["field"] = error.field;
  if (error.existing) {
    body["existing"] = json::object{{"id", error.existing->id}, {"code", error.existing->code}};
  }
  return json::object{{"error", std::move(body)}};
}

json::value to_json(Region const& region) {
  return json::object{
      {"code", region.code}, {"name", names(region.name)}, {"population", region.population},
      {"population_as_of", region.population_as_of}, {"population_exact", region.population_exact}};
}

json::value to_json(Profile const& profile) {
  return json::object{{"code", profile.code}, {"name", names(profile.name)}};
}

json::value to_json(Organization const& organization) {
  json::array profiles;
  for (auto const& profile : organization.profiles) profiles.emplace_back(profile);
  json::array accepts;
  for (Route route : all_values<Route>()) {
    if (organization.accepts.contains(route)) accepts.emplace_back(to_string(route));
  }
  return json::object{{"id", organization.id},
                      {"name", organization.name},
                      {"kind", to_string(organization.kind)},
                      {"level", to_string(organization.level)},
                      {"region", organization.region},
                      {"profiles", std::move(profiles)},
                      {"accepts", std::move(accepts)},
                      {"address", organization.address},
                      {"phone", organization.phone}};
}

json::value to_json(PlaceListing const& listing) {
  auto const& p = listing.places;
  auto const& h = listing.hospital;
  return json::object{{"hospital", json::object{{"id", h.id},
                                                {"name", h.name},
                                                {"region", h.region},
                                                {"level", to_string(h.level)},
                                                {"address", h.address},
                                                {"phone", h.phone}}},
                      {"profile", p.key.profile},
                      {"date", format_date(p.key.date)},
                      {"capacity", p.capacity},
                      {"booked", p.booked},
                      {"free", p.free()}};
}

json::value to_json(Reason const& reason) {
  return json::object{
      {"code", reason.code},
      {"name", json::object{{"kk", reason.name.kk}, {"ru", reason.name.ru}, {"en", reason.name.en}}}};
}

namespace {

json::array fields_json(Transition const& row) {
  json::array fields;
  for (auto const& field : fields_of(row)) {
    auto const& spec = field_spec(field.field);
    json::object f{{"name", to_string(field.field)},
                   {"kind", to_string(spec.kind)},
                   {"required", field.required}};
    if (spec.max_chars > 0) f["max_chars"] = spec.max_chars;
    if (field.unless) f["required_unless"] = to_string(*field.unless);
    if (spec.kind == FieldKind::ReasonCode) {
      json::array options;
      for (auto const* reason : reasons_for(row.action)) options.push_back(to_json(*reason));
      f["options"] = std::move(options);
    } else if (spec.kind == FieldKind::Outcome) {
      json::array options;
      for (Outcome outcome : all_values<Outcome>()) options.emplace_back(to_string(outcome));
      f["options"] = std::move(options);
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

}  // namespace

std::string_view action_fields_json(Transition const& row) {
  // The table is fixed: each row's fields are serialized once, not on every read.
  static std::vector<std::string> const serialized = [] {
    std::vector<std::string> out;
    for (auto const& t : transition_table()) out.push_back(json::serialize(fields_json(t)));
    return out;
  }();
  auto const table = transition_table();
  return serialized.at(static_cast<std::size_t>(&row - table.data()));
}

json::value to_json(User const& user, std::optional<Organization> const& organization) {
  return json::object{
      {"id", user.id},
      {"login", user.login},
      {"name", user.name},
      {"role", to_string(user.role)},
      {"organization", organization ? json::value(json::object{{"id", organization->id},
                                                               {"name", organization->name}})
                                    : json::value(nullptr)},
      {"region", text_or_null(user.region)},
      {"locale", to_string(user.locale)},
      {"must_change_password", user.must_change_password}};
}

json::value to_json(Patient const& p) {
  return json::object{{"id", p.id},
                      {"iin", p.iin},
                      {"last_name", p.last_name},
                      {"first_name", p.first_name},
                      {"middle_name", p.middle_name},
                      {"birth_date", format_date(p.birth_date)},
                      {"sex", to_string(p.sex)},
                      {"residency", to_string(p.residency)},
                      {"covered", p.residency != Residency::ForeignTemporary},
                      {"region", p.region},
                      {"phone", text_or_null(p.phone)},
                      {"email", text_or_null(p.email)},
                      {"language", to_string(p.language)},
                      {"insured", p.insured},
                      {"created_at", format_timestamp(p.created_at)}};
}

json::value to_json(Quota const& q) {
  return json::object{{"period", q.key.period},    {"region", q.key.region},
                      {"profile", q.key.profile},  {"allocated", q.allocated},
                      {"reserved", q.reserved},    {"used", q.used},
                      {"available", q.available()}};
}

json::value to_json(AttachmentInfo const& a) {
  return json::object{
      {"id", a.id},     {"filename", a.filename}, {"content_type", a.content_type},
      {"size", a.size}, {"sha256", a.sha256},     {"uploaded_at", format_timestamp(a.uploaded_at)}};
}

json::value to_json(StoredAuditEvent const& stored) {
  json::object detail;
  for (auto const& [key, value] : stored.event.detail) detail[key] = value;
  auto const& e = stored.event;
  return json::object{{"seq", stored.seq},
                      {"at", format_timestamp(e.at)},
                      {"actor", json::object{{"login", e.actor}, {"role", to_string(e.role)}}},
                      {"action", e.action},
                      {"referral_id", optional_or_null(e.referral_id, [](Id id) { return id; })},
                      {"detail", std::move(detail)},
                      {"prev_hash", stored.prev_hash},
                      {"hash", stored.hash}};
}

json::value to_json(PublicStatus const& s) {
  return json::object{
      {"code", s.code},
      {"state", to_string(s.state)},
      {"route", to_string(s.route)},
      {"profile", s.profile},
      {"queue_position", optional_or_null(s.queue_position, [](int n) { return n; })},
      {"planned_date", optional_or_null(s.planned_date, [](Date d) { return format_date(d); })},
      {"hospital", text_or_null(s.hospital)},
      {"decision_due",
       optional_or_null(s.decision_due, [](Timestamp at) { return format_timestamp(at); })},
      {"updated_at", format_timestamp(s.updated_at)}};
}

json::value to_json(PatientAccessListing const& l) {
  auto const& a = l.access;
  return json::object{
      {"id", a.id},
      {"at", format_timestamp(a.at)},
      {"doctor", json::object{{"id", a.user_id}, {"login", l.login}, {"name", l.user_name}}},
      {"organization", json::object{{"id", a.organization_id}, {"name", l.organization_name}}},
      {"patient", a.patient_id ? json::value(json::object{{"id", *a.patient_id},
                                                          {"iin", l.patient_iin},
                                                          {"name", l.patient_name}})
                               : json::value(nullptr)},
      {"reason", a.reason}};
}

void write_json(JsonWriter& out, ReferralView const& view, bool with_history) {
  auto const& listing = *view.listing;
  auto const& r = listing.referral;
  auto const stamp = [](Timestamp t) { return timestamp_text(t); };
  auto const optional_stamp = [&](std::optional<Timestamp> t) -> JsonWriter& {
    return t ? out.plain(stamp(*t).view()) : out.null();
  };
  auto const optional_name = [&](auto const& maybe) -> JsonWriter& {
    return maybe ? out.plain(to_string(*maybe)) : out.null();
  };
  out.begin_object()
      .member("id", r.id)
      .plain_member("code", r.code)
      .plain_member("state", to_string(r.state))
      .member("version", r.version);
  out.key("patient")
      .begin_object()
      .plain_member("iin", r.patient_iin)
      .member("name", listing.patient_name)
      .plain_member("region", r.patient_region)
      .end_object();
  out.plain_member("route", to_string(r.route))
      .plain_member("icd10", r.icd10)
      .plain_member("profile", r.profile)
      .plain_member("urgency", to_string(r.urgency))
      .plain_member("care_form", to_string(r.care_form))
      .member("justification", r.justification);
  out.key("referring_organization")
      .begin_object()
      .member("id", r.referring_organization_id)
      .member("name", listing.referring_organization_name)
      .end_object();
  out.plain_member("created_at", stamp(r.created_at).view())
      .plain_member("updated_at", stamp(r.updated_at).view())
      .plain_member("state_since", stamp(r.state_since).view());
  out.key("deadline");
  optional_stamp(r.deadline);
  out.member("overdue", view.overdue).key("decision_mode");
  optional_name(r.decision_mode);
  out.key("protocol").text_or_null(r.protocol);
  out.key("exam");
  if (r.exam_at) {
    out.begin_object()
        .plain_member("at", stamp(*r.exam_at).view())
        .member("place", r.exam_place)
        .end_object();
  } else {
    out.null();
  }
  out.key("quota");
  if (r.quota) {
    out.begin_object()
        .member("period", r.quota->period)
        .plain_member("region", r.quota->region)
        .plain_member("profile", r.quota->profile)
        .end_object();
  } else {
    out.null();
  }
  out.key("receiving_hospital");
  if (r.hospital_id) {
    out.begin_object()
        .member("id", *r.hospital_id)
        .member("name", listing.hospital_name)
        .end_object();
  } else {
    out.null();
  }
  out.key("booking");
  if (r.booking_date && r.hospital_id) {
    out.begin_object()
        .key("hospital")
        .begin_object()
        .member("id", *r.hospital_id)
        .member("name", listing.hospital_name)
        .end_object()
        .plain_member("date", format_date(*r.booking_date))
        .member("place_held", r.place_held)
        .end_object();
  } else {
    out.null();
  }
  out.member("queue_position", view.queue_position).key("case_number").text_or_null(r.case_number);
  out.key("abroad");
  if (r.abroad_clinic.empty()) {
    out.null();
  } else {
    out.begin_object()
        .member("clinic", r.abroad_clinic)
        .member("country", r.abroad_country)
        .end_object();
  }
  out.key("outcome");
  optional_name(r.outcome);
  out.key("final_icd10").text_or_null(r.final_icd10);
  out.key("allowed_actions").begin_array();
  for (auto const& allowed : view.allowed_actions) out.plain(to_string(allowed.action));
  out.end_array();
  if (with_history) {
    // What each allowed action takes, from the transition table: the UI builds its forms so.
    out.key("action_fields").begin_object();
    for (auto const& allowed : view.allowed_actions) {
      out.key(to_string(allowed.action))
          .serialized(action_fields_json(*allowed.row));
    }
    out.end_object();
  }
  out.key("talon");
  if (r.talon) {
    out.begin_object().plain_member("number", r.talon->number);
    out.key("hospital")
        .begin_object()
        .member("id", r.hospital_id.value_or(0))
        .member("name", listing.hospital_name)
        .end_object();
    out.plain_member("issued_at", stamp(r.talon->issued_at).view())
        .plain_member("valid_until", stamp(r.talon->valid_until).view())
        .key("planned_date");
    if (r.talon->planned_date) {
      out.plain(format_date(*r.talon->planned_date));
    } else {
      out.null();
    }
    out.end_object();
  } else {
    out.null();
  }
  if (with_history) {
    out.key("history").begin_array();
    for (auto const& h : view.history) {
      out.begin_object()
          .plain_member("at", stamp(h.at).view())
          .plain_member("action", h.action)
          .key("from");
      optional_name(h.from);
      out.key("to");
      optional_name(h.to);
      out.key("by")
          .begin_object()
          .member("login", h.by_login)
          .key("name")
          .text_or_null(h.by_name)
          .key("organization")
          .text_or_null(h.by_organization)
          .plain_member("role", to_string(h.by_role))
          .end_object();
      out.key("reason_code").text_or_null(h.reason_code);
      out.key("comment").text_or_null(h.comment).end_object();
    }
    out.end_array();
  }
  out.end_object();
}

std::string encode_cursor(WorklistCursor const& cursor) {
  // The worklist's own order keeps the cursor it always had: urgency.state_since.id.
  if (cursor.order == ListOrder::Worklist) {
    return fmt::format("{}.{}.{}", cursor.urgency_rank, cursor.state_since_millis, cursor.id);
  }
  return fmt::format("{}~{}.{}.{}.{}", to_string(cursor.order), cursor.key, cursor.urgency_rank,
                     cursor.state_since_millis, cursor.id);
}

std::optional<WorklistCursor> decode_cursor(std::string_view text) {
  WorklistCursor cursor;
  if (auto const tilde = text.find('~'); tilde != std::string_view::npos) {
    auto const order = parse<ListOrder>(text.substr(0, tilde));
    if (!order || *order == ListOrder::Worklist) return std::nullopt;
    cursor.order = *order;
    text.remove_prefix(tilde + 1);
  }
  auto const read = [&](std::string_view& rest, auto& out, bool last) {
    auto const dot = rest.find('.');
    if (last != (dot == std::string_view::npos)) return false;
    auto const part = rest.substr(0, dot);
    auto const [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    rest.remove_prefix(last ? rest.size() : dot + 1);
    return ec == std::errc{} && end == part.data() + part.size();
  };
  bool const keyed = cursor.order != ListOrder::Worklist;
  if ((keyed && !read(text, cursor.key, false)) || !read(text, cursor.urgency_rank, false) ||
      !read(text, cursor.state_since_millis, false) || !read(text, cursor.id, true)) {
    return std::nullopt;
  }
  if (cursor.urgency_rank < 0 || cursor.urgency_rank > 1 || cursor.id < 0) return std::nullopt;
  return cursor;
}

// --- JsonInput ---------------------------------------------------------------------------------

namespace {

// Finds a key that appears twice in one object. Boost.JSON keeps the last of them, and a
// gateway or a log in front of us may read the first: one body would mean two things.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::optional<std::string> duplicate;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    if (!keys_.back().insert(key_).second) {
      duplicate = key_;
      ec = json::error::syntax;  // stop here: the answer is known
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string key_;
};

std::optional<std::string> first_duplicate_key(std::string_view body) {
  json::parse_options options;
  options.max_depth = 16;
  json::basic_parser<DuplicateKeyFinder> parser{options};
  boost::system::error_code ec;
  parser.write_some(false, body.data(), body.size(), ec);
  return parser.handler().duplicate;
}

}  // namespace

Result<JsonInput> JsonInput::parse(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  auto value = json::parse(body, ec, {}, options);
  if (ec) return make_error(Errc::Malformed, "the body is not valid JSON: " + ec.message());
  if (auto key = first_duplicate_key(body)) {
    return make_error(Errc::Malformed,
                      fmt::format("the key `{}` appears twice in one object",
                                  is_valid_utf8(*key) ? *key : std::string{"?"}),
                      is_valid_utf8(*key) ? *key : std::string{});
  }
  if (!value.is_object()) return make_error(Errc::Malformed, "the body must be a JSON object");
  return JsonInput{std::move(value.as_object())};
}

Result<json::value const*> JsonInput::field(std::string_view key, Need need) {
  seen_.emplace(key);
  auto const* value = object_.if_contains(key);
  if (!value || value->is_null()) {
    if (need == Need::Required) return validation_error(std::string{key}, "this field is required");
    return static_cast<json::value const*>(nullptr);
  }
  return value;
}

Result<std::string> JsonInput::text(std::string_view key, Need need) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::string{};
  if (!(*value)->is_string()) return validation_error(std::string{key}, "must be a string");
  return std::string{(*value)->as_string()};
}

Result<std::optional<std::int64_t>> JsonInput::integer(std::string_view key, Need need,
                                                       std::int64_t min, std::int64_t max) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::optional<std::int64_t>{};
  auto const range = fmt::format("must be between {} and {}", min, max);
  // Boost.JSON keeps integers that fit in 64 signed bits as int64; larger ones are uint64.
  if ((*value)->is_uint64()) return validation_error(std::string{key}, range);
  if (!(*value)->is_int64()) return validation_error(std::string{key}, "must be an integer");
  std::int64_t const number = (*value)->as_int64();
  if (number < min || number > max) return validation_error(std::string{key}, range);
  return std::optional<std::int64_t>{number};
}

Result<std::optional<bool>> JsonInput::boolean(std::string_view key, Need need) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::optional<bool>{};
  if (!(*value)->is_bool()) return validation_error(std::string{key}, "must be true or false");
  return std::optional<bool>{(*value)->as_bool()};
}

Result<std::optional<Date>> JsonInput::date(std::string_view key, Need need) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::optional<Date>{};
  if (!(*value)->is_string())
    return validation_error(std::string{key}, "must be a date YYYY-MM-DD");
  auto const parsed = parse_date(std::string_view{(*value)->as_string()});
  if (!parsed) return validation_error(std::string{key}, "must be a date YYYY-MM-DD");
  return std::optional<Date>{*parsed};
}

Result<std::optional<std::vector<std::string>>> JsonInput::texts(std::string_view key, Need need,
                                                                 std::size_t max_items,
                                                                 std::size_t max_chars) {
  using Texts = std::optional<std::vector<std::string>>;
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return Texts{};
  auto const shape = fmt::format("must be a list of at most {} strings", max_items);
  if (!(*value)->is_array()) return validation_error(std::string{key}, shape);
  auto const& items = (*value)->as_array();
  if (items.size() > max_items) return validation_error(std::string{key}, shape);
  std::vector<std::string> out;
  out.reserve(items.size());
  for (auto const& item : items) {
    if (!item.is_string()) return validation_error(std::string{key}, shape);
    std::string_view const text = item.as_string();
    if (utf8_length(text) > max_chars) {
      return validation_error(std::string{key},
                              fmt::format("each item has at most {} characters", max_chars));
    }
    out.emplace_back(text);
  }
  return Texts{std::move(out)};
}

Result<std::optional<Timestamp>> JsonInput::timestamp(std::string_view key, Need need) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::optional<Timestamp>{};
  auto const message = "must be a date and time with its offset, e.g. 2026-03-04T11:30:00+05:00";
  if (!(*value)->is_string()) return validation_error(std::string{key}, message);
  auto const parsed = parse_timestamp(std::string_view{(*value)->as_string()});
  if (!parsed) return validation_error(std::string{key}, message);
  return std::optional<Timestamp>{*parsed};
}

Status JsonInput::finish() const {
  for (auto const& [key, value] : object_) {
    if (!seen_.contains(std::string_view{key})) {
      return validation_error(std::string{key}, "this field is not expected here");
    }
  }
  return ok();
}

}  // namespace joldama::server
