#pragma once
// Parsing of `joldama COMMAND [--flag value]...`.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workflow/result.hpp"

namespace joldama::server {

struct CommandLine {
  std::string command;
  std::map<std::string, std::string> options;  // "--db" -> "file"
  std::set<std::string> switches;              // "--demo"

  std::optional<std::string> option(std::string const& name) const;
  bool has(std::string const& name) const { return switches.contains(name); }
};

// Parses argv. `valued` flags take a value, `boolean` flags take none. Validation errors name the
// offending argument in `field`.
Result<CommandLine> parse_command_line(std::vector<std::string> const& args,
                                       std::set<std::string> const& valued,
                                       std::set<std::string> const& boolean);

}  // namespace joldama::server
