// Runs one parsed command line: loads rules, builds the engine, scans, writes the report, and returns
// the exit status of SPEC §3 (0 clean, 1 findings at or above --fail-on). Throws FatalError for exit 2.
#pragma once

#include "scanner/cli.hpp"

namespace dtscan {

int run(const Options& options);

} // namespace dtscan
