#!/usr/bin/env bash
# `make fuzz`: configures and builds the libFuzzer targets in FUZZ_DIR (clang, -DDTSCAN_FUZZ=ON), makes
# the run-time seeds (the labelled corpus/ cases expanded by dtscan-fake, the built-in rule file), then
# runs each target of FUZZ_TARGETS for FUZZ_SECONDS, one after another (never two at once), and prints
# per target: run time, executions, exec/s, cov, ft, corpus size and crashes. The grown corpus stays in
# FUZZ_DIR/corpus/<target> (reused by the next run, never in the repository); a crashing input is saved
# as FUZZ_DIR/crashes/<target>/crash-* (see tests/fuzz/README.md for turning it into a regression seed).
# Exit status 1 when any target crashed. The packages come from `scripts/install-deps.sh fuzz`.
#
# Environment: FUZZ_DIR (build-fuzz), FUZZ_SECONDS (600), FUZZ_TARGETS ("all" or names, space- or
# comma-separated), FUZZ_TIMEOUT (per-input seconds, 30), FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source_dir=$PWD

FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_TARGETS=${FUZZ_TARGETS:-all}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-30}
FUZZ_FLAGS=${FUZZ_FLAGS:-}
all_targets=(fuzz_scan fuzz_decode fuzz_rules fuzz_report fuzz_config fuzz_index)

if [[ "$FUZZ_TARGETS" == all ]]; then
  targets=("${all_targets[@]}")
else
  read -r -a targets <<<"${FUZZ_TARGETS//,/ }"
  for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (known: ${all_targets[*]})" >&2; exit 2; }
  done
fi

# Configure once (Ninja, clang); later runs reuse the build directory.
if [[ -f "$FUZZ_DIR/CMakeCache.txt" ]]; then
  cmake -S . -B "$FUZZ_DIR" -DDTSCAN_FUZZ=ON >/dev/null
else
  CC=clang CXX=clang++ cmake -S . -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTSCAN_FUZZ=ON
fi
cmake --build "$FUZZ_DIR" --target "${targets[@]}" dtscan-fake

fuzz_dir=$(cd "$FUZZ_DIR" && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Run-time seeds, rebuilt each run: every file of corpus/*/input with its templates expanded (as
# tests/e2e/corpus_lib.sh materialises a case), and the built-in rules (libFuzzer takes directories).
seeds="$fuzz_dir/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/fuzz_scan" "$seeds/fuzz_rules"
cp rules/dynatrace.json "$seeds/fuzz_rules/"
expanded=$(mktemp -d)
trap 'rm -rf "$expanded"' EXIT
for input in corpus/*/input; do
  case_name=$(basename "$(dirname "$input")")
  "$fuzz_dir/dtscan-fake" --seed fuzz --tree "$input" "$expanded/$case_name"
done
# Regression seeds that CMake wrote with their token-shaped value put back (tests/fuzz/generated/).
if [ -d "$fuzz_dir/fuzz-seeds/fuzz_scan" ]; then cp "$fuzz_dir/fuzz-seeds/fuzz_scan/"* "$seeds/fuzz_scan/"; fi
(cd "$expanded" && find . -type f -print0) | while IFS= read -r -d '' f; do
  f=${f#./}
  cp "$expanded/$f" "$seeds/fuzz_scan/${f//\//__}"
done

extra_args() { # extra_args TARGET: seed directories and flags of one target
  case "$1" in
  fuzz_scan) echo "$seeds/fuzz_scan -max_len=32768" ;;
  fuzz_rules) echo "$seeds/fuzz_rules -max_len=16384" ;;
  fuzz_index) echo "-max_len=8192" ;;
  *) echo "-max_len=4096" ;;
  esac
}

results=()
crashed=0
for t in "${targets[@]}"; do
  corpus="$fuzz_dir/corpus/$t"
  crashes="$fuzz_dir/crashes/$t"
  log="$fuzz_dir/logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  dict=()
  [[ -f "tests/fuzz/$t.dict" ]] && dict=("-dict=$source_dir/tests/fuzz/$t.dict")
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz: $t for ${FUZZ_SECONDS}s (log: $log)" >&2
  start=$SECONDS
  # shellcheck disable=SC2046,SC2086 # extra_args and FUZZ_FLAGS are word lists
  "$fuzz_dir/$t" "$corpus" "$source_dir/tests/fuzz/corpus/$t" $(extra_args "$t") "${dict[@]}" \
    -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$crashes/" $FUZZ_FLAGS >"$log" 2>&1 && status=0 || status=$?
  elapsed=$((SECONDS - start))
  # The last status line ("#N DONE cov: C ft: F corp: ..." or the last pulse before a crash).
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(grep -m1 -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' ||
    sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  rate=$(grep -m1 -oE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  rss=$(grep -m1 -oE '^stat::peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
  units=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sb "$corpus" | cut -f1)
  new_crashes=$(($(find "$crashes" -type f | wc -l) - before))
  if [[ $status -eq 72 && $new_crashes -eq 0 ]]; then # libFuzzer's exit status after SIGINT / SIGTERM
    crashed=1
    echo "fuzz: $t interrupted after ${elapsed}s" >&2
  elif [[ $status -ne 0 || $new_crashes -gt 0 ]]; then
    crashed=1
    echo "fuzz: $t FAILED (exit $status); inputs in $crashes:" >&2
    find "$crashes" -type f | sed 's/^/  /' >&2
    grep -m1 -E 'ERROR: |fuzz invariant failed|deadly signal|Timeout|out-of-memory' "$log" | sed 's/^/  /' >&2 || true
  fi
  results+=("$(printf '%-12s %6ss %12s %8s %6s %7s %6s %10s %6s %7s' "$t" "$elapsed" "${execs:-?}" "$rate" "$cov" \
    "$ft" "$units" "$bytes" "${rss}" "$new_crashes")")
done

{
  echo "fuzz results ($(date -u +%Y-%m-%dT%H:%MZ), FUZZ_SECONDS=$FUZZ_SECONDS, $(clang++ --version | head -n 1)):"
  printf '%-12s %7s %12s %8s %6s %7s %6s %10s %6s %7s\n' target time execs exec/s cov ft corpus bytes rss_mb crashes
  printf '%s\n' "${results[@]}"
} | tee "$fuzz_dir/results.txt"
exit $crashed
