#pragma once
// The reason catalogues: why a referral is rejected, a talon declined, a booking refused, a
// referral cancelled — codes with their names in Kazakh, Russian and English, for the reports
// to count. Free text may say more; with the code `other` it must.

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "workflow/enums.hpp"

namespace joldama {

struct ReasonName {
  std::string_view kk;
  std::string_view ru;
  std::string_view en;
};

struct Reason {
  std::string_view code;
  ReasonName name;
  EnumSet<Action> actions;  // whose catalogue holds it
};

// Every reason, in the order the lists show them.
std::span<Reason const> reasons();

// The reasons `action` takes (empty for an action that takes no reason).
std::vector<Reason const*> reasons_for(Action action);

// Whether `action` takes a reason at all.
bool takes_reason(Action action);

// The reason `code` of `action`'s catalogue, if it has it.
Reason const* find_reason(Action action, std::string_view code);

inline constexpr std::string_view kOtherReason = "other";

}  // namespace joldama
