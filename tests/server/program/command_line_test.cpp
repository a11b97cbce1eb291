#include "server/program/command_line.hpp"

#include <gtest/gtest.h>

namespace joldama::server {
namespace {

TEST(CommandLine, ParsesValuedAndBooleanFlags) {
  auto const line = parse_command_line({"serve", "--db", "a.db", "--port=0", "--demo"},
                                       {"--db", "--port"}, {"--demo"});
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->command, "serve");
  EXPECT_EQ(line->option("--db"), "a.db");
  EXPECT_EQ(line->option("--port"), "0");
  EXPECT_TRUE(line->has("--demo"));
  EXPECT_EQ(line->option("--host"), std::nullopt);
}

TEST(CommandLine, NamesTheOffendingArgument) {
  auto const unknown = parse_command_line({"serve", "--frobnicate"}, {"--db"}, {});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field, "--frobnicate");
  auto const missing = parse_command_line({"serve", "--db"}, {"--db"}, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "--db");
  EXPECT_FALSE(parse_command_line({}, {}, {}).has_value());
  EXPECT_FALSE(parse_command_line({"serve", "--demo=yes"}, {}, {"--demo"}).has_value());
}

}  // namespace
}  // namespace joldama::server
