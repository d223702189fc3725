// `dtscan merge REPORT...`: the jsonl reports of `dtscan audit --shard K/N` run on several machines (or
// any jsonl reports of one command) combined into one report — findings in report order, summary
// counts added, one per-repository table worst first — in any format, so that N shards give the report
// one machine would have written. Shards must be complete and not overlap.
#pragma once

#include "scanner/cli.hpp"

namespace dtscan {

int run_merge_command(const Options& options);

} // namespace dtscan
