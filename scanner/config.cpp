// Parsing `.dtscan.json`. Unknown keys are errors, not ignored: a misspelt "exlude" must not silently
// scan what the team meant to skip.
#include "scanner/config.hpp"

#include "scanner/error.hpp"
#include "scanner/json_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cerrno>

namespace dtscan {

ProjectConfig parse_project_config(const std::string& json_text, const std::string& path) {
  auto fail = [&](const std::string& what) { throw FatalError(fmt::format("invalid config file {}: {}", path, what)); };
  const nlohmann::json doc = parse_json(json_text, "config file", path);
  if (!doc.is_object()) fail("the top level must be an object");
  ProjectConfig c;
  c.path = path;
  for (const auto& [key, value] : doc.items()) {
    if (key == "exclude") {
      if (!value.is_array()) fail("\"exclude\" must be an array of strings");
      for (const auto& g : value) {
        if (!g.is_string() || g.get_ref<const std::string&>().empty())
          fail("\"exclude\" must be an array of non-empty strings");
        c.exclude.push_back(g.get<std::string>());
      }
    } else if (key == "fail_on") {
      if (!value.is_string()) fail("\"fail_on\" must be a string");
      const auto& v = value.get_ref<const std::string&>();
      if (v == "never")
        c.fail_on = std::optional<Severity>{};
      else if (auto s = parse_severity(v))
        c.fail_on = s;
      else
        fail(fmt::format("\"fail_on\" must be critical, high, medium, low, info or never, not \"{}\"", v));
    } else if (key == "baseline") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty())
        fail("\"baseline\" must be a non-empty string");
      std::string b = value.get<std::string>();
      if (b[0] != '/') {
        auto slash = path.rfind('/');
        if (slash != std::string::npos) b = path.substr(0, slash + 1) + b;
      }
      c.baseline = std::move(b);
    } else {
      fail(fmt::format("unknown key \"{}\" (expected exclude, fail_on or baseline)", key));
    }
  }
  return c;
}

std::optional<ProjectConfig> load_project_config(const std::string& dir) {
  std::string path = dir.empty() || dir == "." ? std::string(project_config_name)
                                               : (dir.back() == '/' ? dir : dir + "/") + project_config_name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return std::nullopt;
  return parse_project_config(read_text_file(path, "config file"), path);
}

} // namespace dtscan
