// Repository discovery for `dtscan audit ROOT...`: every git repository under the roots, working trees
// (a `.git` directory or gitfile) and bare repositories, found by walking directories without following
// symbolic links and without entering any repository's own git directory. A working tree is walked on,
// so that nested checkouts (submodules, vendored clones) are found too, each as its own repository and
// once: repositories are deduplicated by the identity (device, inode) of their git directory.
#pragma once

#include "scanner/sources/fs_walk.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

struct DiscoveredRepo {
  std::string path; // as named: the root as given + the path below it ("repos/a"; the root itself as given)
  std::string name; // relative to its root ("a/b"; "." for the root itself): the report's `repository`
  bool bare = false;
};

struct DiscoveryOptions {
  std::optional<unsigned> max_depth; // directories below a root to descend into; unset: no limit
  // Asked before each directory is read; true ends the walk there (an interrupted audit does not wait for
  // the rest of a large tree to be walked). Unset: the walk runs to the end.
  std::function<bool()> stop;
};

// audit --shard K/N: the shard (1..count) a repository belongs to, from its name alone, so that every
// machine splits the same roots the same way: 1 + FNV-1a-64(name) mod count.
unsigned shard_of(std::string_view name, unsigned count);

// Sorted by name, then path. A root that does not exist or cannot be read is a warning, not an error.
std::vector<DiscoveredRepo> discover_repositories(const std::vector<std::string>& roots,
                                                  const DiscoveryOptions& options, const WarningSink& warn);

// The same repositories handed to `found` as they are discovered (in walk order: roots in turn, the
// directories of each in name order), so that an audit can start on the first while the walk goes on.
using RepoSink = std::function<void(DiscoveredRepo&&)>;
void discover_repositories(const std::vector<std::string>& roots, const DiscoveryOptions& options,
                           const WarningSink& warn, const RepoSink& found);

} // namespace dtscan
