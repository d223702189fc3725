// See git_repo.hpp.
#include "scanner/sources/git_repo.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/loose_objects.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>

namespace dtscan {

GitLibrary::GitLibrary() {
  git_libgit2_init();
  // dtscan reads each blob, tree and commit once (the history walk remembers what it has seen), so
  // libgit2's object cache would only cost memory and locking.
  for (git_object_t type : {GIT_OBJECT_BLOB, GIT_OBJECT_TREE, GIT_OBJECT_COMMIT})
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, static_cast<size_t>(0));
  // Each object read is hashed again by default (collision-detecting SHA-1, ~30% of a history scan).
  // dtscan reports what the bytes hold whatever their id, and git cat-file does not verify either.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  // The repository is untrusted input: do not refuse it for its owner (git's safe.directory), since
  // dtscan only reads objects and never runs hooks or filters from it.
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

GitLibrary::~GitLibrary() {
  git_libgit2_shutdown();
}

std::string git_error_text(std::string_view fallback) {
  const git_error* e = git_error_last();
  std::string text = e && e->message ? e->message : std::string(fallback);
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && (text.back() == ' ' || text.back() == '.'))
    text.pop_back();
  return text;
}

GitRepository open_repository(const std::string& path) {
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) throw FatalError(fmt::format("not a git repository: {}", path));
  if (rc != 0) throw FatalError(fmt::format("cannot open git repository {}: {}", path, git_error_text()));
  return GitRepository(raw);
}

namespace {

bool same_directory(const char* a, const char* b) {
  struct stat sa {
  }, sb{};
  return a && b && ::stat(a, &sa) == 0 && ::stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

} // namespace

GitRepository open_repository_from_environment() {
  // libgit2 1.5's GIT_REPOSITORY_OPEN_FROM_ENV refuses GIT_WORK_TREE ("unimplemented"): done by hand.
  const char* dir = std::getenv("GIT_DIR");
  if (dir == nullptr || *dir == '\0') return open_repository(".");
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) throw FatalError(fmt::format("not a git repository: {} (GIT_DIR)", dir));
  if (rc != 0) throw FatalError(fmt::format("cannot open git repository {} (GIT_DIR): {}", dir, git_error_text()));
  GitRepository repo(raw);
  const char* work_tree = std::getenv("GIT_WORK_TREE");
  if (work_tree == nullptr || *work_tree == '\0' || same_directory(work_tree, git_repository_workdir(repo.get())))
    return repo; // (libgit2 1.5 leaks a buffer when set_workdir is given the work tree it already has)
  if (git_repository_set_workdir(repo.get(), work_tree, 0) != 0)
    throw FatalError(fmt::format("cannot use work tree {} (GIT_WORK_TREE): {}", work_tree, git_error_text()));
  return repo;
}

GitRepository reopen_repository(git_repository* repo) {
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, git_repository_path(repo)) != 0)
    throw FatalError(fmt::format("cannot reopen git repository {}: {}", git_repository_path(repo), git_error_text()));
  return GitRepository(raw);
}

std::string work_tree_root(git_repository* repo) {
  const char* wd = git_repository_workdir(repo);
  if (wd == nullptr) return {};
  std::string root = wd;
  while (root.size() > 1 && root.back() == '/')
    root.pop_back();
  return root;
}

void check_loose_objects(git_repository* repo) {
  const char* common = git_repository_commondir(repo);
  const std::string objects = std::string(common ? common : git_repository_path(repo)) + "objects";
  if (auto bad = find_corrupt_loose_object(objects))
    throw FatalError(fmt::format("corrupt git repository {}: loose object {}", git_repository_path(repo), *bad));
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

size_t OidHash::operator()(const git_oid& oid) const noexcept {
  size_t h;
  std::memcpy(&h, oid.id, sizeof h);
  return h;
}

} // namespace dtscan
