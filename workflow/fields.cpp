#include "workflow/fields.hpp"

#include <array>

namespace joldama {

namespace {

using F = Field;
using K = FieldKind;

constexpr std::array kSpecs = {
    FieldSpec{F::Comment, K::LongText, 2000},   FieldSpec{F::Reason, K::LongText, 2000},
    FieldSpec{F::ReasonCode, K::ReasonCode, 0}, FieldSpec{F::Protocol, K::Text, 64},
    FieldSpec{F::ExamAt, K::DateTime, 0},       FieldSpec{F::ExamPlace, K::Text, 300},
    FieldSpec{F::HospitalId, K::Hospital, 0},   FieldSpec{F::Clinic, K::Text, 200},
    FieldSpec{F::Country, K::Text, 100},        FieldSpec{F::Outcome, K::Outcome, 0},
    FieldSpec{F::PlannedDate, K::CalendarDate, 0},      FieldSpec{F::CaseNumber, K::Text, 50},
    FieldSpec{F::FinalIcd10, K::Icd10, 0},
};

constexpr bool specs_follow_the_enum() {
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (static_cast<std::size_t>(kSpecs[i].field) != i) return false;
  }
  return kSpecs.size() == enum_count<Field>();
}
static_assert(specs_follow_the_enum(), "one spec per field, in the order of the Field enum");

}  // namespace

FieldSpec const& field_spec(Field field) {
  return kSpecs[static_cast<std::size_t>(field)];
}

std::vector<ActionField> fields_of(Transition const& row) {
  std::vector<ActionField> fields;
  for (Field f : all_values<Field>()) {
    bool const required = row.required.contains(f);
    if (!required && !row.optional.contains(f) && f != Field::Comment) continue;
    ActionField field{f, required, std::nullopt};
    bool const takes_code = row.required.contains(Field::ReasonCode) ||
                            row.optional.contains(Field::ReasonCode);
    if (f == Field::Reason && required && takes_code) field.unless = Field::ReasonCode;
    fields.push_back(field);
  }
  return fields;
}

EnumSet<Field> fields_of_action(Action action) {
  EnumSet<Field> fields{Field::Comment};
  for (auto const& row : transition_table()) {
    if (row.action != action) continue;
    for (Field f : all_values<Field>()) {
      if (row.required.contains(f) || row.optional.contains(f)) fields = fields.with(f);
    }
  }
  return fields;
}

}  // namespace joldama
