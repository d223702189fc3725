// Discovery walks with openat()/fdopendir() from each directory's descriptor, so that deep trees need no
// long paths and a directory swapped for a symbolic link mid-walk is not followed (O_NOFOLLOW).
#include "scanner/sources/repo_discovery.hpp"

#include "scanner/printable.hpp"

#include <fmt/format.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace dtscan {
namespace {

constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

bool stat_at(int dir, const char* name, struct stat& st) {
  return ::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// A bare repository (or any git directory): HEAD, objects/ and refs/, as git itself decides.
bool is_git_dir(int dir) {
  struct stat st {};
  return stat_at(dir, "HEAD", st) && S_ISREG(st.st_mode) && stat_at(dir, "objects", st) && S_ISDIR(st.st_mode) &&
         stat_at(dir, "refs", st) && S_ISDIR(st.st_mode);
}

class Discovery {
public:
  Discovery(const DiscoveryOptions& options, const WarningSink& warn, const RepoSink* sink = nullptr)
      : m_options(options), m_warn(warn), m_sink(sink) {}

  void root(const std::string& given) {
    std::string shown = given;
    while (shown.size() > 1 && shown.back() == '/')
      shown.pop_back();
    int fd = ::open(shown.c_str(), dir_flags);
    if (fd < 0) {
      m_warn(fmt::format("dtscan: warning: cannot read '{}': {}", printable(given),
                         errno == ENOTDIR || errno == ELOOP ? "not a directory" : std::strerror(errno)));
      return;
    }
    walk(fd, shown, "", 0);
  }

  std::vector<DiscoveredRepo> take() {
    std::sort(m_found.begin(), m_found.end(), [](const DiscoveredRepo& a, const DiscoveredRepo& b) {
      return std::tie(a.name, a.path) < std::tie(b.name, b.path);
    });
    return std::move(m_found);
  }

private:
  // Takes ownership of fd. `path` as named, `rel` below the root ("" for the root). The directory is read
  // first and stat() asked only about the names that matter (.git; HEAD, objects and refs together): most
  // directories of a work tree then cost one open and one read, not five more stats.
  void walk(int fd, const std::string& path, const std::string& rel, unsigned depth) {
    if (m_options.stop && m_options.stop()) {
      ::close(fd);
      return;
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      m_warn(fmt::format("dtscan: warning: cannot read directory '{}': {}", printable(path), std::strerror(errno)));
      ::close(fd);
      return;
    }
    std::vector<std::string> children;
    bool has_dotgit = false;
    unsigned git_dir_names = 0; // HEAD, objects, refs
    while (const dirent* e = ::readdir(dir)) {
      const char* n = e->d_name;
      if (std::strcmp(n, ".") == 0 || std::strcmp(n, "..") == 0) continue;
      if (std::strcmp(n, ".git") == 0) {
        has_dotgit = true;
        continue;
      }
      if (std::strcmp(n, "HEAD") == 0 || std::strcmp(n, "objects") == 0 || std::strcmp(n, "refs") == 0) ++git_dir_names;
      if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue; // links and files are never entered
      children.emplace_back(n);
    }
    struct stat self {};
    if (git_dir_names == 3 && is_git_dir(fd) && ::fstat(fd, &self) == 0) {
      // a bare repository (or a git directory named as a root): not entered
      add(self, path, rel, true);
      ::closedir(dir);
      return;
    }
    struct stat dotgit {};
    if (has_dotgit && stat_at(fd, ".git", dotgit) && (S_ISDIR(dotgit.st_mode) || S_ISREG(dotgit.st_mode))) {
      // Keyed by the .git entry; a gitfile's target is not followed here (libgit2 resolves it later).
      add(dotgit, path, rel, false);
    }
    if (m_options.max_depth && depth >= *m_options.max_depth) {
      ::closedir(dir);
      return;
    }
    std::sort(children.begin(), children.end());
    for (const std::string& name : children) {
      int child = ::openat(fd, name.c_str(), dir_flags);
      if (child < 0) {
        if (errno != ENOTDIR && errno != ELOOP) // a file of DT_UNKNOWN type, or a symbolic link: skipped
          m_warn(fmt::format("dtscan: warning: cannot read directory '{}/{}': {}", printable(path), printable(name),
                             std::strerror(errno)));
        continue;
      }
      walk(child, path == "/" ? "/" + name : path + "/" + name, rel.empty() ? name : rel + "/" + name, depth + 1);
    }
    ::closedir(dir);
  }

  void add(const struct stat& id, const std::string& path, const std::string& rel, bool bare) {
    if (!m_seen.emplace(id.st_dev, id.st_ino).second) return; // reached again (another root, a bind mount)
    DiscoveredRepo repo{path, rel.empty() ? "." : rel, bare};
    if (m_sink)
      (*m_sink)(std::move(repo));
    else
      m_found.push_back(std::move(repo));
  }

  const DiscoveryOptions& m_options;
  const WarningSink& m_warn;
  const RepoSink* m_sink; // set: repositories go there as they are found, not into m_found
  std::set<std::pair<dev_t, ino_t>> m_seen;
  std::vector<DiscoveredRepo> m_found;
};

} // namespace

std::vector<DiscoveredRepo> discover_repositories(const std::vector<std::string>& roots,
                                                  const DiscoveryOptions& options, const WarningSink& warn) {
  Discovery d(options, warn);
  for (const std::string& r : roots)
    d.root(r);
  return d.take();
}

void discover_repositories(const std::vector<std::string>& roots, const DiscoveryOptions& options,
                           const WarningSink& warn, const RepoSink& found) {
  Discovery d(options, warn, &found);
  for (const std::string& r : roots)
    d.root(r);
}

unsigned shard_of(std::string_view name, unsigned count) {
  uint64_t hash = 14695981039346656037ull; // FNV-1a 64 offset basis
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 1099511628211ull; // FNV-1a 64 prime
  }
  return count ? static_cast<unsigned>(1 + hash % count) : 1;
}

} // namespace dtscan
