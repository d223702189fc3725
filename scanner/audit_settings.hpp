// audit --state: the settings that decide which findings a scan of a blob yields (dtscan's version, the
// rules, --exclude, --max-file-size, --no-decode, --respect-gitignore, --no-repo-config), as one JSON
// text recorded in the state. A later audit with other settings would mix findings made two ways
// (recorded blobs are not scanned again), so the state refuses it and names the setting. A baseline is
// not one of them: the state records findings before any baseline, and each audit applies its own.
#pragma once

#include "scanner/cli.hpp"

#include <string>

namespace dtscan {

// A JSON object, keys sorted, file contents as SHA-256 digests (never the files themselves).
std::string audit_settings(const Options& o);

// The first setting (a key of the object) whose value differs between two audit_settings() texts, or ""
// when they are equal (a key that older states recorded and that is no longer a setting, "baseline", is
// ignored); "settings" when one of them cannot be read.
std::string differing_setting(const std::string& recorded, const std::string& now);

} // namespace dtscan
