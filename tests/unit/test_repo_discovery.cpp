// Unit tests of audit's repository discovery: the streaming form (repositories handed over as they are
// found, in walk order) finds exactly what the sorted form finds, each repository once. The shapes of
// git directories are made by hand: a work tree's .git, a bare repository's HEAD, objects/ and refs/.
#include "scanner/sources/repo_discovery.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <stdlib.h>

namespace fs = std::filesystem;
using namespace dtscan;

namespace {

struct Tree {
  Tree() {
    std::string templ = (fs::temp_directory_path() / "dtscan-discovery-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    root = templ;
  }
  ~Tree() { fs::remove_all(root); }
  void work_tree(const std::string& rel) { fs::create_directories(root / rel / ".git"); }
  void bare(const std::string& rel) {
    fs::create_directories(root / rel / "objects");
    fs::create_directories(root / rel / "refs");
    std::ofstream(root / rel / "HEAD") << "ref: refs/heads/main\n";
  }
  fs::path root;
};

std::vector<std::string> names(const std::vector<DiscoveredRepo>& repos) {
  std::vector<std::string> out;
  for (const auto& r : repos)
    out.push_back(r.name + (r.bare ? " (bare)" : ""));
  return out;
}

} // namespace

TEST_CASE("repository discovery: streamed as found, the same repositories as the sorted list") {
  Tree t;
  t.work_tree("b/svc");
  t.work_tree("a/one");
  t.work_tree("a/one/vendor/lib"); // nested in a work tree: a repository of its own
  t.bare("mirrors/one.git");
  fs::create_directories(t.root / "a" / "empty");
  fs::create_directory_symlink(t.root / "b", t.root / "link-to-b"); // never followed

  const WarningSink quiet = [](const std::string&) {};
  const std::vector<std::string> roots{t.root.string()};
  const std::vector<DiscoveredRepo> sorted = discover_repositories(roots, {}, quiet);
  CHECK(names(sorted) == std::vector<std::string>{"a/one", "a/one/vendor/lib", "b/svc", "mirrors/one.git (bare)"});

  std::vector<DiscoveredRepo> streamed;
  discover_repositories(roots, {}, quiet, [&](DiscoveredRepo&& r) { streamed.push_back(std::move(r)); });
  CHECK(names(streamed) == names(sorted)); // walk order: directories in name order, a work tree before its nested ones

  // A root given twice (and one inside another) yields each repository once.
  std::vector<DiscoveredRepo> twice;
  discover_repositories({t.root.string(), t.root.string(), (t.root / "a").string()}, {}, quiet,
                        [&](DiscoveredRepo&& r) { twice.push_back(std::move(r)); });
  CHECK(twice.size() == sorted.size());

  DiscoveryOptions shallow;
  shallow.max_depth = 1;
  std::vector<DiscoveredRepo> top;
  discover_repositories(roots, shallow, quiet, [&](DiscoveredRepo&& r) { top.push_back(std::move(r)); });
  CHECK(top.empty()); // every repository is two directories down
}

TEST_CASE("repository discovery: a stop request ends the walk at the next directory") {
  Tree t;
  for (const char* rel : {"a/one", "b/two", "c/three", "d/four"})
    t.work_tree(rel);
  const WarningSink quiet = [](const std::string&) {};

  // Stop asked as soon as the first repository is found (as audit does on Ctrl-C): the rest of the tree
  // is not walked, so no later repository is handed over.
  bool stop = false;
  unsigned asked = 0;
  DiscoveryOptions options;
  options.stop = [&] {
    ++asked;
    return stop;
  };
  std::vector<DiscoveredRepo> found;
  discover_repositories({t.root.string()}, options, quiet, [&](DiscoveredRepo&& r) {
    found.push_back(std::move(r));
    stop = true;
  });
  CHECK(names(found) == std::vector<std::string>{"a/one"});
  const unsigned asked_when_stopped = asked;

  // Not stopped: every directory is asked about, more often than in the stopped walk.
  stop = false;
  asked = 0;
  options.stop = [&] {
    ++asked;
    return false;
  };
  std::vector<DiscoveredRepo> all;
  discover_repositories({t.root.string()}, options, quiet, [&](DiscoveredRepo&& r) { all.push_back(std::move(r)); });
  CHECK(all.size() == 4);
  CHECK(asked > asked_when_stopped);
}
