// The staged source: the index-file fast path and libgit2's tree-to-index diff must name the same blobs
// in every index state a commit can start from (first commit, edits, renames, deletions, mode changes,
// symbolic links, submodules, `git add -N`, conflicts, index version 4, paths that sort around '/');
// split and sparse indexes, which libgit2 cannot read, are checked against git itself. The repositories
// are made by the real git command.
#include "scanner/error.hpp"
#include "scanner/sources/git_index_file.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/git_staged.hpp"
#include "temp_repo.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace dtscan;
namespace fs = std::filesystem;

namespace {

using Staged = std::set<std::pair<std::string, std::string>>; // path, blob id

Staged as_set(const StagedBlobs& s) {
  Staged out;
  for (const auto& j : s.jobs)
    out.emplace(j.path, oid_hex(j.oid));
  return out;
}

// Every entry's path, in index order, and whether it is a sparse directory.
std::vector<std::pair<std::string, bool>> entries_of(const GitIndexFile& index) {
  std::vector<std::pair<std::string, bool>> out;
  IndexEntryStream st = index.stream();
  for (const IndexEntry* e; (e = st.peek()); st.advance())
    out.emplace_back(std::string(e->path), e->sparse_dir);
  CHECK_FALSE(st.failed());
  CHECK(out.size() == index.size());
  return out;
}

std::set<std::string> paths(const Staged& s) {
  std::set<std::string> out;
  for (const auto& [p, id] : s)
    out.insert(p);
  return out;
}

// Both ways, checked against each other; returns the staged paths.
std::set<std::string> staged_paths(const TempRepo& repo, const ExcludeSet& excludes = ExcludeSet({})) {
  GitLibrary lib;
  GitRepository r = open_repository(repo.dir());
  auto fast = staged_blobs_from_index_file(r.get(), excludes);
  REQUIRE(fast.has_value());
  StagedBlobs slow = staged_blobs_libgit2(r.get(), excludes);
  CHECK(as_set(*fast) == as_set(slow));
  CHECK(fast->not_files == slow.not_files);
  CHECK(fast->excluded == slow.excluded);
  return paths(as_set(*fast));
}

} // namespace

TEST_CASE("staged: both ways agree from the first commit through edits, renames and deletions") {
  TempRepo repo;
  repo.write("a.txt", "one\n");
  repo.write("dir/b.txt", "two\n");
  repo.write("dir/sub/c.txt", "three\n");
  repo.git("add -A");
  CHECK(staged_paths(repo) == std::set<std::string>{"a.txt", "dir/b.txt", "dir/sub/c.txt"}); // no HEAD yet
  repo.git("commit -q -m one");
  CHECK(staged_paths(repo).empty());

  for (int i = 0; i < 50; ++i) // many unchanged files: the cache-tree skips them
    repo.write(fmt::format("big/d{}/f{}.txt", i % 5, i), fmt::format("{}\n", i));
  repo.git("add -A");
  repo.git("commit -q -m big");
  repo.write("dir/b.txt", "two, changed\n");
  repo.write("big/d3/new.txt", "new\n");
  repo.write("empty.txt", "");
  repo.git("add -A");
  repo.git("rm -q a.txt");
  repo.sh("mkdir -p moved");
  repo.git("mv dir/sub/c.txt moved/c.txt");
  CHECK(staged_paths(repo) == std::set<std::string>{"big/d3/new.txt", "dir/b.txt", "moved/c.txt"});

  ExcludeSet excludes({"big/**"});
  CHECK(staged_paths(repo, excludes) == std::set<std::string>{"dir/b.txt", "moved/c.txt"});
}

TEST_CASE("staged: mode changes, symbolic links, submodules, intent-to-add and conflicts") {
  TempRepo repo;
  repo.write("run.sh", "echo hi\n");
  repo.write("keep.txt", "keep\n");
  repo.git("add -A");
  repo.git("commit -q -m one");
  repo.sh("chmod +x run.sh");
  repo.sh("ln -s keep.txt link");
  repo.git("add -A");
  repo.git("update-index --add --cacheinfo 160000,0123456789012345678901234567890123456789,sub");
  repo.write("later.txt", "not yet\n");
  repo.git("add -N later.txt");
  CHECK(staged_paths(repo) == std::set<std::string>{"run.sh"}); // link and sub are counted as not files

  repo.git("reset -q --hard");
  repo.git("checkout -q -b other");
  repo.write("keep.txt", "theirs\n");
  repo.git("commit -q -am theirs");
  repo.git("checkout -q main");
  repo.write("keep.txt", "ours\n");
  repo.write("clean.txt", "clean\n");
  repo.git("add -A");
  repo.git("commit -q -m ours");
  std::string merge =
      "cd '" + repo.dir() + "' && GIT_CONFIG_NOSYSTEM=1 HOME='" + repo.dir() + "' git merge -q other >/dev/null 2>&1";
  REQUIRE(std::system(merge.c_str()) != 0); // a conflict in keep.txt
  repo.write("resolved.txt", "new\n");
  repo.git("add resolved.txt");
  CHECK(staged_paths(repo) == std::set<std::string>{"resolved.txt"}); // the conflicted path is not
}

TEST_CASE("staged: index version 4 and paths that sort around '/'") {
  TempRepo repo;
  for (const char* p : {"a-b", "a.c", "a/b", "a/b-c", "a/b/c", "a0", "ab/x"})
    repo.write(p == std::string("a/b") ? "a/b.txt" : p, std::string(p) + "\n");
  repo.git("add -A");
  repo.git("commit -q -m one");
  repo.git("update-index --index-version 4");
  for (const char* p : {"a-b", "a/b/c", "a0"})
    repo.write(p, std::string(p) + " changed\n");
  repo.git("add -A");
  {
    auto index = GitIndexFile::read(repo.dir() + "/.git/index", repo.dir() + "/.git");
    REQUIRE(index.has_value());
    auto entries = entries_of(*index);
    REQUIRE(entries.size() == 7);
    CHECK(entries[4].first == "a/b/c"); // rebuilt from the prefix-compressed form
  }
  CHECK(staged_paths(repo) == std::set<std::string>{"a-b", "a/b/c", "a0"});
}

// libgit2 1.5 reads neither split nor sparse indexes, so these are checked against what git itself says
// is staged (git diff --cached --name-only).
std::set<std::string> git_says_staged(TempRepo& repo) {
  std::string out_file = repo.dir() + "/../" + fs::path(repo.dir()).filename().string() + ".names";
  repo.sh("(git diff --cached --name-only --diff-filter=ACMRT > '" + out_file + "')");
  std::ifstream in(out_file);
  std::set<std::string> names;
  for (std::string line; std::getline(in, line);)
    names.insert(line);
  fs::remove(out_file);
  return names;
}

std::set<std::string> fast_staged(const TempRepo& repo) {
  GitLibrary lib;
  GitRepository r = open_repository(repo.dir());
  auto fast = staged_blobs_from_index_file(r.get(), ExcludeSet({}));
  REQUIRE(fast.has_value());
  std::set<std::string> out;
  for (const auto& j : fast->jobs)
    out.insert(j.path);
  return out;
}

TEST_CASE("staged: a split index (shared index plus replacements, deletions and additions)") {
  TempRepo repo;
  for (int i = 0; i < 20; ++i)
    repo.write(fmt::format("d{}/f{}.txt", i % 3, i), fmt::format("{}\n", i));
  repo.git("add -A");
  repo.git("commit -q -m one");
  repo.git("config splitIndex.maxPercentChange 100"); // keep later changes in the split part
  repo.git("update-index --split-index");
  repo.write("d1/f4.txt", "replaced\n"); // replaces a shared entry
  repo.write("d0/new.txt", "added\n");   // adds one
  repo.write("zz/last.txt", "added too\n");
  repo.git("add -A");
  repo.git("rm -q d2/f5.txt"); // deletes one
  REQUIRE(fs::exists(repo.dir() + "/.git/index"));
  bool shared = false;
  for (const auto& e : fs::directory_iterator(repo.dir() + "/.git"))
    shared |= e.path().filename().string().rfind("sharedindex.", 0) == 0;
  REQUIRE(shared);
  auto index = GitIndexFile::read(repo.dir() + "/.git/index", repo.dir() + "/.git");
  REQUIRE(index.has_value());
  auto entries = entries_of(*index);
  CHECK(entries.size() == 21); // 20 - 1 deleted + 2 added
  CHECK(std::is_sorted(entries.begin(), entries.end()));
  CHECK(fast_staged(repo) == std::set<std::string>{"d0/new.txt", "d1/f4.txt", "zz/last.txt"});
  CHECK(fast_staged(repo) == git_says_staged(repo));
  CHECK_FALSE(GitIndexFile::parse(std::string(64, '\0')).has_value());
  CHECK_FALSE(GitIndexFile::parse("DIRC").has_value());
}

TEST_CASE("staged: a sparse index (directories outside the cone are single entries)") {
  TempRepo repo;
  repo.write("in/a.txt", "a\n");
  repo.write("out/b.txt", "b\n");
  repo.write("out/deep/c.txt", "c\n");
  repo.git("add -A");
  repo.git("commit -q -m one");
  repo.git("sparse-checkout init --cone --sparse-index");
  repo.git("sparse-checkout set in");
  auto index = GitIndexFile::read(repo.dir() + "/.git/index", repo.dir() + "/.git");
  REQUIRE(index.has_value());
  bool has_sparse_dir = false;
  for (const auto& [path, sparse] : entries_of(*index))
    has_sparse_dir |= sparse && path == "out/";
  CHECK(has_sparse_dir);
  repo.write("in/a.txt", "changed\n");
  repo.write("in/new.txt", "new\n");
  repo.git("add -A");
  CHECK(fast_staged(repo) == std::set<std::string>{"in/a.txt", "in/new.txt"});
  CHECK(fast_staged(repo) == git_says_staged(repo));
  // A change outside the cone, staged without checking it out, changes the directory's tree.
  repo.sh("blob=$(echo outside | git hash-object -w --stdin) && git update-index --add --cacheinfo "
          "100644,$blob,out/deep/c.txt");
  CHECK(fast_staged(repo) == git_says_staged(repo));
}
