#include "process.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "attnforge/error.hpp"

extern char **environ;

namespace attnforge::tune {

int run_process(const std::vector<std::string> &argv) {
  fmt::print("$ {}\n", fmt::join(argv, " "));
  std::fflush(stdout);
  std::vector<char *> arguments;
  for (const std::string &argument : argv) arguments.push_back(const_cast<char *>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t child = 0;
  const int failure = posix_spawnp(&child, arguments[0], nullptr, nullptr, arguments.data(), environ);
  if (failure != 0) {
    throw Error(ErrorCategory::Runtime, fmt::format("cannot start {}: {}", argv[0], std::strerror(failure)));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorCategory::Runtime, fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

} // namespace attnforge::tune
