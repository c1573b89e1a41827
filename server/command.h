// Subcommands of the whyd binary (`whyd serve`, `whyd lint`, ...).
//
// Each subcommand lives in its own server/cmd_<name>.cc and registers itself
// with WHYD_COMMAND; main.cc dispatches on argv[1]. The cmd_*.cc files are
// compiled straight into the executable (not a library), so static
// registration is never dropped by the linker.
//
// Thread-safety: registration happens during static initialisation; lookups
// afterwards are read-only.
#ifndef WHYD_SERVER_COMMAND_H_
#define WHYD_SERVER_COMMAND_H_

#include <string>
#include <vector>

namespace whyd {

// Receives the arguments after the subcommand name; returns the exit code
// (0 ok, 1 the check failed, 2 usage or input error).
using CommandFn = int (*)(const std::vector<std::string>& args);

struct CommandInfo {
  const char* name;
  const char* summary;  // one line for `whyd help`
  CommandFn run;
};

bool RegisterCommand(const CommandInfo& info);
const std::vector<CommandInfo>& Commands();

}  // namespace whyd

#define WHYD_COMMAND(name, summary, fn) \
  static const bool whyd_command_registered_##fn = ::whyd::RegisterCommand({name, summary, fn})

#endif  // WHYD_SERVER_COMMAND_H_
