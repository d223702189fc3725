// Shared by the report writer tests: a fake finding (the secret is an obvious non-token) to build
// reports from.
#pragma once

#include "scanner/finding.hpp"

#include <string>

namespace dtscan::test {

inline const std::string k_fake_secret = "FAKESECRETFAKESECRETFAKESECRETFAKESECRETFAKESECRETFAKESECRETABCD";

inline Finding fake_finding(std::string path, Severity sev) {
  Finding f;
  f.rule_id = "dynatrace-token";
  f.token_type = "dt0c01";
  f.severity = sev;
  f.reasons = {"well-formed", "environment-url-in-file"};
  f.path = std::move(path);
  f.line = 12;
  f.column = 27;
  f.end_line = 12;
  f.end_column = 117;
  f.token_id = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
  f.redacted = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA.****";
  f.fingerprint = std::string(64, 'f');
  f.secret = k_fake_secret;
  return f;
}

} // namespace dtscan::test
