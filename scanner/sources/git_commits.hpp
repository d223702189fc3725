// Which commits `dtscan git` visits, oldest first: all commits reachable from any ref (and HEAD), or the
// commits of a range A..B (reachable from B, not from A). The walk is dtscan's own rather than libgit2's
// revwalk because libgit2 1.5 does not know shallow clones (the usual CI checkout) and fails on their
// missing parents; here the commits listed in .git/shallow simply have none.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

namespace dtscan {

struct CommitList {
  std::vector<git_oid> commits;        // parents before children; ties by commit time, then id
  std::vector<git_oid> trees;          // the root tree of each of `commits`
  std::vector<git_oid> boundary_trees; // range only: trees of the parents of listed commits that are not listed
  std::vector<std::string> other_refs; // full history only: refs that point at a tree or blob, not a commit
  std::vector<git_oid> other_objects;  // the tree or blob each of those refs points at
  std::vector<git_oid> tips;           // full history only: the commits the walk started from (refs, HEAD)
};

// range: empty for the whole history, else "A..B". FatalError for a bad range or an unreadable commit.
// hide (full history only; audit --state): commits already scanned; they and their ancestors are left
// out, and their trees are the boundary, as for a range. Hidden commits that no longer exist are ignored.
CommitList list_commits(git_repository* repo, const std::string& range, const std::vector<git_oid>& hide = {});

} // namespace dtscan
