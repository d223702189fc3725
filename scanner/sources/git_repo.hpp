// libgit2 at the edge: library lifetime, owning handles, repository discovery and one-line error texts.
// Everything else in sources/git_* uses these instead of raw git_* pointers.
#pragma once

#include <git2.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace dtscan {

// libgit2 must be initialised before use; one per process section that uses git.
class GitLibrary {
public:
  GitLibrary();
  ~GitLibrary();
  GitLibrary(const GitLibrary&) = delete;
  GitLibrary& operator=(const GitLibrary&) = delete;
};

template <typename T, void (*Free)(T*)> struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)> using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using GitRepository = GitPtr<git_repository, git_repository_free>;
using GitTree = GitPtr<git_tree, git_tree_free>;
using GitBlob = GitPtr<git_blob, git_blob_free>;
using GitCommit = GitPtr<git_commit, git_commit_free>;
using GitIndex = GitPtr<git_index, git_index_free>;
using GitDiff = GitPtr<git_diff, git_diff_free>;
using GitRevwalk = GitPtr<git_revwalk, git_revwalk_free>;
using GitOdb = GitPtr<git_odb, git_odb_free>;
using GitOdbObject = GitPtr<git_odb_object, git_odb_object_free>;

// The last libgit2 error as one line, or `fallback` when libgit2 has none.
std::string git_error_text(std::string_view fallback = "unknown libgit2 error");

// Opens the repository that contains `path` (searching parent directories, like git), a work tree, a
// linked worktree or a bare repository. Not a repository: FatalError "not a git repository: PATH".
GitRepository open_repository(const std::string& path);

// Opens the repository the way git does from the environment: GIT_DIR and GIT_WORK_TREE when set (a
// hook of `git --git-dir=... commit` gets them), else a search from the current directory.
GitRepository open_repository_from_environment();

// Opens the same repository again (for another thread: a git_repository is not shared between threads).
GitRepository reopen_repository(git_repository* repo);

// The work tree root without a trailing '/', or "" for a bare repository.
std::string work_tree_root(git_repository* repo);

// FatalError naming the first corrupt loose object of the repository, which libgit2 1.5 cannot read
// safely (loose_objects.hpp). For the history commands, which read every object.
void check_loose_objects(git_repository* repo);

std::string oid_hex(const git_oid& oid);

struct OidHash {
  size_t operator()(const git_oid& oid) const noexcept; // the first bytes of a SHA-1 are already uniform
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const noexcept {
    return std::memcmp(a.id, b.id, GIT_OID_RAWSZ) == 0;
  }
};

} // namespace dtscan
