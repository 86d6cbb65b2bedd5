#include "attnforge/error.hpp"

namespace attnforge {

const char *to_string(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::NotFound: return "not found";
    case ErrorCategory::InvalidArgument: return "invalid argument";
    case ErrorCategory::Unsupported: return "unsupported";
    case ErrorCategory::PluginLoad: return "plugin load";
    case ErrorCategory::Runtime: return "runtime";
  }
  return "unknown";
}

} // namespace attnforge
