// JSON pieces shared by the json, jsonl and sarif writers: one Finding as a JSON object, the summary
// object, and a dump that stays valid JSON when paths hold invalid UTF-8.
#pragma once

#include "scanner/finding.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace dtscan {

// The SPEC §5 finding object, keys in report order; "secret" only when show_secrets and known.
nlohmann::ordered_json finding_to_json(const Finding& f, bool show_secrets);

// --verify's result: {status, environment, scopes, expires, owner, name, detail}; never the secret.
nlohmann::ordered_json verification_to_json(const Verification& v);

// {files_scanned, bytes_scanned, files_skipped, errors, suppressed, by_severity{critical..info}}.
nlohmann::ordered_json summary_to_json(const Summary& s);

// indent < 0: compact. Invalid UTF-8 bytes become U+FFFD instead of throwing.
std::string dump_json(const nlohmann::ordered_json& j, int indent = -1);

} // namespace dtscan
