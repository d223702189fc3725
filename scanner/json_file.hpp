// Reading small JSON files that users edit (.dtscan.json, baselines): any problem becomes one
// FatalError line naming the file, so a typo never half-applies a configuration.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace dtscan {

// The bytes of `path`; `what` names the kind of file in messages ("baseline", "config file").
std::string read_text_file(const std::string& path, std::string_view what);

// Parses JSON text from `origin` (a file name); a syntax error is "invalid WHAT ORIGIN: reason".
nlohmann::json parse_json(const std::string& text, std::string_view what, const std::string& origin);

// The message of a JSON parse error without nlohmann's "[json.exception.x.y]" tag.
std::string json_error_text(const std::exception& e);

// The string as the JSON writers store it: invalid UTF-8 replaced by U+FFFD, so that a value written and
// read back compares equal to the value it came from.
std::string json_normalized(const std::string& s);

} // namespace dtscan
