// The tuner's files are JSON: read with errors that name the file, and
// written whole or not at all.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace attnforge::tune {

using Json = nlohmann::ordered_json;

// Throws attnforge::Error: NotFound when the file is missing, InvalidArgument
// when it is not JSON. `what` says what the file is for ("search space").
Json read_json_file(const std::filesystem::path &path, std::string_view what);

// Writes `value` to a temporary file beside `path`, then renames it over
// `path`: a reader never sees half a file, and a failed write leaves the old
// one. Throws attnforge::Error (Runtime) when the file cannot be written.
void write_json_file(const std::filesystem::path &path, const Json &value);

} // namespace attnforge::tune
