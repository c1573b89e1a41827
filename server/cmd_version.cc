// `whyd version`: prints the version of the binary.
#include <cstdio>

#include "server/command.h"

namespace {
int RunVersion(const std::vector<std::string>&) {
  std::printf("whyd 0.1.0\n");
  return 0;
}
}  // namespace

WHYD_COMMAND("version", "print the version", RunVersion);
