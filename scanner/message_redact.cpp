// See message_redact.hpp. Uses the same matcher and classifier as a scan, so whatever a scan would
// report as a secret is what gets hidden here.
#include "scanner/message_redact.hpp"

#include "scanner/file_scan.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace dtscan {

std::string redact_message(std::string_view message) {
  if (message.find_first_of("0123456789") == std::string_view::npos) return std::string(message); // no token
  static std::once_flag once;
  static std::unique_ptr<RuleSet> rules;
  static std::unique_ptr<ScanEngine> engine;
  std::call_once(once, [] {
    rules = std::make_unique<RuleSet>(load_rules({}));
    engine = std::make_unique<ScanEngine>(*rules, DecodeMode::on, SecretDisplay::shown);
  });
  static std::mutex mutex; // one FileScanner (and its buffer) for all threads; messages are rare
  std::lock_guard lock(mutex);
  static FileScanner scanner(*engine, 4096);
  FileOutcome outcome = scanner.scan_bytes(message, "message");
  // Replace from the end so earlier byte offsets stay valid. Findings carry line/column; messages are
  // one line, so the column is the byte offset + 1.
  std::string out(message);
  std::sort(outcome.findings.begin(), outcome.findings.end(),
            [](const Finding& a, const Finding& b) { return a.column > b.column; });
  for (const Finding& f : outcome.findings) {
    if (f.line != 1 || f.end_line != 1 || f.secret.empty()) continue;
    const size_t begin = f.column - 1, end = f.end_column - 1;
    if (begin < end && end <= out.size()) out.replace(begin, end - begin, f.redacted);
  }
  // A safety net wider than the rules, harmless in a message: anything shaped like a dt0 token (a prefix,
  // a public part, then 8 or more characters) loses what follows its public part, whatever comes next
  // (the rules do not report a token followed by ".json", as in a file name).
  static const RE2 dt0_shape(R"((dt0[a-z][0-9]{2}\.[A-Za-z0-9*]+)\.[A-Za-z0-9]{8,})");
  RE2::GlobalReplace(&out, dt0_shape, R"(\1.****)");
  return out;
}

} // namespace dtscan
