#include "process.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "attnforge/error.hpp"

extern char **environ;

namespace attnforge::tune {

namespace {

// While a child runs, Ctrl-C and Ctrl-\ are the child's to act on, as with
// system(): the tuner waits, then reports the interruption as an error, so
// that its clean-up (the build tree's cache) still runs.
class InterruptsGoToChild {
 public:
  InterruptsGoToChild() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &saved_interrupt_);
    sigaction(SIGQUIT, &ignore, &saved_quit_);
  }
  InterruptsGoToChild(const InterruptsGoToChild &) = delete;
  InterruptsGoToChild &operator=(const InterruptsGoToChild &) = delete;
  ~InterruptsGoToChild() {
    sigaction(SIGINT, &saved_interrupt_, nullptr);
    sigaction(SIGQUIT, &saved_quit_, nullptr);
  }

 private:
  struct sigaction saved_interrupt_ {};
  struct sigaction saved_quit_ {};
};

} // namespace

int run_process(const std::vector<std::string> &argv) {
  fmt::print("$ {}\n", fmt::join(argv, " "));
  std::fflush(stdout);
  std::vector<char *> arguments;
  for (const std::string &argument : argv) arguments.push_back(const_cast<char *>(argument.c_str()));
  arguments.push_back(nullptr);

  const InterruptsGoToChild interrupts;
  // The child starts with the default actions, not the ignoring above.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t child = 0;
  const int failure = posix_spawnp(&child, arguments[0], nullptr, &attributes, arguments.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (failure != 0) {
    throw Error(ErrorCategory::Runtime, fmt::format("cannot start {}: {}", argv[0], std::strerror(failure)));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorCategory::Runtime, fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGINT || signal == SIGQUIT) {
      throw Error(ErrorCategory::Runtime, fmt::format("{} was interrupted", argv[0]));
    }
    return 128 + signal;
  }
  return WEXITSTATUS(status);
}

} // namespace attnforge::tune
