// The OpenAPI 3.1 description, built from the router's table so that every route is described
// and nothing else is. Each route's request and response schemas are named here.

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "server/api/api.hpp"

namespace joldama::server {

namespace json = boost::json;

namespace {

struct Shapes {
  char const* request;   // a schema name, "binary", or nullptr
  char const* response;  // a schema name, "[Name]" for an array, "binary", "text", or nullptr
  int status;
};

// The request and response of every route, by "METHOD pattern".
std::map<std::string, Shapes> const& shapes() {
  static std::map<std::string, Shapes> const table = {
      {"GET /healthz", {nullptr, "Health", 200}},
      {"GET /metrics", {nullptr, "text", 200}},
      {"GET /api/v1/openapi.json", {nullptr, "Object", 200}},
      {"POST /api/v1/session", {"Login", "SessionCreated", 200}},
      {"DELETE /api/v1/session", {nullptr, nullptr, 204}},
      {"POST /api/v1/session/csrf", {nullptr, "CsrfToken", 200}},
      {"GET /api/v1/me", {nullptr, "User", 200}},
      {"PUT /api/v1/me", {"LocaleChoice", "User", 200}},
      {"POST /api/v1/me/password", {"PasswordChange", nullptr, 204}},
      {"GET /api/v1/regions", {nullptr, "[Region]", 200}},
      {"GET /api/v1/profiles", {nullptr, "[Profile]", 200}},
      {"GET /api/v1/organizations", {nullptr, "[Organization]", 200}},
      {"GET /api/v1/icd10", {nullptr, "[Icd10Code]", 200}},
      {"GET /api/v1/organizations/{id}", {nullptr, "Organization", 200}},
      {"PUT /api/v1/organizations/{id}/profiles", {"HospitalProfiles", "Organization", 200}},
      {"PUT /api/v1/organizations/{id}/contacts", {"OrganizationContacts", "Organization", 200}},
      {"GET /api/v1/places", {nullptr, "[PlaceDay]", 200}},
      {"PUT /api/v1/places/{hospital_id}/{profile}/{date}", {"Capacity", "PlaceDay", 200}},
      {"GET /api/v1/reasons", {nullptr, "[Reason]", 200}},
      {"POST /api/v1/patients", {"PatientInput", "Patient", 201}},
      {"GET /api/v1/patients/{iin}", {nullptr, "Patient", 200}},
      {"POST /api/v1/patients/{iin}/access", {"AccessRequest", "Patient", 200}},
      {"GET /api/v1/patient-accesses", {nullptr, "[PatientAccess]", 200}},
      {"POST /api/v1/referrals", {"ReferralInput", "Referral", 201}},
      {"GET /api/v1/referrals", {nullptr, "ReferralPage", 200}},
      {"GET /api/v1/referrals/counts", {nullptr, "StateCounts", 200}},
      {"GET /api/v1/referrals/{id}", {nullptr, "Referral", 200}},
      {"POST /api/v1/referrals/{id}/actions/{action}", {"ActionInput", "Referral", 200}},
      {"POST /api/v1/referrals/{id}/attachments", {"binary", "Attachment", 201}},
      {"GET /api/v1/referrals/{id}/attachments", {nullptr, "[Attachment]", 200}},
      {"GET /api/v1/referrals/{id}/attachments/{aid}", {nullptr, "binary", 200}},
      {"GET /api/v1/quotas", {nullptr, "[Quota]", 200}},
      {"PUT /api/v1/quotas/{period}/{region}/{profile}", {"Allocation", "Quota", 200}},
      {"POST /api/v1/quotas/distribute", {"DistributionInput", "[Quota]", 200}},
      {"GET /api/v1/public/status", {nullptr, "PublicStatus", 200}},
      {"GET /api/v1/audit", {nullptr, "[AuditEvent]", 200}},
      {"GET /api/v1/audit/verify", {nullptr, "AuditCheck", 200}},
      {"GET /api/v1/audit/anchor", {nullptr, "AuditAnchor", 200}},
      {"GET /api/v1/users", {nullptr, "[UserAccount]", 200}},
      {"POST /api/v1/users", {"UserInput", "UserAccount", 201}},
      {"PATCH /api/v1/users/{id}", {"UserChanges", "UserAccount", 200}},
      {"POST /api/v1/organizations", {"OrganizationInput", "Organization", 201}},
      {"GET /api/v1/calendar", {nullptr, "Calendar", 200}},
      {"POST /api/v1/calendar/days-off", {"DayOffInput", "DayOffAdded", 201}},
      {"GET /api/v1/notifications", {nullptr, "NotificationPage", 200}},
      {"POST /api/v1/notifications/{id}/read", {nullptr, nullptr, 204}},
      {"POST /api/v1/notifications/read-all", {nullptr, nullptr, 204}},
      {"GET /api/v1/outbox", {nullptr, "OutboxPage", 200}},
      {"POST /api/v1/outbox/{id}/retry", {nullptr, "OutboxMessage", 200}},
      {"GET /api/v1/reports/quota-use", {nullptr, "QuotaUseReport", 200}},
      {"GET /api/v1/reports/waiting", {nullptr, "WaitingReport", 200}},
      {"GET /api/v1/reports/stage-times", {nullptr, "StageTimesReport", 200}},
      {"GET /api/v1/reports/reasons", {nullptr, "ReasonsReport", 200}},
      {"GET /api/v1/reports/referrals", {nullptr, "ReferralsReport", 200}},
  };
  return table;
}

json::object ref(std::string_view name) {
  return json::object{{"$ref", fmt::format("#/components/schemas/{}", name)}};
}

json::object string_schema() {
  return json::object{{"type", "string"}};
}
json::object nullable(char const* type) {
  return json::object{{"type", json::array{type, "null"}}};
}
json::object enum_of(std::initializer_list<std::string_view> values) {
  json::array list;
  for (auto v : values) list.emplace_back(v);
  return json::object{{"type", "string"}, {"enum", list}};
}
template <NamedEnum E>
json::object enum_schema() {
  json::array list;
  for (auto name : EnumText<E>::kNames) list.emplace_back(name);
  return json::object{{"type", "string"}, {"enum", list}};
}

json::object object(json::object properties, std::initializer_list<char const*> required) {
  json::array names;
  for (auto r : required) names.emplace_back(r);
  return json::object{
      {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(names)}};
}

json::object schemas() {
  auto const names =
      object({{"kk", string_schema()}, {"ru", string_schema()}, {"en", string_schema()}},
             {"kk", "ru", "en"});
  auto const id_name =
      object({{"id", {{"type", "integer"}}}, {"name", string_schema()}}, {"id", "name"});
  json::object s;
  s["Error"] = object({{"error", object({{"code", string_schema()},
                                         {"message", string_schema()},
                                         {"field", string_schema()}},
                                        {"code", "message"})}},
                      {"error"});
  s["Health"] = object({{"status", enum_of({"ok"})}}, {"status"});
  s["Object"] = json::object{{"type", "object"}};
  s["Login"] =
      object({{"login", string_schema()}, {"password", string_schema()}}, {"login", "password"});
  s["LocaleChoice"] = object({{"locale", enum_schema<Locale>()}}, {"locale"});
  s["User"] =
      object({{"id", {{"type", "integer"}}},
              {"login", string_schema()},
              {"name", string_schema()},
              {"role", enum_schema<Role>()},
              {"organization", json::object{{"oneOf", json::array{id_name, nullable("null")}}}},
              {"region", nullable("string")},
              {"locale", enum_schema<Locale>()},
              {"must_change_password", {{"type", "boolean"}}}},
             {"id", "login", "name", "role", "organization", "region", "locale",
              "must_change_password"});
  s["SessionCreated"] =
      object({{"token", string_schema()}, {"csrf_token", string_schema()}, {"user", ref("User")}},
             {"token", "csrf_token", "user"});
  s["PasswordChange"] =
      object({{"current", string_schema()}, {"new", string_schema()}}, {"current", "new"});
  s["CsrfToken"] = object({{"csrf_token", string_schema()}}, {"csrf_token"});
  s["Region"] = object({{"code", string_schema()},
                        {"name", names},
                        {"population", {{"type", "integer"}}},
                        {"population_as_of", {{"type", "string"}, {"format", "date"}}},
                        {"population_exact", {{"type", "boolean"}}}},
                       {"code", "name", "population", "population_as_of", "population_exact"});
  s["Profile"] = object({{"code", string_schema()}, {"name", names}}, {"code", "name"});
  s["Organization"] = object({{"id", {{"type", "integer"}}},
                              {"name", string_schema()},
                              {"kind", enum_schema<OrganizationKind>()},
                              {"level", enum_schema<OrganizationLevel>()},
                              {"region", string_schema()},
                              {"profiles", {{"type", "array"}, {"items", string_schema()}}},
                              {"accepts", {{"type", "array"}, {"items", enum_schema<joldama::Route>()}}},
                              {"address", string_schema()},
                              {"phone", string_schema()}},
                             {"id", "name", "kind", "level", "region", "address", "phone"});
  s["OrganizationContacts"] = object({{"address", string_schema()}, {"phone", string_schema()}}, {});
  s["HospitalProfiles"] = object(
      {{"profiles", {{"type", "array"}, {"items", string_schema()}}},
       {"accepts", {{"type", "array"}, {"items", enum_schema<joldama::Route>()}}}},
      {"profiles", "accepts"});
  s["PlaceDay"] = object({{"hospital", object({{"id", {{"type", "integer"}}},
                                               {"name", string_schema()},
                                               {"region", string_schema()},
                                               {"level", enum_schema<OrganizationLevel>()},
                                               {"address", string_schema()},
                                               {"phone", string_schema()}},
                                              {"id", "name", "region", "level"})},
                          {"profile", string_schema()},
                          {"date", {{"type", "string"}, {"format", "date"}}},
                          {"capacity", {{"type", "integer"}}},
                          {"booked", {{"type", "integer"}}},
                          {"free", {{"type", "integer"}}}},
                         {"hospital", "profile", "date", "capacity", "booked", "free"});
  s["Capacity"] = object({{"capacity", {{"type", "integer"}, {"minimum", 0}, {"maximum", 10000}}}},
                         {"capacity"});
  s["Reason"] = object({{"code", string_schema()}, {"name", names}}, {"code", "name"});
  s["PatientInput"] = object(
      {{"iin", {{"type", "string"}, {"pattern", "^[0-9]{12}$"}}},
       {"last_name", string_schema()},
       {"first_name", string_schema()},
       {"middle_name", string_schema()},
       {"birth_date", {{"type", "string"}, {"format", "date"}}},
       {"sex", enum_schema<Sex>()},
       {"residency", enum_schema<Residency>()},
       {"region", string_schema()},
       {"phone", string_schema()},
       {"email", string_schema()},
       {"language", {{"type", "string"}, {"enum", json::array{"kk", "ru"}}}},
       {"insured", {{"type", "boolean"}}}},
      {"iin", "last_name", "first_name", "birth_date", "sex", "residency", "region", "insured"});
  auto patient = s["PatientInput"].as_object();
  patient["properties"].as_object()["id"] = json::object{{"type", "integer"}};
  patient["properties"].as_object()["covered"] = json::object{{"type", "boolean"}};
  patient["properties"].as_object()["created_at"] =
      json::object{{"type", "string"}, {"format", "date-time"}};
  s["Patient"] = patient;
  s["Icd10Code"] = object({{"code", string_schema()},
                           {"name", object({{"ru", string_schema()}}, {"ru"})}},
                          {"code", "name"});
  s["AccessRequest"] = object({{"reason", string_schema()}}, {"reason"});
  s["PatientAccess"] = object(
      {{"id", {{"type", "integer"}}},
       {"at", {{"type", "string"}, {"format", "date-time"}}},
       {"doctor", object({{"id", {{"type", "integer"}}},
                          {"login", string_schema()},
                          {"name", string_schema()}},
                         {"id", "login", "name"})},
       {"organization", id_name},
       {"patient", nullable("object")},
       {"reason", string_schema()}},
      {"id", "at", "doctor", "organization", "patient", "reason"});
  s["AuditAnchor"] = object({{"seq", {{"type", "integer"}}},
                             {"hash", string_schema()},
                             {"at", {{"type", "string"}, {"format", "date-time"}}},
                             {"key_id", string_schema()},
                             {"signature", string_schema()}},
                            {"seq", "hash", "at", "key_id", "signature"});
  auto const date = json::object{{"type", "string"}, {"format", "date"}};
  s["NotificationPage"] = object(
      {{"items", json::object{{"type", "array"},
                              {"items", object({{"id", {{"type", "integer"}}},
                                                {"at", {{"type", "string"}, {"format", "date-time"}}},
                                                {"kind", enum_schema<NoticeKind>()},
                                                {"referral", {{"type", json::array{"object", "null"}}}},
                                                {"read", {{"type", "boolean"}}}},
                                               {"id", "at", "kind", "referral", "read"})}}},
       {"next", nullable("integer")},
       {"unread", {{"type", "integer"}}}},
      {"items", "next", "unread"});
  auto const moment = json::object{{"type", "string"}, {"format", "date-time"}};
  s["OutboxMessage"] = object({{"id", {{"type", "integer"}}},
                               {"created_at", moment},
                               {"referral_id", {{"type", "integer"}}},
                               {"channel", enum_schema<Channel>()},
                               {"to", string_schema()},
                               {"kind", enum_schema<MessageKind>()},
                               {"language", {{"type", "string"}, {"enum", json::array{"kk", "ru"}}}},
                               {"state", enum_schema<DeliveryState>()},
                               {"attempts", {{"type", "integer"}}},
                               {"next_attempt_at", {{"type", json::array{"string", "null"}}}},
                               {"last_error", nullable("string")},
                               {"sent_at", {{"type", json::array{"string", "null"}}}}},
                              {"id", "created_at", "referral_id", "channel", "to", "kind", "language", "state",
                               "attempts", "next_attempt_at", "last_error", "sent_at"});
  s["OutboxPage"] = object(
      {{"items", json::object{{"type", "array"}, {"items", ref("OutboxMessage")}}},
       {"next", nullable("integer")}},
      {"items", "next"});
  // The reports: JSON as below, or with ?format=csv|xlsx a file (text/csv, or a workbook).
  auto const count = json::object{{"type", "integer"}};
  auto const maybe_count = nullable("integer");
  auto const share = nullable("number");
  auto const rows_of = [](json::object row) {
    return json::object{{"type", "array"}, {"items", std::move(row)}};
  };
  auto const quota_row = object({{"region", string_schema()},
                                 {"profile", string_schema()},
                                 {"allocated", count},
                                 {"reserved", count},
                                 {"used", count},
                                 {"available", count},
                                 {"share_used", share}},
                                {"region", "profile", "allocated", "reserved", "used",
                                 "available", "share_used"});
  s["QuotaUseReport"] = object(
      {{"period", count},
       {"region", nullable("string")},
       {"profile", nullable("string")},
       {"rows", rows_of(quota_row)},
       {"total", quota_row},
       {"trend", rows_of(object({{"month", string_schema()},
                                 {"reserved", count},
                                 {"released", count},
                                 {"used", count}},
                                {"month", "reserved", "released", "used"}))}},
      {"period", "region", "profile", "rows", "total", "trend"});
  auto const waiting_row = object({{"region", string_schema()},
                                   {"profile", string_schema()},
                                   {"length", count},
                                   {"median_days", maybe_count},
                                   {"longest_days", maybe_count}},
                                  {"region", "profile", "length", "median_days", "longest_days"});
  s["WaitingReport"] = object({{"as_of", date},
                               {"region", nullable("string")},
                               {"profile", nullable("string")},
                               {"rows", rows_of(waiting_row)},
                               {"total", waiting_row}},
                              {"as_of", "region", "profile", "rows", "total"});
  s["StageTimesReport"] = object(
      {{"from", date},
       {"to", date},
       {"region", nullable("string")},
       {"rows", rows_of(object({{"stage", enum_schema<State>()},
                                {"stays", count},
                                {"median_working_days", maybe_count},
                                {"p90_working_days", maybe_count},
                                {"deadline_working_days", maybe_count},
                                {"overdue", count},
                                {"share_overdue", share}},
                               {"stage", "stays", "median_working_days", "p90_working_days",
                                "deadline_working_days", "overdue", "share_overdue"}))}},
      {"from", "to", "region", "rows"});
  s["ReasonsReport"] = object(
      {{"from", date},
       {"to", date},
       {"region", nullable("string")},
       {"rows", rows_of(object({{"action", enum_schema<Action>()},
                                {"code", string_schema()},
                                {"count", count}},
                               {"action", "code", "count"}))}},
      {"from", "to", "region", "rows"});
  s["ReferralsReport"] = object(
      {{"from", date},
       {"to", date},
       {"region", nullable("string")},
       {"profile", nullable("string")},
       {"rows", rows_of(object({{"month", string_schema()},
                                {"route", enum_schema<joldama::Route>()},
                                {"registered", count},
                                {"open", count},
                                {"completed", count},
                                {"rejected", count},
                                {"cancelled", count},
                                {"expired", count},
                                {"no_show", count}},
                               {"month", "route", "registered", "open", "completed", "rejected",
                                "cancelled", "expired", "no_show"}))}},
      {"from", "to", "region", "profile", "rows"});
  s["Calendar"] = object(
      {{"year", {{"type", "integer"}}},
       {"covered", {{"type", "boolean"}}},
       {"first_year", {{"type", "integer"}}},
       {"last_year", {{"type", "integer"}}},
       {"days", json::object{{"type", "array"},
                             {"items", object({{"date", date},
                                               {"kind", json::object{{"type", "string"},
                                                                     {"enum", json::array{"holiday", "day_off", "working_day"}}}},
                                               {"description", string_schema()},
                                               {"announced", {{"type", "boolean"}}}},
                                              {"date", "kind", "description", "announced"})}}}},
      {"year", "covered", "first_year", "last_year", "days"});
  s["DayOffInput"] = object({{"date", date}, {"description", string_schema()}}, {"date", "description"});
  s["DayOffAdded"] = object({{"date", date},
                             {"description", string_schema()},
                             {"deadlines_moved", {{"type", "integer"}}},
                             {"referrals", json::object{{"type", "array"}, {"items", {{"type", "integer"}}}}}},
                            {"date", "description", "deadlines_moved", "referrals"});
  s["ReferralInput"] =
      object({{"patient_iin", string_schema()},
              {"icd10", string_schema()},
              {"profile", string_schema()},
              {"route", enum_schema<joldama::Route>()},
              {"urgency", enum_schema<Urgency>()},
              {"care_form", enum_schema<CareForm>()},
              {"justification", string_schema()}},
             {"patient_iin", "icd10", "profile", "urgency", "care_form", "justification"});
  s["ActionInput"] = json::object{
      {"type", "object"},
      {"description",
       "The fields each action takes are those of its row of the transition table, given with "
       "every referral in `action_fields` (name, kind, required, required_unless, max_chars, "
       "options). A comment is accepted with every action."},
      {"properties", json::object{{"comment", string_schema()},
                                  {"reason", string_schema()},
                                  {"reason_code", string_schema()},
                                  {"at", {{"type", "string"}, {"format", "date-time"}}},
                                  {"place", string_schema()},
                                  {"protocol", string_schema()},
                                  {"hospital_id", {{"type", "integer"}}},
                                  {"clinic", string_schema()},
                                  {"country", string_schema()},
                                  {"outcome", enum_schema<Outcome>()},
                                  {"planned_date", {{"type", "string"}, {"format", "date"}}},
                                  {"case_number", string_schema()},
                                  {"final_icd10", string_schema()}}}};
  s["Referral"] = json::object{
      {"type", "object"},
      {"properties",
       json::object{{"id", {{"type", "integer"}}},
                    {"code", string_schema()},
                    {"state", enum_schema<State>()},
                    {"version", {{"type", "integer"}}},
                    {"patient", object({{"iin", string_schema()},
                                        {"name", string_schema()},
                                        {"region", string_schema()}},
                                       {"iin", "name", "region"})},
                    {"icd10", string_schema()},
                    {"profile", string_schema()},
                    {"urgency", enum_schema<Urgency>()},
                    {"care_form", enum_schema<CareForm>()},
                    {"justification", string_schema()},
                    {"referring_organization", id_name},
                    {"created_at", string_schema()},
                    {"updated_at", string_schema()},
                    {"deadline", nullable("string")},
                    {"overdue", {{"type", "boolean"}}},
                    {"decision_mode", nullable("string")},
                    {"exam", nullable("object")},
                    {"quota", nullable("object")},
                    {"talon", nullable("object")},
                    {"queue_position", nullable("integer")},
                    {"route", enum_schema<joldama::Route>()},
                    {"booking", nullable("object")},
                    {"allowed_actions", {{"type", "array"}, {"items", enum_schema<Action>()}}},
                    {"action_fields", {{"type", "object"}}},
                    {"history", {{"type", "array"}, {"items", {{"type", "object"}}}}}}},
      {"required", json::array{"id", "code", "state", "version", "patient", "allowed_actions"}}};
  s["ReferralPage"] = object(
      {{"items", {{"type", "array"}, {"items", ref("Referral")}}}, {"next", nullable("string")}},
      {"items", "next"});
  s["StateCounts"] = object({{"counts", {{"type", "object"}}}, {"total", {{"type", "integer"}}}},
                            {"counts", "total"});
  s["Attachment"] =
      object({{"id", {{"type", "integer"}}},
              {"filename", string_schema()},
              {"content_type", enum_of({"application/pdf", "image/png", "image/jpeg"})},
              {"size", {{"type", "integer"}}},
              {"sha256", string_schema()}},
             {"id", "filename", "content_type", "size", "sha256"});
  s["Quota"] =
      object({{"period", {{"type", "integer"}}},
              {"region", string_schema()},
              {"profile", string_schema()},
              {"allocated", {{"type", "integer"}}},
              {"reserved", {{"type", "integer"}}},
              {"used", {{"type", "integer"}}},
              {"available", {{"type", "integer"}}}},
             {"period", "region", "profile", "allocated", "reserved", "used", "available"});
  s["Allocation"] = object({{"allocated", {{"type", "integer"}, {"minimum", 0}}}}, {"allocated"});
  s["DistributionInput"] = object({{"period", {{"type", "integer"}}},
                                   {"profile", string_schema()},
                                   {"total", {{"type", "integer"}, {"minimum", 0}}},
                                   {"dry_run", {{"type", "boolean"}}}},
                                  {"period", "profile", "total"});
  s["PublicStatus"] = object({{"code", string_schema()},
                              {"state", enum_schema<State>()},
                              {"route", enum_schema<joldama::Route>()},
                              {"profile", string_schema()},
                              {"queue_position", nullable("integer")},
                              {"planned_date", nullable("string")},
                              {"hospital", nullable("string")},
                              {"decision_due", nullable("string")},
                              {"updated_at", string_schema()}},
                             {"code", "state", "profile", "updated_at"});
  s["AuditEvent"] = object({{"seq", {{"type", "integer"}}},
                            {"at", string_schema()},
                            {"actor", {{"type", "object"}}},
                            {"action", string_schema()},
                            {"referral_id", nullable("integer")},
                            {"detail", {{"type", "object"}}},
                            {"prev_hash", string_schema()},
                            {"hash", string_schema()}},
                           {"seq", "at", "actor", "action", "detail", "prev_hash", "hash"});
  s["UserAccount"] =
      object({{"user", ref("User")}, {"disabled", {{"type", "boolean"}}}}, {"user", "disabled"});
  s["UserInput"] = object({{"login", string_schema()},
                           {"name", string_schema()},
                           {"role", enum_schema<Role>()},
                           {"organization_id", {{"type", "integer"}}},
                           {"region", string_schema()},
                           {"locale", enum_schema<Locale>()},
                           {"password", {{"type", "string"}, {"minLength", 12}}}},
                          {"login", "name", "role", "password"});
  s["UserChanges"] = object({{"name", string_schema()},
                             {"role", enum_schema<Role>()},
                             {"organization_id", {{"type", "integer"}}},
                             {"region", string_schema()},
                             {"disabled", {{"type", "boolean"}}},
                             {"password", {{"type", "string"}, {"minLength", 12}}}},
                            {});
  s["OrganizationInput"] = object({{"name", string_schema()},
                                   {"kind", enum_schema<OrganizationKind>()},
                                   {"level", enum_schema<OrganizationLevel>()},
                                   {"region", string_schema()},
                                   {"address", string_schema()},
                                   {"phone", string_schema()}},
                                  {"name", "kind", "level", "region"});
  s["AuditCheck"] =
      object({{"ok", {{"type", "boolean"}}}, {"events", {{"type", "integer"}}}}, {"ok", "events"});
  return s;
}

json::object content_for(std::string_view shape) {
  if (shape == "binary") {
    json::object binary{{"schema", {{"type", "string"}, {"format", "binary"}}}};
    return json::object{{"application/pdf", binary}, {"image/png", binary}, {"image/jpeg", binary}};
  }
  if (shape == "text") return json::object{{"text/plain", {{"schema", string_schema()}}}};
  json::value schema =
      shape.front() == '['
          ? json::value(
                json::object{{"type", "array"}, {"items", ref(shape.substr(1, shape.size() - 2))}})
          : json::value(ref(shape));
  return json::object{{"application/json", {{"schema", schema}}}};
}

}  // namespace

json::value openapi_document(Router const& router) {
  json::object paths;
  for (auto const& route : router.routes()) {
    auto const method = std::string{to_string(route.method)};
    auto const key = method + " " + route.pattern;
    auto const found = shapes().find(key);
    if (found == shapes().end()) throw std::logic_error("no OpenAPI shape for " + key);
    auto const& shape = found->second;

    json::array parameters;
    for (std::size_t open = route.pattern.find('{'); open != std::string::npos;
         open = route.pattern.find('{', open + 1)) {
      auto const close = route.pattern.find('}', open);
      parameters.emplace_back(
          json::object{{"name", route.pattern.substr(open + 1, close - open - 1)},
                       {"in", "path"},
                       {"required", true},
                       {"schema", string_schema()}});
    }
    if (route.pattern.ends_with("/actions/{action}")) {
      parameters.emplace_back(json::object{{"name", "If-Match"},
                                           {"in", "header"},
                                           {"required", true},
                                           {"description", "the version read, as its ETag: \"3\""},
                                           {"schema", string_schema()}});
    }
    if (route.method == Method::Post && route.access == Access::SignedIn) {
      parameters.emplace_back(json::object{
          {"name", "Idempotency-Key"},
          {"in", "header"},
          {"required", false},
          {"description", "repeating a request with the same key returns the first response"},
          {"schema", string_schema()}});
    }
    json::object responses;
    json::object success{{"description", "success"}};
    if (shape.response) success["content"] = content_for(shape.response);
    responses[std::to_string(shape.status)] = std::move(success);
    responses["default"] =
        json::object{{"description", "an error"}, {"content", content_for("Error")}};
    json::object operation{{"summary", route.summary},
                           {"parameters", std::move(parameters)},
                           {"responses", std::move(responses)}};
    if (shape.request) {
      operation["requestBody"] =
          json::object{{"required", true}, {"content", content_for(shape.request)}};
    }
    if (route.access == Access::Public) operation["security"] = json::array{};
    std::string lower = method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto& path_item = paths[route.pattern];
    if (path_item.is_null()) path_item = json::object{};
    path_item.as_object()[lower] = std::move(operation);
  }
  return json::object{
      {"openapi", "3.1.0"},
      {"info", {{"title", "Joldama — hospitalization bureau API"}, {"version", "1"}}},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", schemas()},
        {"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}}}},
      {"security", json::array{json::object{{"bearer", json::array{}}},
                               json::object{{"cookie", json::array{}}}}}};
}

}  // namespace joldama::server
