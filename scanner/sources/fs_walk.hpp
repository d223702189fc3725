// Filesystem source: walks the PATH arguments of `dtscan scan` in parallel and hands each regular file
// to a visitor on a worker thread. It never follows symbolic links, never walks into .git/, applies
// --exclude globs (and .gitignore under --respect-gitignore), and turns every per-entry problem into a
// warning instead of stopping the run. Paths of any length work: a tree nested deeper than PATH_MAX is
// walked from descriptors of the directories above, with a bounded number of open descriptors.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

struct WalkOptions {
  std::vector<std::string> excludes; // globs: `*`, `?`, `[...]`, `**`; a pattern without '/' matches any path component
  bool respect_gitignore = false;
  unsigned threads = 1;
};

struct FileEntry {
  std::string open_path;     // the file's path; open it with open_entry() (it may be longer than PATH_MAX)
  std::string report_path;   // as the user named it: the root as given (normalised) + the path below it
  size_t root_len = 0;       // bytes of report_path naming the root directory ("src/"; 0 for a named file)
  bool explicit_arg = false; // named on the command line: scanned even if binary
  // During the visit only: an open descriptor of the directory that holds a walked file, and where its
  // name starts in open_path; -1 for a file named on the command line (opened by open_path).
  int dir_fd = -1;
  size_t name_offset = 0;
};

// Opens a visited file (during the visit): openat(dir_fd, name, flags) for a walked file, whatever the
// length of its path; open_long_path(AT_FDCWD, open_path, flags) for a file named on the command line.
// Returns the descriptor, or -1 with errno set.
int open_entry(const FileEntry& file, int flags);

// openat(2) without the PATH_MAX limit: a path shorter than PATH_MAX is one openat() call; a longer one is
// opened a piece at a time (each piece shorter than PATH_MAX, cut at a '/', the directories on the way
// opened with O_PATH and closed as soon as the next one is open: at most two descriptors at a time).
// Symbolic links on the way are resolved as open(2) would; `flags` apply to the last component only.
int open_long_path(int base_fd, std::string_view path, int flags);

// Called on worker threads, concurrently; `worker` is in [0, threads) so a visitor can keep per-worker
// buffers without locking.
using FileVisitor = std::function<void(const FileEntry& file, unsigned worker)>;
// Called (serialised by the walker) with a complete one-line warning, e.g.
// "dtscan: warning: cannot read directory 'x': Permission denied".
using WarningSink = std::function<void(const std::string& message)>;

struct WalkStats {
  uint64_t skipped = 0; // entries skipped that count as files_skipped (non-regular files, excluded files)
  uint64_t errors = 0;  // entries that could not be read (each also produced a warning)
};

// roots: the PATH arguments ("-" is handled by the caller, not here). Report paths: when there is exactly
// one root and it is a directory, paths are relative to it; otherwise each path starts with its root as
// given (normalised: no leading "./", no doubled '/'). A root that does not exist is a warning and an error
// count. Returns after every file has been visited.
WalkStats walk_parallel(const std::vector<std::string>& roots, const WalkOptions& options, const FileVisitor& visit,
                        const WarningSink& warn);

} // namespace dtscan
