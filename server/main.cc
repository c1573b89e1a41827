// whyd: answers the "why" questions of a help centre.
// Dispatches `whyd <command> [args...]` to the registered subcommands.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/command.h"

namespace {

void PrintUsage(FILE* out) {
  std::fprintf(out, "usage: whyd <command> [options]\n\ncommands:\n");
  std::vector<whyd::CommandInfo> commands = whyd::Commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return std::strcmp(a.name, b.name) < 0; });
  for (const auto& c : commands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'whyd <command> --help' for a command's options.\n");
}

}  // namespace

// Read by jemalloc, when it is linked in (CMakeLists.txt), at its start: a
// background thread returns freed memory to the system within seconds even
// while the server is idle, for instance after a large snapshot's request body
// and parsed document are freed. Without jemalloc this is an unused string.
extern "C" const char* malloc_conf;
const char* malloc_conf = "background_thread:true";

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : whyd::Commands()) {
    if (std::strcmp(c.name, argv[1]) == 0) {
      std::vector<std::string> args(argv + 2, argv + argc);
      return c.run(args);
    }
  }
  std::fprintf(stderr, "whyd: unknown command '%s'\n\n", argv[1]);
  PrintUsage(stderr);
  return 2;
}
