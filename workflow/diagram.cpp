#include "workflow/diagram.hpp"

#include <fmt/format.h>

#include "workflow/transition_table.hpp"

namespace joldama {

std::string state_diagram_mermaid() {
  std::string out = "stateDiagram-v2\n";
  for (auto const& t : transition_table()) {
    auto const guard =
        t.guard == Guard::None ? std::string{} : fmt::format(" [{}]", to_string(t.guard));
    auto const label = fmt::format("{} ({}){}", to_string(t.action), to_string(t.role), guard);
    if (t.from.empty()) {
      out += fmt::format("  [*] --> {}: {}\n", to_string(t.to), label);
      continue;
    }
    for (State from : all_values<State>()) {
      if (t.from.contains(from)) {
        out += fmt::format("  {} --> {}: {}\n", to_string(from), to_string(t.to), label);
      }
    }
  }
  for (State s : all_values<State>()) {
    if (is_terminal(s)) out += fmt::format("  {} --> [*]\n", to_string(s));
  }
  return out;
}

}  // namespace joldama
