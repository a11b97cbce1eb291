#include "server/api/idempotency.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "server/security/crypto.hpp"

namespace joldama::server {

namespace json = boost::json;

std::optional<IdempotencyRecord> idempotency_record(Request const& request, Id user_id,
                                                    Timestamp now) {
  auto key = request.header("idempotency-key");
  if (!key) return std::nullopt;
  // The request is what the key promises not to repeat: method, target, body and the headers
  // that carry content.
  auto const fingerprint = fmt::format("{} {}\n{}\n{}\n{}", to_string(request.method),
                                       request.target, request.header("content-type").value_or(""),
                                       request.header("x-filename").value_or(""), request.body);
  return IdempotencyRecord{user_id, std::string{*key}, sha256_hex(fingerprint), {}, now};
}

Result<std::optional<Response>> replay_answer(StoreReads& store, IdempotencyRecord const& key) {
  auto found = store.find_idempotency(key.user_id, key.key);
  if (!found) return found.error();
  if (!*found) return std::optional<Response>{};
  if ((*found)->request_hash != key.request_hash) {
    return make_error(Errc::IdempotencyKeyReused,
                      "this Idempotency-Key was used for a different request");
  }
  auto replayed = decode_answer((*found)->response);
  if (!replayed) return make_error(Errc::Internal, "a stored response is unreadable");
  replayed->set_header("idempotent-replayed", "true");
  return std::optional<Response>{std::move(*replayed)};
}

Status keep_answer(Store& store, IdempotencyRecord key, Response const& answer) {
  key.response = encode_answer(answer);
  return store.insert_idempotency(key);
}

std::string encode_answer(Response const& answer) {
  json::array headers;
  for (auto const& [name, value] : answer.headers) headers.emplace_back(json::array{name, value});
  return json::serialize(
      json::object{{"status", answer.status}, {"headers", headers}, {"body", answer.body}});
}

std::optional<Response> decode_answer(std::string_view text) {
  boost::system::error_code ec;
  auto const value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  auto const& o = value.as_object();
  auto const* status = o.if_contains("status");
  auto const* headers = o.if_contains("headers");
  auto const* body = o.if_contains("body");
  if (!status || !status->is_int64() || !headers || !headers->is_array() || !body ||
      !body->is_string()) {
    return std::nullopt;
  }
  Response answer;
  answer.status = static_cast<int>(status->as_int64());
  for (auto const& pair : headers->as_array()) {
    if (!pair.is_array() || pair.as_array().size() != 2 || !pair.as_array()[0].is_string() ||
        !pair.as_array()[1].is_string()) {
      return std::nullopt;
    }
    answer.headers.emplace_back(std::string{pair.as_array()[0].as_string()},
                                std::string{pair.as_array()[1].as_string()});
  }
  answer.body = std::string{body->as_string()};
  return answer;
}

}  // namespace joldama::server
