// Atomic report files (temporary + rename) and standard output.
#include "scanner/output.hpp"

#include "scanner/error.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dtscan {

ReportOutput::ReportOutput(const std::string& path) : m_path(path) {
  if (m_path.empty()) return;
  std::string dir = ".";
  if (auto slash = m_path.rfind('/'); slash != std::string::npos) dir = slash == 0 ? "/" : m_path.substr(0, slash);
  std::string pattern = dir + "/.dtscan-report-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) throw FatalError(fmt::format("cannot write output '{}': {}", m_path, std::strerror(errno)));
  // mkstemp makes the file 0600; give the report the permissions a plain open() would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  m_temp = name.data();
  m_file.open(m_temp, std::ios::binary | std::ios::trunc);
  if (!m_file) {
    ::unlink(m_temp.c_str());
    throw FatalError(fmt::format("cannot write output '{}'", m_path));
  }
}

ReportOutput::~ReportOutput() {
  if (!m_temp.empty() && !m_committed) ::unlink(m_temp.c_str());
}

bool ReportOutput::is_terminal() const {
  return m_path.empty() && ::isatty(STDOUT_FILENO) == 1;
}

void ReportOutput::commit() {
  if (m_path.empty()) {
    std::cout.flush();
    // A reader that stopped early (`dtscan ... | head`) is not an error of ours.
    if (!std::cout && errno != EPIPE) throw FatalError("cannot write to standard output");
    m_committed = true;
    return;
  }
  m_file.flush();
  if (!m_file) throw FatalError(fmt::format("cannot write output '{}'", m_path));
  m_file.close();
  if (std::rename(m_temp.c_str(), m_path.c_str()) != 0)
    throw FatalError(fmt::format("cannot write output '{}': {}", m_path, std::strerror(errno)));
  m_committed = true;
}

} // namespace dtscan
