#pragma once
// The referral state machine drawn from the transition table, for the documentation.

#include <string>

namespace joldama {

// A Mermaid stateDiagram of every row of transition_table(): one arrow per (from, to) edge,
// labelled with the action, the role and the guard.
std::string state_diagram_mermaid();

}  // namespace joldama
