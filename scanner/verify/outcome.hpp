// What a lookup answer means (SPEC §7): 200 active with the token's scopes, 403 active without them,
// 401/404 inactive, anything else unknown; and how a verification changes a finding's severity and reasons.
#pragma once

#include "scanner/finding.hpp"
#include "scanner/verify/lookup.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

// The answer of `environment` (a base URL) turned into a Verification. 429 is not final: the caller
// retries, and maps a 429 it gives up on to unknown "rate-limited".
Verification interpret_answer(const HttpAnswer& answer, const std::string& environment);

// The scopes that let a leaked token do the most harm: mint tokens, change configuration, read
// captured request data, upload code, download installers (and with them the tenant token).
const std::vector<std::string_view>& dangerous_scopes();

// Sets f.verification and ranks the finding: active -> critical, "verified-active" and one
// "dangerous-scope:<scope>" per dangerous scope; inactive -> medium, "revoked-or-invalid"; unknown -> unchanged.
void apply_verification(Finding& f, Verification v);

} // namespace dtscan
