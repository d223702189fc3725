// Error and warning messages quote what the user gave (a path, a --range, a --format value) and what
// libgit2 said. If that holds a token, say `dtscan scan "$DT_API_TOKEN"` by mistake, the message must
// not print it (SPEC §4): every secret the built-in rules find in a message is replaced by its redacted
// form before the message is written.
#pragma once

#include <string>
#include <string_view>

namespace dtscan {

// The message with each secret value replaced by its redacted form; unchanged when it holds none. The
// built-in rules are compiled on first use, so messages cost nothing in a run that prints none.
std::string redact_message(std::string_view message);

} // namespace dtscan
