#include "server/program/command_line.hpp"

#include <fmt/format.h>

namespace joldama::server {

std::optional<std::string> CommandLine::option(std::string const& name) const {
  auto const it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

Result<CommandLine> parse_command_line(std::vector<std::string> const& args,
                                       std::set<std::string> const& valued,
                                       std::set<std::string> const& boolean) {
  CommandLine line;
  if (args.empty()) return validation_error("command", "no command given");
  line.command = args.front();
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (valued.contains(name)) {
      if (inline_value) {
        line.options[name] = *inline_value;
      } else if (i + 1 < args.size()) {
        line.options[name] = args[++i];
      } else {
        return validation_error(name, fmt::format("{} needs a value", name));
      }
    } else if (boolean.contains(name) && !inline_value) {
      line.switches.insert(name);
    } else {
      return validation_error(name, fmt::format("unknown argument {}", name));
    }
  }
  return line;
}

}  // namespace joldama::server
