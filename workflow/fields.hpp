#pragma once
// The inputs of the workflow's actions, declared once: what kind of value each field takes and
// how long it may be. The transition table names which an action's row requires and which it
// accepts; decide() checks them, the server reads a request's body by them, and the API hands
// them to the UI, which builds each action's form from them.

#include <cstddef>
#include <optional>
#include <vector>

#include "workflow/enums.hpp"
#include "workflow/transition_table.hpp"

namespace joldama {

enum class FieldKind {
  Text,        // one line
  LongText,    // several lines
  DateTime,      // ISO 8601 with its offset
  CalendarDate,  // YYYY-MM-DD
  Hospital,    // the id of a hospital that treats the profile and takes the route
  Outcome,     // one of Outcome
  Icd10,       // a code of ICD-10
  ReasonCode,  // a code of the action's reason catalogue (see reasons.hpp)
};

template <>
struct EnumText<FieldKind> {
  static constexpr auto kNames = std::to_array<std::string_view>(
      {"text", "long_text", "date_time", "date", "hospital", "outcome", "icd10", "reason_code"});
};

struct FieldSpec {
  Field field;
  FieldKind kind;
  std::size_t max_chars;  // for text kinds; 0 otherwise
};

// The one table of the fields.
FieldSpec const& field_spec(Field field);

// A field of an action as its form shows it: required or not. A field required `unless`
// another is given may be left out when that one is (and is not `other`): the free-text reason
// beside a reason code.
struct ActionField {
  Field field;
  bool required = false;
  std::optional<Field> unless;
};

// The fields a row takes, in the order of the Field enum: the required, the optional, and the
// comment that every action accepts. A required Reason is met by a reason code (not `other`),
// by free text, or both.
std::vector<ActionField> fields_of(Transition const& row);

// The fields `action` takes in any of its rows: what a request's body for it may hold.
EnumSet<Field> fields_of_action(Action action);

}  // namespace joldama
