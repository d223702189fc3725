// Atomic report files (temporary + rename) and standard output. A target that exists and is not a
// regular file (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over it would replace a
// device node with a file, which as root breaks every other program on the machine.
#include "scanner/output.hpp"

#include "scanner/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dtscan {
namespace {

// Temporary report files to remove when SIGINT, SIGTERM or SIGHUP ends the run: an interrupted run
// leaves neither half a report nor a stray temporary file. Fixed storage, because the handler may only
// use async-signal-safe calls (unlink, signal, raise).
constexpr int max_temps = 4;
char g_temp_path[max_temps][4096];
volatile std::sig_atomic_t g_temp_used[max_temps];

extern "C" void remove_temps_and_exit(int sig) {
  for (int i = 0; i < max_temps; ++i)
    if (g_temp_used[i]) ::unlink(g_temp_path[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

int register_temp(const std::string& path) {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = remove_temps_and_exit;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      ::sigaction(s, nullptr, &old);
      if (old.sa_handler != SIG_IGN) ::sigaction(s, &sa, nullptr); // nohup and friends keep their way
    }
    return true;
  }();
  (void)installed;
  if (path.size() >= sizeof g_temp_path[0]) return -1; // best effort: such a path stays unregistered
  for (int i = 0; i < max_temps; ++i)
    if (!g_temp_used[i]) {
      std::memcpy(g_temp_path[i], path.c_str(), path.size() + 1);
      g_temp_used[i] = 1;
      return i;
    }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_temp_used[slot] = 0;
}

} // namespace

ReportOutput::ReportOutput(const std::string& path, std::string_view what) : m_path(path), m_what(what) {
  if (m_path.empty()) return;
  // A symbolic link to a report keeps being a link: the report replaces what it points to.
  struct stat st {};
  if (::lstat(m_path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* real = ::realpath(m_path.c_str(), nullptr)) {
      m_path = real;
      std::free(real);
    }
  }
  if (::stat(m_path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode))
      throw FatalError(fmt::format("cannot write {} '{}': {}", m_what, path, std::strerror(EISDIR)));
    m_direct = true; // a device or FIFO: nothing to clobber, nothing to rename
    m_file.open(m_path, std::ios::binary | std::ios::trunc);
    if (!m_file)
      throw FatalError(
          fmt::format("cannot write {} '{}': {}", m_what, path, errno ? std::strerror(errno) : "open failed"));
    return;
  }
  std::string dir = ".";
  if (auto slash = m_path.rfind('/'); slash != std::string::npos) dir = slash == 0 ? "/" : m_path.substr(0, slash);
  m_dir = dir;
  // An unnamed file (O_TMPFILE): nothing is left behind whatever ends the run; linked in at commit().
  if (int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666); fd >= 0) {
    m_file.open("/proc/self/fd/" + std::to_string(fd), std::ios::binary | std::ios::trunc);
    if (m_file) {
      m_anon_fd = fd;
      return;
    }
    ::close(fd);
  }
  std::string pattern = dir + "/.dtscan-report-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) throw FatalError(fmt::format("cannot write {} '{}': {}", m_what, m_path, std::strerror(errno)));
  // mkstemp makes the file 0600; give the report the permissions a plain open() would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  m_temp = name.data();
  m_signal_slot = register_temp(m_temp);
  m_file.open(m_temp, std::ios::binary | std::ios::trunc);
  if (!m_file) {
    ::unlink(m_temp.c_str());
    unregister_temp(m_signal_slot);
    throw FatalError(
        fmt::format("cannot write {} '{}': {}", m_what, m_path, errno ? std::strerror(errno) : "write error"));
  }
}

ReportOutput::~ReportOutput() {
  if (m_anon_fd >= 0) ::close(m_anon_fd);
  if (!m_temp.empty() && !m_committed) ::unlink(m_temp.c_str());
  unregister_temp(m_signal_slot);
}

bool ReportOutput::is_terminal() const {
  return m_path.empty() && ::isatty(STDOUT_FILENO) == 1;
}

void ReportOutput::commit() {
  if (m_path.empty()) {
    std::cout.flush();
    // A reader that stopped early (`dtscan ... | head`) is not an error of ours.
    // The failed write may be long past (jsonl writes as it goes), so errno is no guide: ask the pipe.
    pollfd p{STDOUT_FILENO, 0, 0};
    bool reader_gone = ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
    if (!std::cout && errno != EPIPE && !reader_gone) throw FatalError("cannot write to standard output");
    m_committed = true;
    return;
  }
  m_file.flush();
  if (!m_file)
    throw FatalError(
        fmt::format("cannot write {} '{}': {}", m_what, m_path, errno ? std::strerror(errno) : "write error"));
  m_file.close();
  if (m_direct) {
    m_committed = true;
    return;
  }
  if (m_anon_fd >= 0) {
    std::string proc = "/proc/self/fd/" + std::to_string(m_anon_fd);
    for (int n = 0;; ++n) {
      std::string name = fmt::format("{}/.dtscan-report-{}-{}", m_dir, ::getpid(), n);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
        m_temp = name;
        m_signal_slot = register_temp(m_temp);
        break;
      }
      if (errno != EEXIST || n > 100)
        throw FatalError(fmt::format("cannot write {} '{}': {}", m_what, m_path, std::strerror(errno)));
    }
  }
  if (std::rename(m_temp.c_str(), m_path.c_str()) != 0)
    throw FatalError(fmt::format("cannot write {} '{}': {}", m_what, m_path, std::strerror(errno)));
  m_committed = true;
  unregister_temp(m_signal_slot); // the name now belongs to the report
  m_signal_slot = -1;
}

} // namespace dtscan
