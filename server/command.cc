// The subcommand registry; see command.h.
#include "server/command.h"

namespace whyd {

static std::vector<CommandInfo>& Registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}

bool RegisterCommand(const CommandInfo& info) {
  Registry().push_back(info);
  return true;
}

const std::vector<CommandInfo>& Commands() { return Registry(); }

}  // namespace whyd
