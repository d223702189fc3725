// A throwaway git repository made with the real git command (no system or user configuration), for the
// unit tests of the git sources.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <stdlib.h>

class TempRepo {
public:
  TempRepo() {
    std::string templ = (std::filesystem::temp_directory_path() / "dtscan-repo-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    m_dir = templ;
    git("init -q -b main .");
    git("config user.email t@example.invalid");
    git("config user.name t");
  }
  ~TempRepo() { std::filesystem::remove_all(m_dir); }

  void git(const std::string& args) {
    std::string cmd =
        "cd '" + m_dir + "' && GIT_CONFIG_NOSYSTEM=1 HOME='" + m_dir + "' git " + args + " >/dev/null 2>&1";
    INFO(cmd);
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  void sh(const std::string& cmd) {
    std::string full = "cd '" + m_dir + "' && " + cmd + " >/dev/null 2>&1";
    INFO(full);
    REQUIRE(std::system(full.c_str()) == 0);
  }
  void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories((std::filesystem::path(m_dir) / path).parent_path());
    std::ofstream(std::filesystem::path(m_dir) / path, std::ios::binary) << text;
  }
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
};
