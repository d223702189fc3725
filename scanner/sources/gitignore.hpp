// .gitignore rules for --respect-gitignore. Each directory's file is parsed once and chained to the rules
// of its parent directories; the chain is immutable, so walker threads share it without locking.
#pragma once

#include "scanner/sources/glob.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

class Gitignore;
using GitignoreChain = std::shared_ptr<const Gitignore>;

class Gitignore {
public:
  // `text`: the file's contents; `base`: the directory holding it, relative to the walk root ("" for the
  // root, else "a/b" without a trailing '/'); `parent`: the rules of the enclosing directories.
  Gitignore(std::string_view text, std::string base, GitignoreChain parent);

  bool empty() const { return m_patterns.empty(); }
  // `rel_path` is relative to the walk root and lies under `base`. As in git, the nearest file decides
  // and within it the last matching pattern wins. Parent directories are not re-checked: the caller
  // prunes an ignored directory, which is also why `!` cannot re-include a file inside one.
  bool is_ignored(std::string_view rel_path, EntryKind kind) const;

private:
  enum class Verdict { none, ignored, kept };
  struct Pattern {
    std::string glob;
    bool negated = false;
    bool dir_only = false;
    bool anchored = false; // contains '/': matches the path relative to m_base, else any component
  };

  Verdict verdict(std::string_view rel_path, EntryKind kind) const;

  std::string m_base;
  std::vector<Pattern> m_patterns;
  GitignoreChain m_parent;
};

} // namespace dtscan
