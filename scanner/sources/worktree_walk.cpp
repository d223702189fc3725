// The work-tree walk of worktree_walk.hpp. git's rule for "unchanged since staged" (read-cache.c): the
// stat data recorded in the index equal the file's, and the entry is not racily clean (modified in the
// same instant the index was written, or later). Any difference here only costs a hash of the file, never
// a missed change: comparing more fields than git does (ctime, inode, owner) is safe.
#include "scanner/sources/worktree_walk.hpp"

#include "scanner/sources/git_index_file.hpp"
#include "scanner/sources/git_repo.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace dtscan {
namespace {

struct Tracked {
  IndexStat stat;
  git_oid oid{};
  bool compare_content = false; // conflicted or `git add -N`: the index does not say what the file holds
};

struct Timestamp {
  int64_t s = 0;
  int64_t ns = 0;
  bool operator<=(const Timestamp& o) const { return s < o.s || (s == o.s && ns <= o.ns); }
};

bool same_stat(const IndexStat& a, const struct stat& st) {
  return a.mtime_s == static_cast<uint32_t>(st.st_mtim.tv_sec) &&
         a.mtime_ns == static_cast<uint32_t>(st.st_mtim.tv_nsec) &&
         a.ctime_s == static_cast<uint32_t>(st.st_ctim.tv_sec) &&
         a.ctime_ns == static_cast<uint32_t>(st.st_ctim.tv_nsec) && a.ino == static_cast<uint32_t>(st.st_ino) &&
         a.uid == static_cast<uint32_t>(st.st_uid) && a.gid == static_cast<uint32_t>(st.st_gid) &&
         a.size == static_cast<uint32_t>(st.st_size);
}

class Walker {
public:
  Walker(git_repository* repo, const ExcludeSet& excludes, const OidSet& head, std::string root, Timestamp index_time)
      : m_repo(repo), m_excludes(excludes), m_head(head), m_root(std::move(root)), m_index_time(index_time) {}

  // Reads the index; false when the walk cannot stand in for git's status.
  bool load(const GitIndexFile& index) {
    IndexEntryStream entries = index.stream();
    for (const IndexEntry* e; (e = entries.peek()) != nullptr; entries.advance()) {
      if (e->sparse_dir || e->skip_worktree) return false;
      std::string path(e->path);
      for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
        m_tracked_dirs.insert(path.substr(0, slash));
      if ((e->mode & 0170000) == 0160000) { // a submodule: its work tree is its own repository
        m_submodules.insert(path);
        continue;
      }
      auto [it, added] = m_tracked.try_emplace(std::move(path));
      Tracked& t = it->second;
      if (!added || e->stage != 0 || e->intent_to_add) { // several stages: a conflict
        t.compare_content = true;
        continue;
      }
      t.stat = e->stat;
      t.oid = e->oid;
    }
    return !entries.failed();
  }

  bool walk_root(WorktreeFiles& out) {
    const int fd = ::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    std::string rel;
    return walk(fd, rel, out, 0);
  }

private:
  // Walks the directory open as `fd` (taken over) at `rel` ("" or "a/b/").
  bool walk(int fd, std::string& rel, WorktreeFiles& out, unsigned depth) {
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      ::close(fd);
      return false;
    }
    const size_t base = rel.size();
    bool ok = depth < max_depth;
    while (ok) {
      errno = 0;
      const dirent* d = ::readdir(dir);
      if (d == nullptr) {
        ok = errno == 0;
        break;
      }
      const char* name = d->d_name;
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0 || std::strcmp(name, ".git") == 0) continue;
      rel.resize(base);
      rel += name;
      unsigned char type = d->d_type;
      struct stat st {};
      bool have_stat = false;
      if (type == DT_UNKNOWN) {
        if (::fstatat(::dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; // gone
        have_stat = true;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
      }
      if (type == DT_DIR) {
        if (m_submodules.count(rel)) continue;
        const bool tracked = m_tracked_dirs.count(rel) > 0;
        const int child = ::openat(::dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) {
          if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue; // gone or replaced meanwhile
          ok = false;
          break;
        }
        struct stat git {};
        if (!tracked && ::fstatat(child, ".git", &git, AT_SYMLINK_NOFOLLOW) == 0) { // a nested repository
          ::close(child);
          continue;
        }
        rel += '/';
        ok = walk(child, rel, out, depth + 1);
      } else if (type == DT_REG) {
        consider(rel, ::dirfd(dir), name, have_stat ? &st : nullptr, out);
      }
    }
    rel.resize(base);
    ::closedir(dir);
    return ok;
  }

  // The regular file `name` of the directory `dirfd`, at `rel`; `st`: its lstat when already taken.
  void consider(const std::string& rel, int dirfd, const char* name, const struct stat* st, WorktreeFiles& out) {
    auto it = m_tracked.find(rel);
    if (it != m_tracked.end() && !it->second.compare_content) {
      struct stat now_st {};
      if (st == nullptr) {
        if (::fstatat(dirfd, name, &now_st, AT_SYMLINK_NOFOLLOW) != 0) return; // gone
        st = &now_st;
      }
      if (!S_ISREG(st->st_mode)) return; // replaced by a link or a directory meanwhile
      const Tracked& t = it->second;
      const Timestamp mtime{static_cast<int64_t>(t.stat.mtime_s), static_cast<int64_t>(t.stat.mtime_ns)};
      if (same_stat(t.stat, *st) && !(m_index_time <= mtime)) { // as staged
        if (m_head.contains(t.oid)) return;
      } else {
        git_oid now;
        if (git_repository_hashfile(&now, m_repo, (m_root + rel).c_str(), GIT_OBJECT_BLOB, rel.c_str()) == 0 &&
            m_head.contains(now))
          return; // touched, or racily clean, but holding what HEAD holds
      }
    }
    if (m_excludes.excludes(rel, EntryKind::file)) {
      ++out.excluded;
      return;
    }
    out.paths.push_back(rel);
  }

  static constexpr unsigned max_depth = 256; // deeper trees are left to libgit2
  git_repository* m_repo;
  const ExcludeSet& m_excludes;
  const OidSet& m_head;
  const std::string m_root; // ends in '/'
  const Timestamp m_index_time;
  std::unordered_map<std::string, Tracked> m_tracked;
  std::unordered_set<std::string> m_tracked_dirs, m_submodules;
};

} // namespace

std::optional<WorktreeFiles> uncommitted_files_by_walk(git_repository* repo, const ExcludeSet& excludes,
                                                       const OidSet& head) {
  const char* workdir = git_repository_workdir(repo);
  if (git_repository_is_bare(repo) || workdir == nullptr) return std::nullopt;
  git_config* raw_config = nullptr;
  if (git_repository_config_snapshot(&raw_config, repo) != 0) return std::nullopt;
  int ignore_case = 0;
  const bool case_folding = git_config_get_bool(&ignore_case, raw_config, "core.ignorecase") == 0 && ignore_case;
  git_config_free(raw_config);
  if (case_folding) return std::nullopt;

  // The index's own time, taken before it is read: a later rewrite can only make more entries look racy.
  const std::string path = std::string(git_repository_path(repo)) + "index";
  struct stat index_st {};
  const bool has_index = ::stat(path.c_str(), &index_st) == 0; // none: every file is untracked
  if (!has_index && errno != ENOENT) return std::nullopt;
  const Timestamp index_time{index_st.st_mtim.tv_sec, index_st.st_mtim.tv_nsec};
  std::optional<GitIndexFile> index;
  if (has_index) {
    index = GitIndexFile::read(path, git_repository_path(repo));
    if (!index) return std::nullopt;
  }
  Walker walker(repo, excludes, head, workdir, index_time);
  if (index && !walker.load(*index)) return std::nullopt;
  WorktreeFiles out;
  if (!walker.walk_root(out)) return std::nullopt;
  std::sort(out.paths.begin(), out.paths.end());
  return out;
}

} // namespace dtscan
