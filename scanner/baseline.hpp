// Baselines (SPEC §6): the findings a team has accepted, keyed by (fingerprint, rule, path) and never by
// line or commit, so edits above a finding, rebases and squash merges keep it suppressed.
#pragma once

#include "scanner/finding.hpp"

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace dtscan {

class Baseline {
public:
  using Key = std::tuple<std::string, std::string, std::string>; // fingerprint, rule_id, path

  static Baseline from_findings(const std::vector<Finding>& findings);
  // Reads a baseline file; a missing, unreadable or malformed file is a FatalError (one line).
  static Baseline load(const std::string& path);
  static Baseline parse(const std::string& json_text, const std::string& origin);

  bool contains(const Finding& f) const;
  size_t size() const { return m_keys.size(); }
  std::string to_json() const; // sorted, unique, ends with a newline; holds no secret
  // Writes to_json() to `path` atomically (temporary file + rename); FatalError when it cannot.
  void write(const std::string& path) const;

private:
  static Key key_of(const Finding& f);
  std::set<Key> m_keys;
};

} // namespace dtscan
