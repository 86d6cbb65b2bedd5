#include "json_file.hpp"

#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "attnforge/error.hpp"

namespace attnforge::tune {

Json read_json_file(const std::filesystem::path &path, std::string_view what) {
  std::ifstream stream(path);
  if (!stream) {
    throw Error(ErrorCategory::NotFound, fmt::format("{} {}: cannot be read", what, path.string()));
  }
  try {
    return Json::parse(stream);
  } catch (const Json::parse_error &error) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("{} {}: not JSON ({})", what, path.string(), error.what()));
  }
}

void write_json_file(const std::filesystem::path &path, const Json &value) {
  std::filesystem::path temporary = path;
  temporary += ".partial";
  {
    std::ofstream stream(temporary, std::ios::trunc);
    stream << value.dump(2) << '\n';
    if (!stream.flush()) {
      throw Error(ErrorCategory::Runtime, fmt::format("{}: cannot be written", temporary.string()));
    }
  }
  std::error_code failure;
  std::filesystem::rename(temporary, path, failure);
  if (failure) {
    throw Error(ErrorCategory::Runtime, fmt::format("{}: cannot be written ({})", path.string(), failure.message()));
  }
}

} // namespace attnforge::tune
