// attnforge errors: one exception type with a category, so callers can branch
// on what went wrong without parsing messages.
#pragma once

#include <stdexcept>
#include <string>

namespace attnforge {

enum class ErrorCategory {
  NotFound,        // no kernel or variant of that name
  InvalidArgument, // a tensor or parameter breaks the contract
  Unsupported,     // valid inputs no usable variant can run
  PluginLoad,      // a plugin file could not be loaded or is malformed
  Runtime,         // a kernel failed while running
};

const char *to_string(ErrorCategory category);

class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, const std::string &message)
      : std::runtime_error(message), category_(category) {}
  ErrorCategory category() const noexcept { return category_; }

 private:
  ErrorCategory category_;
};

} // namespace attnforge
