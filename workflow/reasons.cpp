#include "workflow/reasons.hpp"

#include <array>

namespace joldama {

namespace {

using A = Action;

constexpr EnumSet<Action> kAll{A::Reject, A::Decline, A::Refuse, A::Cancel};

// clang-format off
constexpr std::array kReasons = {
  Reason{"not_indicated", {"Медициналық көрсетілім жоқ", "Нет медицинских показаний", "No medical indication"}, {A::Reject, A::Decline, A::Refuse}},
  Reason{"treatable_locally", {"Көмек жергілікті деңгейде көрсетілуі мүмкін", "Помощь может быть оказана на местном уровне", "Can be treated locally"}, {A::Reject, A::Cancel}},
  Reason{"incomplete_documents", {"Құжаттар толық емес", "Неполный пакет документов", "Incomplete documents"}, {A::Reject, A::Decline, A::Refuse}},
  Reason{"contraindicated", {"Қарсы көрсетілімдер бар", "Имеются противопоказания", "Contraindicated"}, {A::Reject, A::Decline, A::Refuse}},
  Reason{"no_capacity", {"Бос орын жоқ", "Нет свободных мест", "No capacity"}, {A::Decline, A::Refuse}},
  Reason{"patient_declined", {"Пациент бас тартты", "Пациент отказался", "The patient declined"}, {A::Decline, A::Refuse, A::Cancel}},
  Reason{"patient_died", {"Пациент қайтыс болды", "Пациент умер", "The patient died"}, {A::Reject, A::Decline, A::Refuse, A::Cancel}},
  Reason{"duplicate", {"Қайталанған жолдама", "Дублирующее направление", "Duplicate referral"}, {A::Reject, A::Cancel}},
  Reason{"other", {"Басқа себеп", "Другая причина", "Other"}, kAll},
};
// clang-format on

}  // namespace

std::span<Reason const> reasons() {
  return kReasons;
}

std::vector<Reason const*> reasons_for(Action action) {
  std::vector<Reason const*> found;
  for (auto const& r : kReasons) {
    if (r.actions.contains(action)) found.push_back(&r);
  }
  return found;
}

bool takes_reason(Action action) {
  return kAll.contains(action);
}

Reason const* find_reason(Action action, std::string_view code) {
  for (auto const& r : kReasons) {
    if (r.code == code && r.actions.contains(action)) return &r;
  }
  return nullptr;
}

}  // namespace joldama
