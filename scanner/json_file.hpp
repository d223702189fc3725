// Reading small JSON files that users edit (.dtscan.json, baselines): any problem becomes one
// FatalError line naming the file, so a typo never half-applies a configuration.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace dtscan {

// The bytes of `path`; `what` names the kind of file in messages ("baseline", "config file").
std::string read_text_file(const std::string& path, std::string_view what);

// Parses `path` as JSON.
nlohmann::json read_json_file(const std::string& path, std::string_view what);

// The message of a JSON parse error without nlohmann's "[json.exception.x.y]" tag.
std::string json_error_text(const std::exception& e);

// The string as the JSON writers store it: invalid UTF-8 replaced by U+FFFD, so that a value written and
// read back compares equal to the value it came from.
std::string json_normalized(const std::string& s);

} // namespace dtscan
