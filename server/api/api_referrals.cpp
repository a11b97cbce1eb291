// Referrals: registration, worklists, the single read, the workflow's actions, attachments.

#include <fmt/format.h>

#include "server/api/api.hpp"
#include "server/security/crypto.hpp"
#include "server/api/handler_support.hpp"
#include "workflow/fields.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace json = boost::json;
using Need = JsonInput::Need;

namespace {

Result<ReferralDraft> referral_draft(JsonInput& body) {
  ReferralDraft draft;
  auto iin = body.text("patient_iin");
  if (!iin) return iin.error();
  draft.patient_iin = std::move(*iin);
  auto icd10 = body.text("icd10");
  if (!icd10) return icd10.error();
  draft.icd10 = std::move(*icd10);
  auto profile = body.text("profile");
  if (!profile) return profile.error();
  draft.profile = std::move(*profile);
  auto urgency = body.choice<Urgency>("urgency", Need::Required);
  if (!urgency) return urgency.error();
  draft.urgency = **urgency;
  auto care_form = body.choice<CareForm>("care_form", Need::Required);
  if (!care_form) return care_form.error();
  draft.care_form = **care_form;
  auto justification = body.text("justification");
  if (!justification) return justification.error();
  draft.justification = std::move(*justification);
  auto route = body.choice<joldama::Route>("route", Need::Optional);
  if (!route) return route.error();
  draft.route = route->value_or(joldama::Route::HighTech);
  if (auto s = body.finish(); !s) return s.error();
  return draft;
}

// Where a text field of an action's body goes in the input.
std::string* text_of(ActionInput& in, Field field) {
  switch (field) {
    case Field::Comment: return &in.comment;
    case Field::Reason: return &in.reason;
    case Field::ReasonCode: return &in.reason_code;
    case Field::Protocol: return &in.protocol;
    case Field::ExamPlace: return &in.exam_place;
    case Field::Clinic: return &in.clinic;
    case Field::Country: return &in.country;
    case Field::CaseNumber: return &in.case_number;
    case Field::FinalIcd10: return &in.final_icd10;
    case Field::ExamAt:
    case Field::HospitalId:
    case Field::Outcome:
    case Field::PlannedDate: break;
  }
  return nullptr;
}

// The body of an action: the fields the transition table gives the action (see fields.hpp),
// typed by their kind here; presence and content are the workflow's to check.
Result<ActionInput> action_input(Action action, JsonInput& body) {
  ActionInput in;
  auto const fields = fields_of_action(action);
  for (Field field : all_values<Field>()) {
    if (!fields.contains(field)) continue;
    auto const name = to_string(field);
    switch (field_spec(field).kind) {
      case FieldKind::Text:
      case FieldKind::LongText:
      case FieldKind::Icd10:
      case FieldKind::ReasonCode: {
        auto value = body.text(name, Need::Optional);
        if (!value) return value.error();
        auto* target = text_of(in, field);
        if (!target) return make_error(Errc::Internal, "a text field without its place");
        *target = std::move(*value);
        break;
      }
      case FieldKind::DateTime: {
        auto at = body.timestamp(name, Need::Optional);
        if (!at) return at.error();
        in.exam_at = *at;
        break;
      }
      case FieldKind::CalendarDate: {
        auto date = body.date(name, Need::Optional);
        if (!date) return date.error();
        in.planned_date = *date;
        break;
      }
      case FieldKind::Hospital: {
        auto hospital = body.integer(name, Need::Optional, 1, INT64_MAX);
        if (!hospital) return hospital.error();
        in.hospital_id = *hospital;
        break;
      }
      case FieldKind::Outcome: {
        auto outcome = body.choice<Outcome>(name, Need::Optional);
        if (!outcome) return outcome.error();
        in.outcome = *outcome;
        break;
      }
    }
  }
  if (auto finished = body.finish(); !finished) return finished.error();
  return in;
}

Result<WorklistQuery> worklist_query(Request const& request, bool paged) {
  WorklistQuery query;
  auto const states = query_text(request, "state");
  for (std::size_t start = 0; start < states.size();) {
    auto const comma = states.find(',', start);
    auto const name = std::string_view{states}.substr(start, comma - start);
    auto const state = parse<State>(name);
    if (!state) return validation_error("state", fmt::format("`{}` is not a state", name));
    query.states.push_back(*state);
    start = comma == std::string::npos ? states.size() : comma + 1;
  }
  query.profile = query_text(request, "profile");
  query.region = query_text(request, "region");
  auto const overdue = query_text(request, "overdue");
  if (!overdue.empty() && overdue != "true" && overdue != "false") {
    return validation_error("overdue", "must be true or false");
  }
  query.overdue_only = overdue == "true";
  for (auto [name, target] : {std::pair{"due_by", &query.due_by},
                              std::pair{"created_from", &query.created_from},
                              std::pair{"created_to", &query.created_to}}) {
    if (auto text = query_text(request, name); !text.empty()) {
      *target = parse_date(text);
      if (!*target) return validation_error(name, "a date is written YYYY-MM-DD");
    }
  }
  if (auto since = query_text(request, "since"); !since.empty()) {
    query.since = parse_timestamp(since);
    if (!query.since) return validation_error("since", "an instant is written as in RFC 3339");
  }
  query.text = query_text(request, "q");
  auto const mine = query_text(request, "mine");
  if (!mine.empty() && mine != "true" && mine != "false") {
    return validation_error("mine", "must be true or false");
  }
  query.mine = mine == "true";
  query.protocol = query_text(request, "protocol");
  if (auto sort = query_text(request, "sort"); !sort.empty()) {
    auto const order = parse<ListOrder>(sort);
    if (!order) {
      return validation_error(
          "sort", "one of worklist, deadline, -deadline, created_at, -created_at, state");
    }
    query.order = *order;
  }
  if (paged) {
    auto limit = query_integer(request, "limit", 1, static_cast<std::int64_t>(kMaxPageSize));
    if (!limit) return limit.error();
    query.limit = static_cast<std::size_t>(limit->value_or(50));
    if (auto after = query_text(request, "after"); !after.empty()) {
      query.after = decode_cursor(after);
      if (!query.after) return validation_error("after", "not a cursor from a previous page");
    }
  }
  return query;
}

Response referral_response(int status, ReferralView const& view, bool with_history) {
  JsonWriter out;
  write_json(out, view, with_history);
  auto response = Api::json_text(status, out.take());
  response.set_header("etag", etag(view.listing->referral.version));
  return response;
}

// The percent-encoded form of a file name for Content-Disposition's filename*.
std::string rfc5987(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string ascii_fallback(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    out.push_back(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
  }
  return out;
}

void register_referral(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto body = api.json_body(*exchange);
  if (!body) return api.fail(exchange, body.error());
  auto draft = referral_draft(*body);
  if (!draft) return api.fail(exchange, draft.error());
  auto const actor = exchange->actor();
  api.write<ReferralView>(
      exchange,
      [&api, actor, draft = std::move(*draft)](Store& store) -> Result<ReferralView> {
        auto referral = api.services().workflow.register_referral(store, actor, draft);
        if (!referral) return referral.error();
        return api.services().lookup.referral(store, actor, referral->id);
      },
      [](ReferralView const& view) {
        auto response = referral_response(201, view, true);
        response.set_header("location",
                            fmt::format("/api/v1/referrals/{}", view.listing->referral.id));
        return response;
      });
}

void list_referrals(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto query = worklist_query(exchange->request, true);
  if (!query) return api.fail(exchange, query.error());
  api.read_audited(exchange, [&api, exchange, query = std::move(*query)](
                                 StoreReads& store) -> Result<Api::Audited> {
    auto const actor = exchange->actor();
    auto page = api.services().lookup.worklist(store, actor, query);
    if (!page) return page.error();
    JsonWriter out;
    out.reserve(1536 * (page->items.size() + 1));
    out.begin_object().key("items").begin_array();
    for (auto const& view : page->items) write_json(out, view, false);
    out.end_array().key("next");
    if (page->next) {
      out.plain(encode_cursor(*page->next));
    } else {
      out.null();
    }
    // One event per page, naming the referrals it shows (and what was searched for).
    std::vector<AuditEvent> events;
    if (!page->items.empty()) {
      std::string shown;
      for (auto const& view : page->items) {
        if (!shown.empty()) shown += ',';
        shown += std::to_string(view.listing->referral.id);
      }
      AuditEvent event{api.services().clock.now(), actor.login, actor.role, "read_referrals",
                       std::nullopt, {{"referrals", std::move(shown)}}};
      if (!query.text.empty()) event.detail.emplace_back("q", query.text);
      events.push_back(std::move(event));
    }
    return Api::Audited{Api::json_text(200, out.end_object().take()), std::move(events)};
  });
}

void count_referrals(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto query = worklist_query(exchange->request, false);
  if (!query) return api.fail(exchange, query.error());
  api.read_audited(exchange, [&api, exchange, query = std::move(*query)](
                                 StoreReads& store) -> Result<Api::Audited> {
    auto const actor = exchange->actor();
    auto counts = api.services().lookup.counts(store, actor, query);
    if (!counts) return counts.error();
    json::object by_state;
    std::int64_t total = 0;
    for (State state : all_values<State>()) by_state[to_string(state)] = 0;
    for (auto const& [state, count] : *counts) {
      by_state[to_string(state)] = count;
      total += count;
    }
    // A count of a search (by IIN, code or name) tells about the patients it matched.
    std::vector<AuditEvent> events;
    if (!query.text.empty()) {
      events.push_back(AuditEvent{api.services().clock.now(), actor.login, actor.role,
                                  "count_referrals", std::nullopt,
                                  {{"q", query.text}, {"total", std::to_string(total)}}});
    }
    return Api::Audited{
        Api::json(200, json::object{{"counts", std::move(by_state)}, {"total", total}}),
        std::move(events)};
  });
}

void read_referral(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such referral"));
  auto const actor = exchange->actor();
  api.read_audited(exchange, [&api, actor, id = *id](StoreReads& store) -> Result<Api::Audited> {
    auto view = api.services().lookup.referral(store, actor, id);
    if (!view) return view.error();
    return Api::Audited{
        referral_response(200, *view, true),
        {AuditEvent{api.services().clock.now(), actor.login, actor.role, "read_referral", id, {}}}};
  });
}

void perform_action(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  auto const action = parse<Action>(exchange->param("action"));
  if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such referral"));
  if (!action || *action == Action::Register) {
    return api.fail(exchange, make_error(Errc::NotFound, "no such action"));
  }
  auto version = if_match_version(exchange->request);
  if (!version) return api.fail(exchange, version.error());
  auto body = json_or_empty(api, *exchange);
  if (!body) return api.fail(exchange, body.error());
  auto input = action_input(*action, *body);
  if (!input) return api.fail(exchange, input.error());
  ActionCommand command{*id, *action, *version, std::move(*input)};
  auto const actor = exchange->actor();
  api.write<ReferralView>(
      exchange,
      [&api, actor, command = std::move(command)](Store& store) -> Result<ReferralView> {
        auto referral = api.services().workflow.perform(store, actor, command);
        if (!referral) return referral.error();
        auto const& lookup = api.services().lookup;
        auto view = lookup.referral(store, actor, referral->id);
        if (!view && view.error().code == Errc::NotFound) {
          // The action took the referral out of the actor's scope (a declined talon): show them
          // the outcome of their own action, and nothing more.
          view = lookup.acted_on(store, actor, referral->id);
        }
        return view;
      },
      [](ReferralView const& view) { return referral_response(200, view, !view.history.empty()); });
}

void upload_attachment(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such referral"));
  auto& request = exchange->request;
  auto const type = request.header("content-type").value_or("");
  AttachmentUpload upload;
  upload.content_type = std::string{type.substr(0, type.find(';'))};
  auto const name = request.header("x-filename");
  if (!name || name->empty()) {
    return api.fail(exchange, validation_error("filename", "send the file name in X-Filename"));
  }
  // Header values are ASCII; a name in Kazakh or Russian arrives percent-encoded (UTF-8).
  auto decoded = percent_decode(*name, false);
  if (!decoded)
    return api.fail(exchange, validation_error("filename", "the file name is malformed"));
  upload.filename = std::move(*decoded);
  upload.sha256 = sha256_hex(request.body);
  upload.bytes = std::move(request.body);
  request.body.clear();
  api.write(
      exchange,
      [&api, exchange, id = *id, upload = std::move(upload)](Store& store) -> Result<Response> {
        auto info = api.services().workflow.attach(store, exchange->actor(), id, upload);
        if (!info) return info.error();
        auto response = Api::json(201, to_json(*info));
        response.set_header("location",
                            fmt::format("/api/v1/referrals/{}/attachments/{}", id, info->id));
        return response;
      });
}

void list_attachments(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  if (!id) return api.fail(exchange, make_error(Errc::NotFound, "no such referral"));
  api.read(exchange, [&api, exchange, id = *id](StoreReads& store) -> Result<Response> {
    auto items = api.services().lookup.attachments(store, exchange->actor(), id);
    if (!items) return items.error();
    json::array out;
    for (auto const& item : *items) out.push_back(to_json(item));
    return Api::json(200, out);
  });
}

void download_attachment(Api& api, std::shared_ptr<Exchange> const& exchange) {
  auto const id = parse_id(exchange->param("id"));
  auto const attachment_id = parse_id(exchange->param("aid"));
  if (!id || !attachment_id)
    return api.fail(exchange, make_error(Errc::NotFound, "no such attachment"));
  auto const actor = exchange->actor();
  api.read_audited(exchange, [&api, actor, id = *id,
                              aid = *attachment_id](StoreReads& store) -> Result<Api::Audited> {
             auto attachment = api.services().lookup.attachment(store, actor, id, aid);
             if (!attachment) return attachment.error();
             AuditEvent event{api.services().clock.now(),
                              actor.login,
                              actor.role,
                              "read_attachment",
                              id,
                              {{"attachment_id", std::to_string(aid)}}};
             Response response;
             response.status = 200;
             response.set_header("content-type", attachment->info.content_type);
             // Always a download, never rendered in the application's origin; the name (RFC
             // 6266: an ASCII fallback and the UTF-8 filename*) without invisible characters,
             // even for a name kept before they were removed at upload.
             auto const name = without_invisible(attachment->info.filename);
             response.set_header("content-disposition",
                                 fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                                             ascii_fallback(name), rfc5987(name)));
             response.set_header("content-security-policy", "default-src 'none'; sandbox");
             response.body = std::move(attachment->bytes);
             return Api::Audited{std::move(response), {std::move(event)}};
           });
}

}  // namespace

void add_referral_routes(Api& api) {
  auto const bind = [&api](void (*handler)(Api&, std::shared_ptr<Exchange> const&)) {
    return [&api, handler](std::shared_ptr<Exchange> const& exchange) { handler(api, exchange); };
  };
  api.add({Method::Post, "/api/v1/referrals", Access::SignedIn, Body::Json,
           "A doctor registers a referral for a registered patient (state `registered`)",
           bind(register_referral)});
  api.add({Method::Get, "/api/v1/referrals", Access::SignedIn, Body::None,
           "The caller's worklist: ?state=a,b&profile=&region=&overdue=true&due_by=DATE&since=INSTANT"
           "&created_from=DATE&created_to=DATE&q=&mine=true&protocol=&sort=worklist|deadline"
           "|-deadline|created_at|-created_at|state&limit=50&after=",
           bind(list_referrals)});
  api.add({Method::Get, "/api/v1/referrals/counts", Access::SignedIn, Body::None,
           "How many of the caller's referrals are in each state, for the same filters",
           bind(count_referrals)});
  api.add({Method::Get, "/api/v1/referrals/{id}", Access::SignedIn, Body::None,
           "One referral with its history and allowed actions; ETag is its version",
           bind(read_referral)});
  api.add({Method::Post, "/api/v1/referrals/{id}/actions/{action}", Access::SignedIn, Body::Json,
           "Perform a workflow action; requires If-Match with the version read",
           bind(perform_action)});
  api.add({Method::Post, "/api/v1/referrals/{id}/attachments", Access::SignedIn, Body::File,
           "Attach a PDF, PNG or JPEG (raw body, Content-Type, X-Filename), at most 10 MiB",
           bind(upload_attachment)});
  api.add({Method::Get, "/api/v1/referrals/{id}/attachments", Access::SignedIn, Body::None,
           "The referral's attachments", bind(list_attachments)});
  api.add({Method::Get, "/api/v1/referrals/{id}/attachments/{aid}", Access::SignedIn, Body::None,
           "An attachment's bytes, as a download", bind(download_attachment)});
}

}  // namespace joldama::server
