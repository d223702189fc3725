// Unit tests for the parallel filesystem walk: each file once at any thread count, no symlinks, no .git,
// no FIFOs, pruning excludes, report-path rules, byte-exact names, warnings for unreadable entries.
#include "scanner/sources/fs_walk.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using dtscan::FileEntry;
using dtscan::walk_parallel;
using dtscan::WalkOptions;
using dtscan::WalkStats;

class TempTree {
public:
  TempTree() {
    std::string templ = (fs::temp_directory_path() / "dtscan-walk-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    m_root = templ;
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(m_root, ec);
  }
  const std::string& root() const { return m_root; }
  std::string path(const std::string& rel) const { return m_root + "/" + rel; }
  void file(const std::string& rel, const std::string& content = "x") const {
    fs::create_directories(fs::path(path(rel)).parent_path());
    int fd = ::open(path(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == ssize_t(content.size()));
    ::close(fd);
  }
  void dir(const std::string& rel) const { fs::create_directories(path(rel)); }
  void symlink(const std::string& target, const std::string& rel) const {
    REQUIRE(::symlink(target.c_str(), path(rel).c_str()) == 0);
  }

private:
  std::string m_root;
};

// Restores the working directory when a test that chdir()s ends.
class ChangeDir {
public:
  explicit ChangeDir(const std::string& dir) : m_saved(fs::current_path()) { fs::current_path(dir); }
  ~ChangeDir() { fs::current_path(m_saved); }

private:
  fs::path m_saved;
};

struct WalkResult {
  std::vector<std::string> reports; // below the root (report_path past root_len), sorted, duplicates kept
  std::vector<std::string> named;   // report paths as reported (the root as given + the rest), sorted
  std::vector<FileEntry> entries;
  std::vector<std::string> warnings;
  WalkStats stats;
  bool worker_in_range = true;
};

WalkResult walk(const std::vector<std::string>& roots, WalkOptions options = {}) {
  WalkResult result;
  std::mutex mutex;
  unsigned threads = std::max(1u, options.threads);
  result.stats = walk_parallel(
      roots, options,
      [&](const FileEntry& file, unsigned worker) {
        std::lock_guard lock(mutex);
        result.entries.push_back(file);
        result.reports.push_back(file.report_path.substr(file.root_len));
        result.named.push_back(file.report_path);
        if (worker >= threads) result.worker_in_range = false;
      },
      [&](const std::string& message) { result.warnings.push_back(message); });
  std::sort(result.reports.begin(), result.reports.end());
  std::sort(result.named.begin(), result.named.end());
  return result;
}

WalkOptions with_threads(unsigned threads) {
  WalkOptions options;
  options.threads = threads;
  return options;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(needle) != l.npos; });
}

} // namespace

TEST_CASE("fs_walk: every regular file exactly once, same set with 1 and 4 threads") {
  TempTree tree;
  std::vector<std::string> expected;
  for (int d = 0; d < 12; ++d) {
    std::string dir = fmt::format("d{}", d);
    for (int depth = 0; depth < d % 4; ++depth)
      dir += fmt::format("/n{}", depth);
    for (int f = 0; f < 9; ++f)
      expected.push_back(dir + "/f" + std::to_string(f) + ".txt");
  }
  expected.push_back("top.txt");
  tree.dir("empty/deeper");
  for (const auto& rel : expected)
    tree.file(rel);
  std::sort(expected.begin(), expected.end());

  for (unsigned threads : {1u, 4u}) {
    CAPTURE(threads);
    WalkResult r = walk({tree.root()}, with_threads(threads));
    CHECK(r.reports == expected);
    CHECK(r.worker_in_range);
    CHECK(r.stats.skipped == 0);
    CHECK(r.stats.errors == 0);
    CHECK(r.warnings.empty());
    for (const auto& e : r.entries) {
      CHECK(::access(e.open_path.c_str(), R_OK) == 0);
      CHECK_FALSE(e.explicit_arg);
    }
  }
}

TEST_CASE("fs_walk: .git directories and gitfiles are not walked") {
  TempTree tree;
  tree.file(".git/config");
  tree.file(".git/objects/ab/cdef");
  tree.file("sub/.git", "gitdir: ../.git/modules/sub");
  tree.file("sub/a.txt");
  tree.file(".gitx/b.txt");
  tree.file(".gitignore");
  WalkResult r = walk({tree.root()}, with_threads(2));
  CHECK(r.reports == std::vector<std::string>{".gitignore", ".gitx/b.txt", "sub/a.txt"});
  CHECK(r.stats.skipped == 0);
}

TEST_CASE("fs_walk: symbolic links are never followed") {
  TempTree tree;
  tree.file("real.txt");
  tree.file("sub/f.txt");
  tree.symlink("real.txt", "link.txt");
  tree.symlink("sub", "dirlink");
  tree.symlink("..", "sub/loop");
  tree.symlink("nowhere", "dangling");
  for (unsigned threads : {1u, 3u}) {
    WalkResult r = walk({tree.root()}, with_threads(threads));
    CHECK(r.reports == std::vector<std::string>{"real.txt", "sub/f.txt"});
    CHECK(r.stats.errors == 0);
    CHECK(r.warnings.empty());
  }
  SUBCASE("a symlink named as a root is skipped with a warning") {
    WalkResult r = walk({tree.path("dirlink")});
    CHECK(r.reports.empty());
    CHECK(any_contains(r.warnings, "symbolic link"));
    WalkResult r2 = walk({tree.path("link.txt"), tree.path("dirlink/")});
    CHECK(r2.reports.empty());
    CHECK(r2.warnings.size() == 2);
  }
}

TEST_CASE("fs_walk: a FIFO is skipped and counted without blocking") {
  TempTree tree;
  tree.file("a.txt");
  REQUIRE(::mkfifo(tree.path("pipe").c_str(), 0644) == 0);
  auto result = std::async(std::launch::async, [&] { return walk({tree.root()}, with_threads(2)); });
  bool finished = result.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  CHECK(finished);
  if (!finished) { // unblock a reader stuck in open() so the test can end
    int fd = ::open(tree.path("pipe").c_str(), O_RDWR | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  WalkResult r = result.get();
  CHECK(r.reports == std::vector<std::string>{"a.txt"});
  CHECK(r.stats.skipped == 1);
}

TEST_CASE("fs_walk: excludes prune directories and count excluded files") {
  TempTree tree;
  tree.file("app.js");
  tree.file("app.min.js");
  tree.file("lib/x.min.js");
  tree.file("node_modules/dep/index.js");
  tree.file("pkg/node_modules/dep/index.js");
  tree.file("src/gen/out.c");
  tree.file("src/main.c");
  tree.file("other/src/gen/kept.c");
  WalkOptions options = with_threads(2);
  options.excludes = {"node_modules", "*.min.js", "src/gen"};
  WalkResult r = walk({tree.root()}, options);
  CHECK(r.reports == std::vector<std::string>{"app.js", "other/src/gen/kept.c", "src/main.c"});
  CHECK(r.stats.skipped == 2); // the two .min.js files; pruned directories are not counted
  SUBCASE("a file named explicitly is scanned even if excluded") {
    WalkResult explicit_run = walk({tree.path("app.min.js")}, options);
    REQUIRE(explicit_run.entries.size() == 1);
    CHECK(explicit_run.entries[0].explicit_arg);
  }
}

TEST_CASE("fs_walk: report paths") {
  TempTree tree;
  tree.file("d1/x.txt");
  tree.file("d2/y.txt");
  tree.file("top.txt");

  SUBCASE("one directory root: the root as named, then the path below it") {
    WalkResult r = walk({tree.path("d1")});
    CHECK(r.named == std::vector<std::string>{tree.path("d1/x.txt")});
    CHECK(r.reports == std::vector<std::string>{"x.txt"});
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries[0].open_path == tree.path("d1/x.txt"));
    CHECK(r.entries[0].root_len == tree.path("d1/").size());
  }
  SUBCASE("several roots: root as given, normalised; a file's path does not depend on the other roots") {
    WalkResult r = walk({tree.root() + "//d1/", tree.path("d2")});
    CHECK(r.named == std::vector<std::string>{tree.root() + "/d1/x.txt", tree.root() + "/d2/y.txt"});
    CHECK(walk({tree.path("d2")}).named == std::vector<std::string>{tree.root() + "/d2/y.txt"});
  }
  SUBCASE("relative roots: no leading ./, no doubled /") {
    ChangeDir cd(tree.root());
    CHECK(walk({"."}).named == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"./"}).named == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"d1"}).named == std::vector<std::string>{"d1/x.txt"});
    CHECK(walk({"d1"}).reports == std::vector<std::string>{"x.txt"});
    CHECK(walk({"./d1//", "d2"}).named == std::vector<std::string>{"d1/x.txt", "d2/y.txt"});
    // Overlapping roots visit each file once; a file named inside a walked root is visited as named.
    CHECK(walk({".", "d2"}).named == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"d2", "."}).named == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"d1", "./d1/"}).named == std::vector<std::string>{"d1/x.txt"});
    WalkResult named_inside = walk({".", "d1/x.txt"});
    CHECK(named_inside.named == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    for (const FileEntry& e : named_inside.entries)
      CHECK(e.explicit_arg == (e.report_path == "d1/x.txt"));
    WalkResult file_root = walk({"./d1//x.txt"});
    REQUIRE(file_root.entries.size() == 1);
    CHECK(file_root.entries[0].report_path == "d1/x.txt");
    CHECK(file_root.entries[0].root_len == 0);
    CHECK(file_root.entries[0].explicit_arg);
    CHECK(::access(file_root.entries[0].open_path.c_str(), R_OK) == 0);
  }
}

TEST_CASE("fs_walk: file names are bytes (newline, invalid UTF-8)") {
  TempTree tree;
  const std::string name = std::string("new\nline\xff") + ".txt";
  tree.file(name, "content");
  for (unsigned threads : {1u, 2u}) {
    WalkResult r = walk({tree.root()}, with_threads(threads));
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries[0].report_path == tree.path(name));
    CHECK(r.reports == std::vector<std::string>{name});
    CHECK(r.entries[0].open_path == tree.path(name));
    CHECK(::access(r.entries[0].open_path.c_str(), R_OK) == 0);
  }
}

TEST_CASE("fs_walk: missing root and unreadable directory are warnings and errors") {
  TempTree tree;
  tree.file("ok/a.txt");
  tree.file("locked/secret.txt");

  WalkResult missing = walk({tree.path("ok"), tree.path("does-not-exist")});
  CHECK(missing.stats.errors == 1);
  CHECK(missing.named == std::vector<std::string>{tree.path("ok/a.txt")});
  REQUIRE(missing.warnings.size() == 1);
  CHECK(missing.warnings[0].find("does-not-exist") != std::string::npos);
  CHECK(missing.warnings[0].find('\n') == std::string::npos);

  if (::geteuid() == 0) {
    MESSAGE("running as root: directory permissions are not enforced, unreadable-directory check skipped");
    return;
  }
  REQUIRE(::chmod(tree.path("locked").c_str(), 0) == 0);
  WalkResult r = walk({tree.root()}, with_threads(2));
  ::chmod(tree.path("locked").c_str(), 0755);
  CHECK(r.reports == std::vector<std::string>{"ok/a.txt"});
  CHECK(r.stats.errors == 1);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "dtscan: warning: cannot read directory 'locked': Permission denied");
}

TEST_CASE("fs_walk: .gitignore only with respect_gitignore") {
  TempTree tree;
  tree.file(".gitignore", "*.log\n/build/\n!keep.log\n");
  tree.file("a.log");
  tree.file("keep.log");
  tree.file("build/out.bin");
  tree.file("sub/build/kept.txt");
  tree.file("sub/.gitignore", "!b.log\nlocal.txt\n");
  tree.file("sub/b.log");
  tree.file("sub/c.log");
  tree.file("sub/local.txt");
  tree.file(".git/info/exclude", "excluded-by-info.txt\n");
  tree.file("excluded-by-info.txt");

  WalkResult all = walk({tree.root()});
  CHECK(all.reports.size() == 10);

  WalkOptions options = with_threads(3);
  options.respect_gitignore = true;
  WalkResult r = walk({tree.root()}, options);
  CHECK(r.reports ==
        std::vector<std::string>{".gitignore", "keep.log", "sub/.gitignore", "sub/b.log", "sub/build/kept.txt"});
  CHECK(r.stats.skipped == 4); // a.log, sub/c.log, sub/local.txt, excluded-by-info.txt
}

TEST_CASE("fs_walk: an exception from the visitor reaches the caller") {
  TempTree tree;
  for (int i = 0; i < 50; ++i)
    tree.file(fmt::format("d{}/f{}", i % 5, i));
  tree.file("d3/boom");
  for (unsigned threads : {1u, 4u}) {
    WalkOptions options = with_threads(threads);
    auto visit = [](const FileEntry& file, unsigned) {
      if (file.report_path.substr(file.root_len) == "d3/boom") throw std::runtime_error("visitor failed");
    };
    CHECK_THROWS_WITH_AS(walk_parallel({tree.root()}, options, visit, {}), "visitor failed", std::runtime_error);
  }
}

// --- paths longer than PATH_MAX ---------------------------------------------------------------------------

namespace {

using dtscan::open_entry;
using dtscan::open_long_path;

// Closes a descriptor at the end of a scope.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Open descriptors of this process.
int open_fds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd"))
    ++n;
  return n - 1; // the iterator's own
}

std::string read_fd(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

void write_at(int dir_fd, const std::string& name, const std::string& content) {
  Fd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  REQUIRE(fd.fd >= 0);
  REQUIRE(::write(fd.fd, content.data(), content.size()) == ssize_t(content.size()));
}

// Removes dir_fd/name and everything under it by descriptors (std::filesystem::remove_all uses whole
// paths, which fail beyond PATH_MAX).
void remove_at(int dir_fd, const char* name) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ::unlinkat(dir_fd, name, 0);
    return;
  }
  DIR* dir = ::fdopendir(fd);
  REQUIRE(dir != nullptr);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir))
    if (std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..") names.emplace_back(e->d_name);
  for (const auto& child : names)
    remove_at(::dirfd(dir), child.c_str());
  ::closedir(dir);
  ::unlinkat(dir_fd, name, AT_REMOVEDIR);
}

// A chain of `levels` directories named `name` under tree/top, made by descriptors. Files "at-<level>.txt"
// (content "level <n>") at the levels in `files`; a side directory "side/s.txt" at the levels in `sides`.
// Returns the chain's path relative to the tree: "top/<name>/<name>/...".
std::string make_chain(const TempTree& tree, int levels, const std::string& name, const std::set<int>& files,
                       const std::set<int>& sides) {
  tree.dir("top");
  int fd = ::open(tree.path("top").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::string rel = "top";
  for (int level = 1; level <= levels; ++level) {
    REQUIRE(::mkdirat(fd, name.c_str(), 0755) == 0);
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(next >= 0);
    ::close(fd);
    fd = next;
    rel += "/" + name;
    if (files.count(level)) write_at(fd, "at-" + std::to_string(level) + ".txt", "level " + std::to_string(level));
    if (sides.count(level)) {
      REQUIRE(::mkdirat(fd, "side", 0755) == 0);
      Fd side(::openat(fd, "side", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      write_at(side.fd, "s.txt", "side " + std::to_string(level));
    }
  }
  ::close(fd);
  return rel;
}

// Removes tree/top (the deep chain) when a test ends, before TempTree's own cleanup.
struct ChainCleanup {
  const TempTree& tree;
  ~ChainCleanup() {
    Fd root(::open(tree.root().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root.fd >= 0) remove_at(root.fd, "top");
  }
};

} // namespace

TEST_CASE("fs_walk: open_long_path opens paths longer than PATH_MAX") {
  TempTree tree;
  ChainCleanup cleanup{tree};
  const std::string name(200, 'n');
  std::string rel = make_chain(tree, 45, name, {45}, {}); // 45 * 201 bytes: more than twice PATH_MAX
  REQUIRE(rel.size() > 2 * PATH_MAX);
  const std::string leaf = rel + "/at-45.txt";
  const int before = open_fds();
  Fd root(::open(tree.root().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));

  SUBCASE("relative to a directory descriptor and absolute") {
    Fd rel_fd(open_long_path(root.fd, leaf, O_RDONLY | O_CLOEXEC));
    REQUIRE(rel_fd.fd >= 0);
    CHECK(read_fd(rel_fd.fd) == "level 45");
    Fd abs_fd(open_long_path(AT_FDCWD, tree.path(leaf), O_RDONLY | O_CLOEXEC));
    REQUIRE(abs_fd.fd >= 0);
    CHECK(read_fd(abs_fd.fd) == "level 45");
  }
  SUBCASE("relative to the current directory") {
    ChangeDir cd(tree.root());
    Fd fd(open_long_path(AT_FDCWD, leaf, O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.fd >= 0);
    CHECK(read_fd(fd.fd) == "level 45");
  }
  SUBCASE("doubled slashes, a trailing slash, a directory") {
    std::string doubled = rel;
    for (size_t pos = 0; (pos = doubled.find('/', pos)) != std::string::npos; pos += 2)
      doubled.insert(pos, 1, '/');
    Fd fd(open_long_path(root.fd, doubled + "//at-45.txt", O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.fd >= 0);
    CHECK(read_fd(fd.fd) == "level 45");
    Fd dir(open_long_path(root.fd, rel + "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir.fd >= 0);
    struct stat st;
    REQUIRE(::fstatat(dir.fd, "at-45.txt", &st, 0) == 0);
  }
  SUBCASE("errors are those of open(2)") {
    errno = 0;
    CHECK(open_long_path(root.fd, rel + "/missing.txt", O_RDONLY | O_CLOEXEC) == -1);
    CHECK(errno == ENOENT);
    std::string missing_dir = rel;
    missing_dir.replace(missing_dir.size() / 2, 3, "xyz"); // a component on the way does not exist
    errno = 0;
    CHECK(open_long_path(root.fd, missing_dir + "/at-45.txt", O_RDONLY | O_CLOEXEC) == -1);
    CHECK(errno == ENOENT);
    REQUIRE(::symlinkat("at-45.txt", Fd(open_long_path(root.fd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC)).fd, "link") ==
            0);
    errno = 0;
    CHECK(open_long_path(root.fd, rel + "/link", O_RDONLY | O_NOFOLLOW | O_CLOEXEC) == -1);
    CHECK(errno == ELOOP);
    errno = 0;
    CHECK(open_long_path(root.fd, std::string(PATH_MAX + 10, 'x'), O_RDONLY | O_CLOEXEC) == -1); // no '/' to cut at
    CHECK(errno == ENAMETOOLONG);
  }
  SUBCASE("a short path is a plain openat") {
    Fd fd(open_long_path(root.fd, "top", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK(fd.fd >= 0);
  }
  CHECK(open_fds() == before + 1); // nothing leaked but `root`
}

TEST_CASE("fs_walk: a tree nested deeper than PATH_MAX is walked with a bounded number of descriptors") {
  TempTree tree;
  ChainCleanup cleanup{tree};
  // 60 levels of 100-byte names (6,000 bytes), files on the way and at the bottom, side branches below
  // PATH_MAX and beyond it (so a worker also opens directories that are not children of its last one).
  const std::string name(100, 'd');
  const std::set<int> files{1, 20, 40, 41, 59, 60};
  const std::set<int> sides{10, 39, 41, 45, 50, 59};
  std::string chain = make_chain(tree, 60, name, files, sides);
  REQUIRE(chain.size() > PATH_MAX);
  tree.file("top-level.txt", "top");
  std::set<std::string> expected{"top-level.txt"};
  std::string rel = "top";
  std::map<std::string, std::string> content{{"top-level.txt", "top"}};
  for (int level = 1; level <= 60; ++level) {
    rel += "/" + name;
    if (files.count(level)) {
      expected.insert(rel + "/at-" + std::to_string(level) + ".txt");
      content[rel + "/at-" + std::to_string(level) + ".txt"] = "level " + std::to_string(level);
    }
    if (sides.count(level)) {
      expected.insert(rel + "/side/s.txt");
      content[rel + "/side/s.txt"] = "side " + std::to_string(level);
    }
  }
  const int before = open_fds();
  for (unsigned threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    std::mutex mutex;
    std::set<std::string> seen;
    std::vector<std::string> warnings, bad;
    int max_fds = 0;
    WalkStats stats = walk_parallel(
        {tree.root()}, with_threads(threads),
        [&](const FileEntry& file, unsigned) {
          Fd fd(open_entry(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
          std::string got = fd.fd >= 0 ? read_fd(fd.fd) : std::string("open failed: ") + std::strerror(errno);
          std::lock_guard lock(mutex);
          max_fds = std::max(max_fds, open_fds());
          const std::string rel = file.report_path.substr(file.root_len);
          if (!seen.insert(rel).second || content[rel] != got) bad.push_back(rel);
        },
        [&](const std::string& message) { warnings.push_back(message); });
    CHECK(seen == expected);
    CHECK(bad.empty());
    CHECK(warnings.empty());
    CHECK(stats.errors == 0);
    // Per worker: the directory being read, the file being opened, the kept deep directory, and the
    // pieces of a long path being opened; never one per level.
    CHECK(max_fds <= before + 4 * int(threads) + 2);
    CHECK(open_fds() == before);
  }

  SUBCASE("a root longer than PATH_MAX, a directory or a file") {
    const std::string deep_root = tree.path(chain.substr(0, chain.size() - 15 * 101)); // level 45
    REQUIRE(deep_root.size() > PATH_MAX);
    WalkResult r = walk({deep_root}, with_threads(2));
    CHECK(r.warnings.empty());
    auto levels = [&](int k) {
      std::string s;
      for (int i = 0; i < k; ++i)
        s += name + "/";
      return s;
    };
    std::vector<std::string> want{"side/s.txt", levels(5) + "side/s.txt", levels(14) + "at-59.txt",
                                  levels(14) + "side/s.txt", levels(15) + "at-60.txt"};
    std::sort(want.begin(), want.end());
    CHECK(r.reports == want);
    const std::string leaf = tree.path(chain + "/at-60.txt");
    WalkResult one = walk({leaf});
    REQUIRE(one.entries.size() == 1);
    CHECK(one.entries[0].explicit_arg);
    CHECK(one.entries[0].report_path == leaf);
    Fd fd(open_entry(one.entries[0], O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.fd >= 0);
    CHECK(read_fd(fd.fd) == "level 60");
  }
}
