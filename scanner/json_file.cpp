// See json_file.hpp.
#include "scanner/json_file.hpp"

#include "scanner/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dtscan {

std::string json_error_text(const std::exception& e) {
  std::string msg = e.what();
  if (auto pos = msg.find("] "); msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos)
    msg = msg.substr(pos + 2);
  return msg;
}

std::string read_text_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FatalError(fmt::format("cannot read {} {}: {}", what, path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw FatalError(fmt::format("cannot read {} {}", what, path));
  return text.str();
}

nlohmann::json parse_json(const std::string& text, std::string_view what, const std::string& origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FatalError(fmt::format("invalid {} {}: {}", what, origin, json_error_text(e)));
  }
}

std::string json_normalized(const std::string& s) {
  std::string dumped = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(dumped).get<std::string>();
}

} // namespace dtscan
