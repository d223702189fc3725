// Reading a jsonl report back (`dtscan merge`): the finding lines and the closing {"summary": ...} line
// that JsonlWriter wrote, as the Report they came from. A line that is not such an object, or a report
// without its summary line (the audit was killed), is a FatalError naming the file and line; the
// message never quotes the line, which may hold a secret under --show-secrets.
#pragma once

#include "scanner/finding.hpp"

#include <nlohmann/json.hpp>

#include <istream>
#include <stdexcept>
#include <string>

namespace dtscan {

// `origin` names the input in messages. Findings keep "secret" only when `keep_secrets`.
Report read_jsonl_report(std::istream& in, const std::string& origin, bool keep_secrets);

// One finding object as finding_to_json wrote it (audit --state stores findings so). Throws
// std::invalid_argument saying which field is wrong.
Finding finding_from_json(const nlohmann::json& j, bool keep_secrets);

} // namespace dtscan
