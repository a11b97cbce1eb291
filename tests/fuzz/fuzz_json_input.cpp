// A request body as every command reads it: JSON parsing into an object, then typed fields
// with errors that name them, and the refusal of fields nobody asked for.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/api/json.hpp"

using namespace joldama;
using Need = server::JsonInput::Need;

namespace {

// An expected failure names a field (or, for a malformed body, is Malformed).
template <class T>
void check(Result<T> const& result) {
  if (!result && result.error().code == Errc::Validation && result.error().field.empty()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const body{reinterpret_cast<char const*>(data), size};
  auto input = server::JsonInput::parse(body);
  if (!input) {
    if (input.error().code != Errc::Malformed && input.error().code != Errc::Validation) {
      std::abort();
    }
    return 0;
  }
  check(input->text("iin", Need::Optional));
  check(input->text("last_name"));
  check(input->integer("hospital_id", Need::Optional, 1, INT64_MAX));
  check(input->integer("allocated", Need::Required, 0, 1'000'000));
  check(input->boolean("insured", Need::Optional));
  check(input->date("birth_date", Need::Optional));
  check(input->timestamp("at", Need::Optional));
  check(input->choice<Urgency>("urgency", Need::Required));
  check(input->choice<Residency>("residency", Need::Optional));
  check(input->choice<Outcome>("outcome", Need::Optional));
  // An unknown field is named, unless its name is the empty string.
  auto const finished = input->finish();
  if (!finished && finished.error().field.empty() && body.find("\"\"") == std::string_view::npos) {
    std::abort();
  }
  return 0;
}
