// `dtscan audit ROOT...` (SPEC §3, §6): every git repository under the roots, each one's full history
// and uncommitted files, repositories scanned in parallel within one thread budget, and a report whose
// findings name their repository, commit and whether the secret is still in HEAD, ending with a
// per-repository table. One unreadable repository is a row with an error, not the end of the audit.
#pragma once

#include "scanner/cli.hpp"

namespace dtscan {

int run_audit_command(const Options& options);

} // namespace dtscan
