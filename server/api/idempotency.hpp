#pragma once
// Idempotency keys (a write's Idempotency-Key header): the key, a hash of the request and the
// first answer are kept in the command's own transaction, so that a repeat of the request gets
// that answer and changes nothing, and the same key with another request is refused. Kept in the
// database, so that every server on it knows every key.

#include <optional>
#include <string>
#include <string_view>

#include "server/transport/http.hpp"
#include "workflow/ports.hpp"

namespace joldama::server {

// The record to look for and keep for `request`, sent by `user_id` at `now`, if it carries a key
// (whose form the caller has checked: is_valid_idempotency_key).
std::optional<IdempotencyRecord> idempotency_record(Request const& request, Id user_id,
                                                    Timestamp now);

// Inside the command's transaction: the answer kept under the key, marked as replayed, if the
// key was used for this very request; none if the key is new; IdempotencyKeyReused if it was used
// for another request.
Result<std::optional<Response>> replay_answer(StoreReads& store, IdempotencyRecord const& key);

// Inside the command's transaction: keeps `answer` under the key.
Status keep_answer(Store& store, IdempotencyRecord key, Response const& answer);

// A kept answer as stored, and back (none when the text is not one).
std::string encode_answer(Response const& answer);
std::optional<Response> decode_answer(std::string_view text);

}  // namespace joldama::server
