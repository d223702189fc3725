// Small pieces every command's runner shares (app.cpp for scan/staged/git, audit.cpp for audit).
#pragma once

#include "scanner/finding.hpp"

#include <optional>
#include <string>

namespace dtscan {

// SPEC §3: 1 when a finding is at or above fail_on (nullopt: never), else 0.
int exit_status(const Report& report, const std::optional<Severity>& fail_on);

// NO_COLOR (no-color.org) counts only when set to a non-empty value; TERM=dumb terminals take no escapes.
bool colour_allowed_by_environment();

// The directory a relative path is relative to, made absolute (lexically, like the paths it serves);
// "" (the current directory) when it cannot be.
std::string absolute_dir(const std::string& dir);

} // namespace dtscan
