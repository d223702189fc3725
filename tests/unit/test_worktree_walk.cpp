// The work-tree walk that stands in for libgit2's status in `dtscan audit`: in each state a work tree can
// be in (edits, touched files, racily clean entries, staged-only content, untracked and ignored files,
// nested repositories, submodules, links, `git add -N`, conflicts, index version 4, no index at all) it
// must name the files whose content HEAD does not have, and agree with libgit2's status where the two
// rules coincide; it must decline what it does not model (sparse checkouts, core.ignorecase). The
// repositories are made by the real git command.
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/git_worktree.hpp"
#include "scanner/sources/worktree_walk.hpp"
#include "temp_repo.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

using namespace dtscan;

namespace {

using Paths = std::set<std::string>;

struct Walked {
  std::optional<Paths> walk; // nullopt: declined
  Paths status;              // libgit2's status
  uint64_t excluded = 0;
};

Walked both(const TempRepo& repo, const std::vector<std::string>& exclude = {}) {
  GitLibrary lib;
  GitRepository r = open_repository(repo.dir());
  const ExcludeSet excludes(exclude);
  const OidSet head = head_blobs(r.get());
  Walked out;
  if (std::optional<WorktreeFiles> w = uncommitted_files_by_walk(r.get(), excludes, head)) {
    out.walk = Paths(w->paths.begin(), w->paths.end());
    out.excluded = w->excluded;
  }
  const WorktreeFiles s = uncommitted_files_by_status(r.get(), excludes, true);
  out.status = Paths(s.paths.begin(), s.paths.end());
  return out;
}

void committed(TempRepo& repo) {
  repo.write("a.txt", "alpha\n");
  repo.write("dir/b.txt", "bravo\n");
  repo.write("dir/deep/c.txt", "charlie\n");
  repo.write(".gitignore", "*.log\n");
  repo.git("add -A");
  repo.git("commit -q -m one");
}

void put32(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 4; ++i)
    bytes[at + i] = static_cast<char>((v >> (8 * (3 - i))) & 0xFF);
}

// Writes the current stat data of `path` into its entry of a version-2 index, keeping the entry's blob id:
// the index then claims the file holds that blob, whatever it holds. The trailing SHA-1 is recomputed
// (with sha1sum) so that libgit2, which checks it, still reads the index.
void claim_unchanged(const TempRepo& repo, const std::string& path) {
  const std::string index_file = repo.dir() + "/.git/index";
  std::string bytes;
  {
    std::ifstream in(index_file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  struct stat st {};
  REQUIRE(::lstat((repo.dir() + "/" + path).c_str(), &st) == 0);
  REQUIRE(bytes.compare(0, 4, "DIRC") == 0);
  REQUIRE(bytes[7] == 2);
  const auto be = [&](size_t at, int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  size_t pos = 12;
  bool found = false;
  for (uint32_t i = 0, count = be(8, 4); i < count && !found; ++i) {
    const size_t len = be(pos + 60, 2) & 0xFFF;
    if (bytes.compare(pos + 62, len, path) == 0 && len == path.size()) {
      put32(bytes, pos, st.st_ctim.tv_sec);
      put32(bytes, pos + 4, st.st_ctim.tv_nsec);
      put32(bytes, pos + 8, st.st_mtim.tv_sec);
      put32(bytes, pos + 12, st.st_mtim.tv_nsec);
      put32(bytes, pos + 20, st.st_ino);
      put32(bytes, pos + 28, st.st_uid);
      put32(bytes, pos + 32, st.st_gid);
      put32(bytes, pos + 36, st.st_size);
      found = true;
    }
    pos += (62 + len + 8) & ~size_t{7};
  }
  REQUIRE(found);
  bytes.resize(bytes.size() - 20);
  std::ofstream(index_file, std::ios::binary | std::ios::trunc) << bytes;
  const std::string cmd = "sha1sum '" + index_file + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char hex[41] = {};
  REQUIRE(std::fread(hex, 1, 40, p) == 40);
  ::pclose(p);
  for (int i = 0; i < 20; ++i)
    bytes += static_cast<char>(std::stoi(std::string(hex + 2 * i, 2), nullptr, 16));
  std::ofstream(index_file, std::ios::binary | std::ios::trunc) << bytes;
}

} // namespace

TEST_CASE("worktree walk: a clean checkout has nothing uncommitted") {
  TempRepo repo;
  committed(repo);
  const Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(w.walk->empty());
  CHECK(w.status.empty());
}

TEST_CASE("worktree walk: edits, untracked and ignored files, deletions, as libgit2's status says") {
  TempRepo repo;
  committed(repo);
  repo.write("a.txt", "alpha, edited to another size\n");
  repo.write("dir/new.txt", "new\n");
  repo.write("dir/deep/debug.log", "ignored but read\n");
  repo.write("fresh/dir/untracked.txt", "in an untracked directory\n");
  repo.sh("rm dir/b.txt");
  repo.write("dir/deep/staged.txt", "staged, not committed\n");
  repo.git("add dir/deep/staged.txt");
  const Walked w = both(repo);
  REQUIRE(w.walk);
  const Paths expected{"a.txt", "dir/deep/debug.log", "dir/deep/staged.txt", "dir/new.txt", "fresh/dir/untracked.txt"};
  CHECK(*w.walk == expected);
  CHECK(w.status == expected);
}

TEST_CASE("worktree walk: a touched file and racily clean entries are hashed, not taken as changed") {
  TempRepo repo;
  committed(repo);
  repo.sh("touch -d '2030-01-01 00:00:00' dir/b.txt"); // stat data differ, content does not
  Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(w.walk->empty());

  repo.write("a.txt", "ALPHA\n");
  w = both(repo);
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"a.txt"});
  CHECK(w.status == Paths{"a.txt"});
}

TEST_CASE("worktree walk: stat data are trusted only when the index was written after the file") {
  TempRepo repo;
  committed(repo);
  repo.write("a.txt", "ALPHA\n"); // same size, other content; the index still names HEAD's blob
  claim_unchanged(repo, "a.txt");
  repo.sh("touch -d '2099-01-01 00:00:00' .git/index");
  Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(w.walk->empty()); // equal stat data, index newer than the file: git says the same
  repo.sh("test -z \"$(GIT_CONFIG_NOSYSTEM=1 git --no-optional-locks status --porcelain)\"");

  // The index no newer than the file: the entry is racily clean and the file is hashed.
  repo.sh("touch -d '2000-01-01 00:00:00' .git/index");
  w = both(repo);
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"a.txt"});
  CHECK(w.status == Paths{"a.txt"});
  repo.sh("GIT_CONFIG_NOSYSTEM=1 git --no-optional-locks status --porcelain | grep -q 'a.txt'"); // and git
}

TEST_CASE("worktree walk: staged content is judged against HEAD's blobs, not by path") {
  TempRepo repo;
  committed(repo);
  repo.sh("cp a.txt copy-of-a.txt");
  repo.git("add copy-of-a.txt"); // content HEAD already holds at a.txt: scanned in history already
  repo.write("dir/b.txt", "staged edit\n");
  repo.git("add dir/b.txt");
  const Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"dir/b.txt"});
  CHECK(w.status == Paths{"copy-of-a.txt", "dir/b.txt"});
}

TEST_CASE("worktree walk: nested repositories, submodules, links and .git are not entered") {
  TempRepo repo;
  committed(repo);
  repo.sh("mkdir -p vendor/lib && cd vendor/lib && git init -q . && echo x > inner.txt");
  repo.sh("mkdir -p linked && echo 'gitdir: /nonexistent' > linked/.git && echo y > linked/file.txt");
  repo.git("update-index --add --cacheinfo 160000,0123456789012345678901234567890123456789,sub");
  repo.sh("mkdir sub && echo z > sub/in-submodule.txt");
  repo.sh("ln -s a.txt link.txt && ln -s dir dirlink");
  repo.write(".git/extra.txt", "inside the git directory\n");
  const Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(w.walk->empty());
  CHECK(w.status.empty());
}

TEST_CASE("worktree walk: intent-to-add, conflicts and exclusions") {
  TempRepo repo;
  committed(repo);
  repo.write("later.txt", "not yet\n");
  repo.git("add -N later.txt");
  repo.git("checkout -q -b other");
  repo.write("a.txt", "theirs\n");
  repo.git("commit -q -am theirs");
  repo.git("checkout -q main");
  repo.write("a.txt", "ours\n");
  repo.git("commit -q -am ours");
  std::string merge =
      "cd '" + repo.dir() + "' && GIT_CONFIG_NOSYSTEM=1 HOME='" + repo.dir() + "' git merge -q other >/dev/null 2>&1";
  REQUIRE(std::system(merge.c_str()) != 0); // a conflict in a.txt
  repo.write("dir/skip.env", "excluded\n");
  const Walked w = both(repo, {"*.env"});
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"a.txt", "later.txt"});
  CHECK(w.status == Paths{"a.txt", "later.txt"});
  CHECK(w.excluded == 1);
}

TEST_CASE("worktree walk: index version 4, and a repository without an index") {
  TempRepo repo;
  committed(repo);
  repo.git("update-index --index-version 4");
  repo.write("dir/deep/c.txt", "charlie, changed\n");
  Walked w = both(repo);
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"dir/deep/c.txt"});

  TempRepo empty;
  empty.write("notes.txt", "never added\n");
  empty.write("d/e.txt", "never added either\n");
  w = both(empty);
  REQUIRE(w.walk);
  CHECK(*w.walk == Paths{"d/e.txt", "notes.txt"});
  CHECK(w.status == *w.walk);
}

TEST_CASE("worktree walk: declines a sparse checkout and core.ignorecase") {
  TempRepo repo;
  committed(repo);
  repo.git("update-index --skip-worktree dir/b.txt");
  CHECK_FALSE(both(repo).walk);
  repo.git("update-index --no-skip-worktree dir/b.txt");
  CHECK(both(repo).walk);
  repo.git("config core.ignorecase true");
  CHECK_FALSE(both(repo).walk);
}
