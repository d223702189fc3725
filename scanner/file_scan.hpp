// Scans one file (or any byte stream) with bounded memory: reads it in overlapping chunks into a reusable
// per-worker buffer, runs the matcher on each window, turns byte offsets into lines and columns, learns
// the file facts the classifier needs, classifies and collapses overlapping matches into findings.
#pragma once

#include "scanner/classify.hpp"
#include "scanner/environment.hpp"
#include "scanner/finding.hpp"
#include "scanner/matcher.hpp"
#include "scanner/rules.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

class EnvironmentUrls;

enum class SecretDisplay { redacted, shown };
enum class BinaryPolicy { skip, scan };

// Everything compiled once per run and shared read-only by all workers.
struct ScanEngine {
  ScanEngine(const RuleSet& rules, DecodeMode decode, SecretDisplay secrets)
      : rules(rules), matcher(rules, decode), classifier(rules), environment(rules.classification), secrets(secrets) {}
  const RuleSet& rules;
  Matcher matcher;
  Classifier classifier;
  EnvironmentDetector environment;
  SecretDisplay secrets;
  // --verify: set, findings it can check keep their value and their file's environment URLs.
  const EnvironmentUrls* verify = nullptr;
};

struct FileOutcome {
  enum class Status { scanned, binary, error };
  Status status = Status::scanned;
  std::vector<Finding> findings; // sorted by position
  uint64_t bytes = 0;
  uint64_t suppressed = 0;         // findings on lines marked dtscan:allow
  std::string error;               // for Status::error: a one-line reason
  bool truncated_findings = false; // more than max_findings_per_file: the rest were dropped
};

// Reads up to n bytes into dst; returns the count, 0 at end of input, or -1 with errno set.
using ReadFn = std::function<long(char* dst, size_t n)>;

class FileScanner {
public:
  // chunk_size: bytes accepted per window (tests use small values to exercise chunk boundaries).
  explicit FileScanner(const ScanEngine& engine, size_t chunk_size = default_chunk_size);

  // root_len: the bytes of report_path that name the scanned directory (Finding::root_len).
  FileOutcome scan(const ReadFn& read, std::string_view report_path, BinaryPolicy binary, size_t root_len = 0);
  FileOutcome scan_fd(int fd, std::string_view report_path, BinaryPolicy binary, size_t root_len = 0);
  FileOutcome scan_bytes(std::string_view data, std::string_view report_path, BinaryPolicy binary = BinaryPolicy::scan);

  static constexpr size_t default_chunk_size = size_t{1} << 20;
  static constexpr size_t overlap = 4096; // > Matcher::max_lookbehind + max_lookahead
  static constexpr size_t binary_probe = 8192;
  static constexpr size_t max_findings_per_file = 100000;

private:
  const ScanEngine& m_engine;
  size_t m_chunk_size;
  std::unique_ptr<char[]> m_buffer; // chunk_size + 2 * overlap bytes, allocated on first use
  std::vector<RawMatch> m_raw;
};

} // namespace dtscan
