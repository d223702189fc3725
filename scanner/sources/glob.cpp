// Glob matching by components: a path is split at '/'; `**` components and `*` runs inside a component
// are both matched with one backtracking point (the last star), so no pattern, however many stars it
// holds, costs more than pattern length × path length (a .dtscan.json may come from an untrusted repo).
#include "scanner/sources/glob.hpp"

#include <vector>

namespace dtscan {
namespace {

constexpr auto npos = std::string_view::npos;

// Matches byte `c` against the class that opens at p[open] ('['). Returns the index after the closing
// ']', or npos when the class is unterminated (then '[' is an ordinary byte).
size_t match_class(std::string_view p, size_t open, unsigned char c, bool& matched) {
  size_t j = open + 1;
  bool negate = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    negate = true;
    ++j;
  }
  bool found = false;
  for (bool first = true; j < p.size(); first = false) {
    auto lo = static_cast<unsigned char>(p[j]);
    if (lo == ']' && !first) {
      matched = found != negate;
      return j + 1;
    }
    if (lo == '\\' && j + 1 < p.size()) lo = static_cast<unsigned char>(p[++j]);
    ++j;
    unsigned char hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      j += 1;
      if (p[j] == '\\' && j + 1 < p.size()) ++j;
      hi = static_cast<unsigned char>(p[j++]);
    }
    if (lo <= c && c <= hi) found = true;
  }
  return npos;
}

// One non-star pattern element against s[si]: returns the pattern index after it, or npos on mismatch.
size_t match_one(std::string_view p, size_t pi, char sc) {
  char pc = p[pi];
  if (pc == '?') return pi + 1;
  if (pc == '[') {
    bool matched = false;
    size_t end = match_class(p, pi, static_cast<unsigned char>(sc), matched);
    if (end != npos) return matched ? end : npos;
  } else if (pc == '\\' && pi + 1 < p.size()) {
    return p[pi + 1] == sc ? pi + 2 : npos;
  }
  return pc == sc ? pi + 1 : npos;
}

} // namespace

bool glob_match_component(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_pi = npos, star_si = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      while (pi < p.size() && p[pi] == '*')
        ++pi;
      star_pi = pi;
      star_si = si;
      continue;
    }
    size_t next = pi < p.size() ? match_one(p, pi, s[si]) : npos;
    if (next != npos) {
      pi = next;
      ++si;
      continue;
    }
    // Only the last `*` needs to grow: earlier ones cannot make a later mismatch go away.
    if (star_pi == npos) return false;
    pi = star_pi;
    si = ++star_si;
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

bool glob_match(std::string_view p, std::string_view s) {
  // Components as views; reused per thread so that the walker's calls do not allocate.
  thread_local std::vector<std::string_view> pc, sc;
  auto split = [](std::string_view x, std::vector<std::string_view>& out) {
    out.clear();
    for (size_t from = 0;;) {
      size_t slash = x.find('/', from);
      out.push_back(x.substr(from, slash == npos ? npos : slash - from));
      if (slash == npos) break;
      from = slash + 1;
    }
  };
  split(p, pc);
  split(s, sc);
  // A trailing `**` matches everything inside, not the directory itself: at least one component, as
  // if a `*` component followed it.
  if (pc.back() == "**") pc.push_back("*");
  // Wildcard matching over components, `**` being the star: like `*` within a component, only the last
  // `**` needs to grow, so this is O(pattern × path) however many `**` a (hostile) pattern holds.
  const size_t pn = pc.size(), sn = sc.size();
  size_t pi = 0, si = 0, star_pi = npos, star_si = 0;
  while (si < sn) {
    if (pi < pn && pc[pi] == "**") {
      while (pi < pn && pc[pi] == "**")
        ++pi;
      star_pi = pi;
      star_si = si;
      continue;
    }
    if (pi < pn && glob_match_component(pc[pi], sc[si])) {
      ++pi;
      ++si;
      continue;
    }
    if (star_pi == npos) return false;
    pi = star_pi;
    si = ++star_si;
  }
  while (pi < pn && pc[pi] == "**")
    ++pi;
  return pi == pn;
}

ExcludeSet::ExcludeSet(const std::vector<std::string>& globs) {
  for (std::string_view v : globs) {
    Pattern pattern;
    while (!v.empty() && v.back() == '/') {
      v.remove_suffix(1);
      pattern.dir_only = true;
    }
    while (v.starts_with("./"))
      v.remove_prefix(2);
    while (v.starts_with('/')) {
      v.remove_prefix(1);
      pattern.whole_path = true;
    }
    if (v.empty()) continue;
    if (v.find('/') != npos) pattern.whole_path = true;
    pattern.glob = v;
    m_patterns.push_back(std::move(pattern));
  }
}

bool ExcludeSet::excludes_entry(std::string_view rel_path, EntryKind kind) const {
  std::string_view name = rel_path.substr(rel_path.rfind('/') + 1);
  for (const Pattern& pattern : m_patterns) {
    if (pattern.dir_only && kind != EntryKind::directory) continue;
    if (pattern.whole_path ? glob_match(pattern.glob, rel_path) : glob_match_component(pattern.glob, name)) return true;
  }
  return false;
}

bool ExcludeSet::excludes(std::string_view rel_path, EntryKind kind) const {
  for (size_t slash = rel_path.find('/'); slash != npos; slash = rel_path.find('/', slash + 1))
    if (excludes_entry(rel_path.substr(0, slash), EntryKind::directory)) return true;
  return excludes_entry(rel_path, kind);
}

bool is_excluded(const std::vector<std::string>& globs, std::string_view rel_path, EntryKind kind) {
  return ExcludeSet(globs).excludes(rel_path, kind);
}

} // namespace dtscan
