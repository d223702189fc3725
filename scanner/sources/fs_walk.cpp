// Parallel directory walk shaped like ripgrep's: workers share a LIFO stack of directories, read each
// with open/fdopendir/readdir (d_type, no stat per entry) and visit its regular files on the spot.
// Paths shorter than PATH_MAX are opened as they are; a deeper directory is opened from the one its
// worker read last (a depth-first walk nearly always pops a child of it next), else piece by piece.
// A visitor's exception stops the walk and is rethrown to the caller once every worker has joined.
#include "scanner/sources/fs_walk.hpp"

#include "scanner/printable.hpp"
#include "scanner/sources/gitignore.hpp"
#include "scanner/sources/glob.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <dirent.h>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <unordered_set>
#include <utility>

namespace dtscan {
namespace {

constexpr size_t max_ignore_file_size = 1 << 20;

class UniqueFd {
public:
  explicit UniqueFd(int fd = -1) : m_fd(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }
  explicit operator bool() const { return m_fd >= 0; }

private:
  int m_fd;
};

class DirStream {
public:
  explicit DirStream(DIR* dir = nullptr) : m_dir(dir) {}
  DirStream(const DirStream&) = delete;
  DirStream& operator=(const DirStream&) = delete;
  ~DirStream() {
    if (m_dir != nullptr) ::closedir(m_dir);
  }
  DIR* get() const { return m_dir; }
  void swap(DirStream& other) noexcept { std::swap(m_dir, other.m_dir); }

private:
  DIR* m_dir;
};

constexpr size_t path_max = PATH_MAX; // bytes, with the terminating NUL

// lstat(2) without the PATH_MAX limit (a root named by a very long path).
int lstat_long(const std::string& path, struct stat& st) {
  if (path.size() < path_max) return ::lstat(path.c_str(), &st);
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) { // one component longer than PATH_MAX: no such name
    errno = ENAMETOOLONG;
    return -1;
  }
  UniqueFd parent(open_long_path(AT_FDCWD, std::string_view(path).substr(0, slash), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent) return -1;
  return ::fstatat(parent.get(), path.c_str() + slash + 1, &st, AT_SYMLINK_NOFOLLOW);
}

struct Root {
  std::string given;         // as on the command line, for messages
  std::string open_dir;      // normalised; "." for the current directory
  std::string open_prefix;   // prepended to a path relative to the root: "", "x/" or "/"
  std::string report_prefix; // prepended to a path relative to the root in reports: the same as open_prefix
  bool is_file = false;
};

struct Job {
  const Root* root = nullptr;
  std::string rel; // directory relative to the root, "" for the root itself
  GitignoreChain ignore;
};

// Strips leading "./", collapses "//" and drops a trailing '/' ("." and "./" become "", "/" stays).
std::string normalise(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path)
    if (c != '/' || out.empty() || out.back() != '/') out.push_back(c);
  while (out.starts_with("./"))
    out.erase(0, 2);
  if (out == ".") out.clear();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// Whether the normalised path `inner` lies lexically inside the normalised directory `outer` ("" is the
// current directory). A path with a ".." component is never said to be inside: it may lead out.
bool lexically_inside(std::string_view inner, std::string_view outer) {
  for (size_t at = 0; at <= inner.size();) {
    const size_t end = std::min(inner.find('/', at), inner.size());
    if (inner.substr(at, end - at) == "..") return false;
    at = end + 1;
  }
  if (outer.empty()) return !inner.empty() && inner.front() != '/';
  if (outer == "/") return inner.size() > 1 && inner.front() == '/';
  return inner.size() > outer.size() && inner.starts_with(outer) && inner[outer.size()] == '/';
}

std::string quoted(std::string_view path) {
  return fmt::format("'{}'", printable(path));
}

// Reads a small ignore file relative to an open directory; "" when absent, oversized or not regular.
std::string read_small_file(int dir_fd, const char* name) {
  UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > off_t(max_ignore_file_size)) return {};
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  while (used < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  text.resize(used);
  return text;
}

GitignoreChain chain_ignore_file(int dir_fd, const char* name, const std::string& base, GitignoreChain parent) {
  std::string text = read_small_file(dir_fd, name);
  if (text.empty()) return parent;
  auto rules = std::make_shared<const Gitignore>(text, base, parent);
  return rules->empty() ? parent : rules;
}

// Per-worker scratch: strings are reused across entries so the hot loop does not allocate.
struct WorkerState {
  unsigned index = 0;
  WalkStats stats;
  FileEntry entry;
  std::string rel;
  std::vector<Job> subdirs;
  // The last directory this worker read whose children's paths may reach PATH_MAX (else empty): deeper
  // directories are opened relative to it. One descriptor per worker, whatever the depth.
  DirStream deep_dir;
  const Root* deep_root = nullptr;
  std::string deep_rel;
};

class Walker {
public:
  Walker(const WalkOptions& options, const FileVisitor& visit, const WarningSink& warn)
      : m_options(options), m_excludes(options.excludes), m_visit(visit), m_warn(warn) {}

  WalkStats run(const std::vector<std::string>& roots);

private:
  void add_roots(const std::vector<std::string>& roots, WalkStats& stats);
  void work(WorkerState& state);
  void process(const Job& job, WorkerState& state);
  void read_directory(const Job& job, WorkerState& state);
  static int open_directory(const Job& job, const std::string& dir_path, WorkerState& state);
  bool filtered(std::string_view rel, EntryKind kind, const GitignoreChain& ignore) const;
  bool first_visit(const std::string& report_path);
  void warn(const std::string& message);

  const WalkOptions& m_options;
  ExcludeSet m_excludes;
  const FileVisitor& m_visit;
  const WarningSink& m_warn;

  std::vector<Root> m_roots;
  std::unordered_set<std::string> m_named_files; // files named as PATHs inside a walked PATH: visited as named
  bool m_dedupe_walked = false;                  // a walked PATH lies inside another one
  std::mutex m_seen_mutex;
  std::unordered_set<std::string> m_seen; // report paths walked so far, when m_dedupe_walked
  std::mutex m_mutex;                     // guards m_stack, m_busy, m_failed, m_error
  std::condition_variable m_cv;
  std::vector<Job> m_stack;
  unsigned m_busy = 0;
  bool m_failed = false;
  std::exception_ptr m_error;
  std::mutex m_warn_mutex;
};

// Full lines, as the rest of dtscan passes them to the same sink.
void Walker::warn(const std::string& message) {
  if (!m_warn) return;
  std::lock_guard lock(m_warn_mutex);
  m_warn("dtscan: warning: " + message);
}

void Walker::add_roots(const std::vector<std::string>& given_roots, WalkStats& stats) {
  std::vector<std::string> given = given_roots.empty() ? std::vector<std::string>{"."} : given_roots;
  m_roots.reserve(given.size()); // Jobs point into m_roots
  for (const std::string& path : given) {
    std::string norm = normalise(path);
    std::string open_dir = norm.empty() ? "." : norm;
    struct stat st;
    if (lstat_long(open_dir, st) != 0) {
      warn("cannot read " + quoted(path) + ": " + std::strerror(errno));
      ++stats.errors;
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      warn("skipping symbolic link " + quoted(path) + " (links are not followed)");
      ++stats.skipped;
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
      warn("skipping " + quoted(path) + ": not a regular file or directory");
      ++stats.skipped;
      continue;
    }
    Root& root = m_roots.emplace_back();
    root.given = path;
    root.is_file = S_ISREG(st.st_mode);
    root.open_dir = open_dir;
    root.open_prefix = norm.empty() ? "" : norm == "/" ? norm : norm + "/";
    // Paths as the user named them, as ripgrep and gitleaks print them: `scan src` reports "src/app.env",
    // `scan .` "app.env", `scan /srv/x` "/srv/x/app.env", whatever other PATHs are given.
    root.report_prefix = root.open_prefix;
  }
  // Overlapping PATHs report each file once: a PATH given twice is walked once; a file named inside a
  // given directory is visited as named (even if binary or ignored) and that directory's walk passes over
  // it; when one directory lies inside another, each walked file is visited by whichever walk reaches it
  // first (--exclude and .gitignore still apply per PATH, so what is scanned is the union). Otherwise
  // `scan src src/sub` reports every finding of src/sub twice.
  const auto norm_of = [](const Root& r) { return r.open_dir == "." ? std::string() : r.open_dir; };
  for (size_t i = 0; i < m_roots.size(); ++i) {
    const std::string me = norm_of(m_roots[i]);
    bool repeated = false;
    for (size_t j = 0; j < m_roots.size(); ++j) {
      if (j == i) continue;
      const std::string other = norm_of(m_roots[j]);
      if (other == me && m_roots[j].is_file == m_roots[i].is_file) repeated = repeated || j < i;
      if (m_roots[j].is_file || !lexically_inside(me, other)) continue;
      if (m_roots[i].is_file)
        m_named_files.insert(me);
      else
        m_dedupe_walked = true;
    }
    if (!repeated) m_stack.push_back(Job{&m_roots[i], {}, nullptr});
  }
}

// Whether a walked file is visited now: false when it is a named PATH, or another walk took it already.
bool Walker::first_visit(const std::string& report_path) {
  if (!m_named_files.empty() && m_named_files.count(report_path)) return false;
  if (!m_dedupe_walked) return true;
  std::lock_guard lock(m_seen_mutex);
  return m_seen.insert(report_path).second;
}

bool Walker::filtered(std::string_view rel, EntryKind kind, const GitignoreChain& ignore) const {
  return (!m_excludes.empty() && m_excludes.excludes_entry(rel, kind)) || (ignore && ignore->is_ignored(rel, kind));
}

void Walker::process(const Job& job, WorkerState& state) {
  if (!job.root->is_file) return read_directory(job, state);
  // Named on the command line: --exclude and .gitignore apply to walked entries only.
  state.entry.open_path = job.root->open_dir;
  state.entry.report_path = job.root->open_dir;
  state.entry.root_len = 0;
  state.entry.explicit_arg = true;
  state.entry.dir_fd = -1;
  state.entry.name_offset = 0;
  m_visit(state.entry, state.index);
  state.entry.explicit_arg = false;
}

int Walker::open_directory(const Job& job, const std::string& dir_path, WorkerState& state) {
  constexpr int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
  if (dir_path.size() < path_max) return ::open(dir_path.c_str(), flags); // the usual case
  const std::string& base = state.deep_rel;
  if (state.deep_dir.get() != nullptr && state.deep_root == job.root && job.rel.size() > base.size() &&
      job.rel.starts_with(base) && (base.empty() || job.rel[base.size()] == '/')) {
    size_t from = base.empty() ? 0 : base.size() + 1;
    return open_long_path(::dirfd(state.deep_dir.get()), std::string_view(job.rel).substr(from), flags);
  }
  return open_long_path(AT_FDCWD, dir_path, flags);
}

void Walker::read_directory(const Job& job, WorkerState& state) {
  const Root& root = *job.root;
  std::string dir_path = job.rel.empty() ? root.open_dir : root.open_prefix + job.rel;
  auto display = [&] { return quoted(job.rel.empty() ? root.given : root.report_prefix + job.rel); };
  UniqueFd fd(open_directory(job, dir_path, state));
  if (!fd) {
    warn("cannot read directory " + display() + ": " + std::strerror(errno));
    ++state.stats.errors;
    return;
  }
  GitignoreChain ignore = job.ignore;
  if (m_options.respect_gitignore) {
    if (job.rel.empty()) ignore = chain_ignore_file(fd.get(), ".git/info/exclude", job.rel, ignore);
    ignore = chain_ignore_file(fd.get(), ".gitignore", job.rel, ignore);
  }
  int dir_fd = fd.get();
  DirStream dir(::fdopendir(dir_fd));
  if (dir.get() == nullptr) {
    warn("cannot read directory " + display() + ": " + std::strerror(errno));
    ++state.stats.errors;
    return;
  }
  fd.release(); // owned by the DIR* now

  std::string rel_prefix = job.rel.empty() ? std::string() : job.rel + "/";
  std::string open_prefix = root.open_prefix + rel_prefix;
  std::string report_prefix = root.report_prefix + rel_prefix;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) {
        warn("cannot read directory " + display() + ": " + std::strerror(errno));
        ++state.stats.errors;
      }
      break;
    }
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    if (std::strcmp(name, ".git") == 0) continue; // repository data, directory or gitfile
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue; // removed since readdir
        warn("cannot read " + quoted(report_prefix + name) + ": " + std::strerror(errno));
        ++state.stats.errors;
        continue;
      }
      type = IFTODT(st.st_mode);
    }
    if (type == DT_LNK) continue; // never followed, not counted
    if (type == DT_DIR) {
      state.rel.assign(rel_prefix).append(name);
      if (filtered(state.rel, EntryKind::directory, ignore)) continue; // pruned, not counted
      state.subdirs.push_back(Job{&root, state.rel, ignore});
      continue;
    }
    if (type != DT_REG) { // FIFO, socket, device: never opened
      ++state.stats.skipped;
      continue;
    }
    state.rel.assign(rel_prefix).append(name);
    if (filtered(state.rel, EntryKind::file, ignore)) {
      ++state.stats.skipped;
      continue;
    }
    state.entry.open_path.assign(open_prefix).append(name);
    state.entry.report_path.assign(report_prefix).append(name);
    if (!first_visit(state.entry.report_path)) continue; // named as a PATH, or reached by another PATH's walk
    state.entry.root_len = root.report_prefix.size();
    state.entry.dir_fd = dir_fd;
    state.entry.name_offset = open_prefix.size();
    m_visit(state.entry, state.index);
  }
  // Children whose paths may reach PATH_MAX are opened relative to this directory: keep it open (in
  // place of the previous one) rather than resolve their long paths again from the root.
  if (dir_path.size() + 1 + NAME_MAX + 1 >= path_max) {
    state.deep_dir.swap(dir);
    state.deep_root = &root;
    state.deep_rel = job.rel;
  }
}

void Walker::work(WorkerState& state) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_cv.wait(lock, [&] { return m_failed || !m_stack.empty() || m_busy == 0; });
    if (m_failed || m_stack.empty()) break; // failed, or nothing pending and nobody can add more
    Job job = std::move(m_stack.back());
    m_stack.pop_back();
    ++m_busy;
    lock.unlock();
    try {
      process(job, state);
    } catch (...) {
      lock.lock();
      if (!m_error) m_error = std::current_exception();
      m_failed = true;
      --m_busy;
      break;
    }
    lock.lock();
    --m_busy;
    // Reverse so the first subdirectory read is the next one popped: depth-first in directory order.
    for (auto it = state.subdirs.rbegin(); it != state.subdirs.rend(); ++it)
      m_stack.push_back(std::move(*it));
    size_t pushed = state.subdirs.size();
    state.subdirs.clear();
    if (pushed > 1 || (m_stack.empty() && m_busy == 0)) {
      m_cv.notify_all();
    } else if (pushed == 1) {
      m_cv.notify_one();
    }
  }
  m_cv.notify_all();
}

WalkStats Walker::run(const std::vector<std::string>& roots) {
  WalkStats total;
  add_roots(roots, total);
  unsigned threads = std::max(1u, m_options.threads);
  std::vector<WorkerState> states(threads);
  for (unsigned i = 0; i < threads; ++i)
    states[i].index = i;

  std::vector<std::thread> pool;
  try {
    for (unsigned i = 1; i < threads; ++i)
      pool.emplace_back([this, &states, i] { work(states[i]); });
  } catch (...) { // could not start a thread: stop the ones that did, then report
    {
      std::lock_guard lock(m_mutex);
      m_failed = true;
      if (!m_error) m_error = std::current_exception();
    }
    m_cv.notify_all();
  }
  work(states[0]); // the calling thread is worker 0; with one thread it is the only one
  for (std::thread& thread : pool)
    thread.join();
  if (m_error) std::rethrow_exception(m_error);

  for (const WorkerState& state : states) {
    total.skipped += state.stats.skipped;
    total.errors += state.stats.errors;
  }
  return total;
}

} // namespace

int open_long_path(int base_fd, std::string_view path, int flags) {
  if (path.size() < path_max) return ::openat(base_fd, std::string(path).c_str(), flags);
  UniqueFd held; // the directory reached so far
  int at = base_fd;
  size_t pos = 0;
  std::string piece;
  while (path.size() - pos >= path_max) {
    // The longest piece path[pos, cut) shorter than PATH_MAX that ends before a '/'.
    size_t cut = path.rfind('/', pos + path_max - 1);
    if (cut == std::string_view::npos || cut <= pos) { // a component longer than any name can be
      errno = ENAMETOOLONG;
      return -1;
    }
    piece.assign(path.substr(pos, cut - pos));
    int fd = ::openat(at, piece.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    held.reset(fd);
    at = fd;
    pos = cut + 1;
    while (pos < path.size() && path[pos] == '/')
      ++pos;
  }
  piece.assign(path.substr(pos));
  if (piece.empty()) piece.push_back('.'); // the path ended with '/'
  return ::openat(at, piece.c_str(), flags);
}

int open_entry(const FileEntry& file, int flags) {
  if (file.dir_fd >= 0) return ::openat(file.dir_fd, file.open_path.c_str() + file.name_offset, flags);
  return open_long_path(AT_FDCWD, file.open_path, flags);
}

WalkStats walk_parallel(const std::vector<std::string>& roots, const WalkOptions& options, const FileVisitor& visit,
                        const WarningSink& warn) {
  return Walker(options, visit, warn).run(roots);
}

} // namespace dtscan
