// Patients: registration by a doctor, and lookup within the caller's scope.

#include "server/api/api.hpp"
#include "server/api/handler_support.hpp"

namespace joldama::server {

using Need = JsonInput::Need;

namespace {

Result<PatientDraft> patient_draft(JsonInput& body) {
  PatientDraft draft;
  auto iin = body.text("iin");
  if (!iin) return iin.error();
  draft.iin = std::move(*iin);
  auto last = body.text("last_name");
  if (!last) return last.error();
  draft.last_name = std::move(*last);
  auto first = body.text("first_name");
  if (!first) return first.error();
  draft.first_name = std::move(*first);
  auto middle = body.text("middle_name", Need::Optional);
  if (!middle) return middle.error();
  draft.middle_name = std::move(*middle);
  auto birth = body.date("birth_date", Need::Required);
  if (!birth) return birth.error();
  draft.birth_date = *birth;
  auto sex = body.choice<Sex>("sex", Need::Required);
  if (!sex) return sex.error();
  draft.sex = **sex;
  auto residency = body.choice<Residency>("residency", Need::Required);
  if (!residency) return residency.error();
  draft.residency = **residency;
  auto region = body.text("region");
  if (!region) return region.error();
  draft.region = std::move(*region);
  auto phone = body.text("phone", Need::Optional);
  if (!phone) return phone.error();
  draft.phone = std::move(*phone);
  auto insured = body.boolean("insured", Need::Required);
  if (!insured) return insured.error();
  draft.insured = **insured;
  auto email = body.text("email", Need::Optional);
  if (!email) return email.error();
  draft.email = std::move(*email);
  auto language = body.choice<Locale>("language", Need::Optional);
  if (!language) return language.error();
  if (*language) draft.language = **language;
  if (auto s = body.finish(); !s) return s.error();
  return draft;
}

}  // namespace

void add_patient_routes(Api& api) {
  api.add({Method::Post, "/api/v1/patients", Access::SignedIn, Body::Json,
           "A doctor registers a patient (the IIN's check digit and the fields are validated)",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto draft = patient_draft(*body);
             if (!draft) return api.fail(exchange, draft.error());
             api.write(
                 exchange,
                 [&api, exchange, draft = std::move(*draft)](Store& store) -> Result<Response> {
                   auto patient =
                       api.services().workflow.register_patient(store, exchange->actor(), draft);
                   if (!patient) return patient.error();
                   auto response = Api::json(201, to_json(*patient));
                   response.set_header("location", "/api/v1/patients/" + patient->iin);
                   return response;
                 });
           }});
  api.add({Method::Get, "/api/v1/patients/{iin}", Access::SignedIn, Body::None,
           "A patient the caller deals with, by IIN (a read of a patient's record is audited); "
           "any other IIN, registered or not, answers 404",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto const actor = exchange->actor();
             api.read_audited(exchange, [&api, exchange,
                                         actor](StoreReads& store) -> Result<Api::Audited> {
               auto patient = api.services().lookup.patient(store, actor, exchange->param("iin"));
               if (!patient) return patient.error();
               return Api::Audited{Api::json(200, to_json(*patient)),
                                   {AuditEvent{api.services().clock.now(),
                                               actor.login,
                                               actor.role,
                                               "read_patient",
                                               std::nullopt,
                                               {{"patient_id", std::to_string(patient->id)}}}}};
             });
           }});
  api.add({Method::Post, "/api/v1/patients/{iin}/access", Access::SignedIn, Body::Json,
           "A doctor asks for the record of a patient from elsewhere, naming the reason: "
           "{\"reason\"}; audited, limited per doctor and day (429 beyond), 404 when no patient "
           "has the IIN. Granted, the doctor's organization may see and refer the patient",
           [&api](std::shared_ptr<Exchange> const& exchange) {
             auto body = api.json_body(*exchange);
             if (!body) return api.fail(exchange, body.error());
             auto reason = body->text("reason");
             if (!reason) return api.fail(exchange, reason.error());
             if (auto s = body->finish(); !s) return api.fail(exchange, s.error());
             api.write(exchange, [&api, exchange, reason = std::move(*reason)](
                                     Store& store) -> Result<Response> {
               auto patient = api.services().workflow.request_patient_access(
                   store, exchange->actor(), exchange->param("iin"), reason);
               if (!patient) return patient.error();
               // The request is kept even when nobody has the IIN: it counts, and it is audited.
               if (!*patient) {
                 return Api::error_response(make_error(Errc::NotFound, "no such patient"));
               }
               return Api::json(200, to_json(**patient));
             });
           }});
}

}  // namespace joldama::server
