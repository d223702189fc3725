// Small pieces every command's runner shares (app.cpp for scan/staged/git, audit.cpp, merge.cpp).
#pragma once

#include "scanner/cli.hpp"
#include "scanner/finding.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/verify/verifier.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dtscan {

// The report context every command starts from: rules, --show-secrets, and colour for text on a terminal
// (unless --no-color, NO_COLOR or TERM=dumb). SARIF fields are the command's to set.
ReportContext report_context(const Options& o, const RuleSet& rules, bool output_is_terminal);

// Adds the counts of `s` (files, bytes, skipped, errors, suppressed, by severity) to `total`.
void add_summary(Summary& total, const Summary& s);

// SPEC §3: 1 when a finding is at or above fail_on (nullopt: never), else 0.
int exit_status(const Report& report, const std::optional<Severity>& fail_on);

// NO_COLOR (no-color.org) counts only when set to a non-empty value; TERM=dumb terminals take no escapes.
bool colour_allowed_by_environment();

// --verify's settings from the command line.
VerifyOptions verify_options(const Options& o);

// Counts the findings by severity again (verification changes severities).
void recount_severities(Summary& s, const std::vector<Finding>& findings);

// The directory a relative path is relative to, made absolute (lexically, like the paths it serves);
// "" (the current directory) when it cannot be.
std::string absolute_dir(const std::string& dir);

} // namespace dtscan
