// Shell-style globs over '/'-separated relative paths, for --exclude and .gitignore. Paths are bytes:
// no locale, no case folding, no UTF-8 decoding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

enum class EntryKind { file, directory };

// `*` matches any run of bytes except '/', `?` one byte except '/', `[abc]`, `[a-z]`, `[!...]`/`[^...]`
// one byte of (or not of) a set, `\c` the byte c; a whole component `**` matches zero or more components
// (`**` inside a component acts as `*`). The pattern must match all of `path`.
bool glob_match(std::string_view pattern, std::string_view path);

// glob_match for a single path component: neither side contains '/'.
bool glob_match_component(std::string_view pattern, std::string_view name);

// --exclude globs parsed once. A pattern without '/' matches any single path component; a pattern with
// '/' matches the whole path relative to the walk root (a leading '/' only anchors, which such patterns
// already are); a trailing '/' restricts the pattern to directories.
class ExcludeSet {
public:
  explicit ExcludeSet(const std::vector<std::string>& globs);

  bool empty() const { return m_patterns.empty(); }
  // The entry itself only; the walker prunes excluded directories, so its parents were already checked.
  bool excludes_entry(std::string_view rel_path, EntryKind kind) const;
  // The entry or any of its parent directories.
  bool excludes(std::string_view rel_path, EntryKind kind) const;

private:
  struct Pattern {
    std::string glob;
    bool dir_only = false;
    bool whole_path = false;
  };
  std::vector<Pattern> m_patterns;
};

// One-shot form of ExcludeSet::excludes (the walker keeps an ExcludeSet instead).
bool is_excluded(const std::vector<std::string>& globs, std::string_view rel_path, EntryKind kind = EntryKind::file);

} // namespace dtscan
