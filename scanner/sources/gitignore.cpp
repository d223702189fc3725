// Parses .gitignore lines (comments, `!`, trailing '/', anchoring by '/', escapes, trailing blanks) and
// answers "is this entry ignored" by walking the per-directory chain from the nearest file outwards.
#include "scanner/sources/gitignore.hpp"

namespace dtscan {
namespace {

// Trailing blanks are dropped unless escaped with a backslash; a CR from a CRLF file goes too.
std::string_view trim_line(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
    size_t backslashes = 0;
    for (size_t i = line.size() - 1; i > 0 && line[i - 1] == '\\'; --i)
      ++backslashes;
    if (backslashes % 2 == 1) break;
    line.remove_suffix(1);
  }
  return line;
}

} // namespace

Gitignore::Gitignore(std::string_view text, std::string base, GitignoreChain parent)
    : m_base(std::move(base)), m_parent(std::move(parent)) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = trim_line(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    Pattern pattern;
    if (line.front() == '!') {
      pattern.negated = true;
      line.remove_prefix(1);
    }
    if (line.ends_with('/')) {
      pattern.dir_only = true;
      line.remove_suffix(1);
    }
    if (line.find('/') != std::string_view::npos) pattern.anchored = true;
    if (line.starts_with('/')) line.remove_prefix(1);
    if (line.empty()) continue;
    pattern.glob = line; // `\#`, `\!` and `\ ` stay escaped: the glob matcher reads `\c` as the byte c
    m_patterns.push_back(std::move(pattern));
  }
}

Gitignore::Verdict Gitignore::verdict(std::string_view rel_path, EntryKind kind) const {
  std::string_view local = rel_path;
  if (!m_base.empty()) {
    if (!(local.starts_with(m_base) && local.size() > m_base.size() && local[m_base.size()] == '/'))
      return Verdict::none;
    local.remove_prefix(m_base.size() + 1);
  }
  std::string_view name = local.substr(local.rfind('/') + 1);
  for (auto it = m_patterns.rbegin(); it != m_patterns.rend(); ++it) {
    if (it->dir_only && kind != EntryKind::directory) continue;
    if (it->anchored ? glob_match(it->glob, local) : glob_match_component(it->glob, name))
      return it->negated ? Verdict::kept : Verdict::ignored;
  }
  return Verdict::none;
}

bool Gitignore::is_ignored(std::string_view rel_path, EntryKind kind) const {
  for (const Gitignore* rules = this; rules != nullptr; rules = rules->m_parent.get()) {
    Verdict v = rules->verdict(rel_path, kind);
    if (v != Verdict::none) return v == Verdict::ignored;
  }
  return false;
}

} // namespace dtscan
