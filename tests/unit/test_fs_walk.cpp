// Unit tests for the parallel filesystem walk: each file once at any thread count, no symlinks, no .git,
// no FIFOs, pruning excludes, report-path rules, byte-exact names, warnings for unreadable entries.
#include "scanner/sources/fs_walk.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <future>
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
  std::vector<std::string> reports; // sorted, duplicates kept
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
        result.reports.push_back(file.report_path);
        if (worker >= threads) result.worker_in_range = false;
      },
      [&](const std::string& message) { result.warnings.push_back(message); });
  std::sort(result.reports.begin(), result.reports.end());
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
    std::string dir = "d" + std::to_string(d);
    for (int depth = 0; depth < d % 4; ++depth)
      dir += "/n" + std::to_string(depth);
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

  SUBCASE("one directory root: relative to it") {
    WalkResult r = walk({tree.path("d1")});
    CHECK(r.reports == std::vector<std::string>{"x.txt"});
    REQUIRE(r.entries.size() == 1);
    CHECK(r.entries[0].open_path == tree.path("d1/x.txt"));
  }
  SUBCASE("several roots: root as given, normalised") {
    WalkResult r = walk({tree.root() + "//d1/", tree.path("d2")});
    CHECK(r.reports == std::vector<std::string>{tree.root() + "/d1/x.txt", tree.root() + "/d2/y.txt"});
  }
  SUBCASE("relative roots: no leading ./, no doubled /") {
    ChangeDir cd(tree.root());
    CHECK(walk({"."}).reports == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"./"}).reports == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "top.txt"});
    CHECK(walk({"./d1//", "d2"}).reports == std::vector<std::string>{"d1/x.txt", "d2/y.txt"});
    CHECK(walk({".", "d2"}).reports == std::vector<std::string>{"d1/x.txt", "d2/y.txt", "d2/y.txt", "top.txt"});
    WalkResult file_root = walk({"./d1//x.txt"});
    REQUIRE(file_root.entries.size() == 1);
    CHECK(file_root.entries[0].report_path == "d1/x.txt");
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
    CHECK(r.entries[0].report_path == name);
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
  CHECK(missing.reports == std::vector<std::string>{tree.path("ok/a.txt")});
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
    tree.file("d" + std::to_string(i % 5) + "/f" + std::to_string(i));
  tree.file("d3/boom");
  for (unsigned threads : {1u, 4u}) {
    WalkOptions options = with_threads(threads);
    auto visit = [](const FileEntry& file, unsigned) {
      if (file.report_path == "d3/boom") throw std::runtime_error("visitor failed");
    };
    CHECK_THROWS_WITH_AS(walk_parallel({tree.root()}, options, visit, {}), "visitor failed", std::runtime_error);
  }
}
