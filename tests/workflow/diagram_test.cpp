#include "workflow/diagram.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace joldama {
namespace {

TEST(Diagram, DrawsEveryNormativeEdge) {
  auto const diagram = state_diagram_mermaid();
  EXPECT_NE(diagram.find("  [*] --> registered: register (doctor)\n"), std::string::npos);
  EXPECT_NE(
      diagram.find("  republican_review --> waitlisted: approve (republican) [quota_exhausted]\n"),
      std::string::npos);
  EXPECT_NE(diagram.find("  abroad_approved --> cancelled: cancel (doctor)\n"), std::string::npos);
  EXPECT_EQ(diagram.find("  admitted --> cancelled"), std::string::npos);
}

TEST(Diagram, TheDocumentationShowsTheCurrentTable) {
  std::ifstream in{std::filesystem::path{JOLDAMA_SOURCE_DIR} / "docs" / "workflow.md"};
  ASSERT_TRUE(in) << "docs/workflow.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("```mermaid\n" + state_diagram_mermaid() + "```"), std::string::npos)
      << "docs/workflow.md is out of date: regenerate it with `build/joldama workflow-diagram`";
}

}  // namespace
}  // namespace joldama
