// Filesystem source: walks the PATH arguments of `dtscan scan` in parallel and hands each regular file
// to a visitor on a worker thread. It never follows symbolic links, never walks into .git/, applies
// --exclude globs (and .gitignore under --respect-gitignore), and turns every per-entry problem into a
// warning instead of stopping the run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dtscan {

struct WalkOptions {
  std::vector<std::string> excludes; // globs: `*`, `?`, `[...]`, `**`; a pattern without '/' matches any path component
  bool respect_gitignore = false;
  unsigned threads = 1;
};

struct FileEntry {
  std::string open_path;     // what to pass to open(2)
  std::string report_path;   // relative to the scanned root, '/' separators (SPEC §5)
  bool explicit_arg = false; // named on the command line: scanned even if binary
};

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
