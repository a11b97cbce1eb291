#pragma once
// The API's JSON: domain values to JSON, and request bodies to typed values with errors that
// name the field. Unknown fields are refused, so a misspelt field never passes silently.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "server/api/json_writer.hpp"
#include "workflow/lookup.hpp"
#include "workflow/model.hpp"
#include "workflow/reasons.hpp"
#include "workflow/transition_table.hpp"
#include "workflow/result.hpp"

namespace joldama::server {

boost::json::value to_json(Error const& error);
boost::json::value to_json(Region const& region);
boost::json::value to_json(Profile const& profile);
boost::json::value to_json(Organization const& organization);
boost::json::value to_json(PlaceListing const& listing);
boost::json::value to_json(Reason const& reason);
// The fields of a row of the transition table, as the UI builds its form from them, serialized:
// [{"name","kind","required","max_chars"?,"required_unless"?,"options"?}]. `row` is one of
// transition_table()'s.
std::string_view action_fields_json(Transition const& row);
boost::json::value to_json(User const& user, std::optional<Organization> const& organization);
boost::json::value to_json(Patient const& patient);
boost::json::value to_json(Quota const& quota);
boost::json::value to_json(AttachmentInfo const& attachment);
boost::json::value to_json(StoredAuditEvent const& stored);
boost::json::value to_json(PublicStatus const& status);
boost::json::value to_json(PatientAccessListing const& listing);
// The API's Referral; the history only when asked for (the single referral's read).
void write_json(JsonWriter& out, ReferralView const& view, bool with_history);

// Opaque, URL-safe worklist cursors.
std::string encode_cursor(WorklistCursor const& cursor);
std::optional<WorklistCursor> decode_cursor(std::string_view text);

// A request body that must be a JSON object.
class JsonInput {
 public:
  // Malformed when the body is not JSON or not an object.
  static Result<JsonInput> parse(std::string_view body);

  enum class Need { Required, Optional };

  // A string field; "" when optional and absent (or null).
  Result<std::string> text(std::string_view key, Need need = Need::Required);
  Result<std::optional<std::int64_t>> integer(std::string_view key, Need need, std::int64_t min,
                                              std::int64_t max);
  Result<std::optional<bool>> boolean(std::string_view key, Need need);
  Result<std::optional<Date>> date(std::string_view key, Need need);
  Result<std::optional<Timestamp>> timestamp(std::string_view key, Need need);
  // An array of strings, each at most `max_chars` characters, at most `max_items` of them.
  Result<std::optional<std::vector<std::string>>> texts(std::string_view key, Need need,
                                                        std::size_t max_items,
                                                        std::size_t max_chars);
  template <NamedEnum E>
  Result<std::optional<E>> choice(std::string_view key, Need need);

  // Validation naming the first field that no accessor asked for.
  Status finish() const;

 private:
  explicit JsonInput(boost::json::object object) : object_(std::move(object)) {}
  // The field's value, or nothing when absent or null (Validation when required).
  Result<boost::json::value const*> field(std::string_view key, Need need);

  boost::json::object object_;
  std::set<std::string, std::less<>> seen_;
};

template <NamedEnum E>
Result<std::optional<E>> JsonInput::choice(std::string_view key, Need need) {
  auto value = field(key, need);
  if (!value) return value.error();
  if (!*value) return std::optional<E>{};
  if (!(*value)->is_string()) return validation_error(std::string{key}, "must be a string");
  auto const parsed = ::joldama::parse<E>(std::string_view{(*value)->as_string()});
  if (!parsed) {
    std::string names;
    for (auto name : EnumText<E>::kNames) names += (names.empty() ? "" : ", ") + std::string{name};
    return validation_error(std::string{key}, "must be one of: " + names);
  }
  return std::optional<E>{*parsed};
}

}  // namespace joldama::server
