#!/usr/bin/env bash
# Audit benchmark for dtscan: BENCH_AUDIT_REPOS (default 200) generated repositories of
# BENCH_AUDIT_COMMITS (default 200) commits each (bench/make-git-repo.sh, a different seed per
# repository; ~10 MB of packed history each, ~2 GB in all at the defaults), audited by one
# `dtscan audit -j THREADS ROOT`, next to `dtscan git -j THREADS` run on each repository one after the
# other, in the same run (page cache warmed, rounds alternated). Prints median wall times, their ratio
# (target <= 0.6), dtscan audit's peak RSS (target <= 256 MB) and, on half the repositories, the peak RSS
# again (it must not grow with the count).
# usage: bench/audit-run.sh        results: bench/results/audit-latest.txt
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$root_dir/$build_dir"
export BUILD_DIR=$build_dir
dtscan=${DTSCAN:-$build_dir/dtscan}
dir=${BENCH_AUDIT_DIR:-/var/tmp/dtscan-bench-audit}
repos=${BENCH_AUDIT_REPOS:-200}
commits=${BENCH_AUDIT_COMMITS:-200}
threads=${BENCH_THREADS:-2}
results=${BENCH_RESULTS:-$root_dir/bench/results/audit-latest.txt}
[ -x "$dtscan" ] || { echo "audit-run: no dtscan at $dtscan (make build first)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "audit-run: needs GNU time (scripts/install-deps.sh bench)" >&2; exit 2; }

mkdir -p "$dir/all"
for i in $(seq -f '%04g' 1 "$repos"); do
  BENCH_GIT_SEED="audit-$i" "$root_dir/bench/make-git-repo.sh" "$dir/all/r$i" "$commits" >"$dir/make.log" 2>&1 ||
    { tail -n 5 "$dir/make.log" >&2; echo "audit-run: generating repository r$i failed" >&2; exit 1; }
done
bytes=$(du -sb "$dir/all" | cut -f1)

# measure CMD...: runs CMD, prints "<seconds> <peak RSS in kB>".
measure() {
  local t
  t=$(mktemp)
  /usr/bin/time -o "$t" -f '%e %M' "$@" >/dev/null 2>&1 || true
  tail -n 1 "$t"
  rm -f "$t"
}
# The page cache warmed first (one untimed read of every file), then BENCH_AUDIT_ROUNDS (default 3)
# rounds of audit and loop in turn; the medians are compared, so that neither side pays for a cold disk.
find "$dir/all" -type f -exec cat {} + >/dev/null
rounds=${BENCH_AUDIT_ROUNDS:-3}
audit_runs=() seq_runs=() audit_kb=0
for _ in $(seq "$rounds"); do
  read -r s kb < <(measure "$dtscan" audit -j "$threads" --format jsonl --fail-on never -o /dev/null "$dir/all")
  audit_runs+=("$s")
  ((kb > audit_kb)) && audit_kb=$kb
  start=$(date +%s.%N)
  for r in "$dir"/all/r*/; do "$dtscan" git -j "$threads" --format jsonl --fail-on never "$r" >/dev/null; done
  seq_runs+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
audit_s=$(median "${audit_runs[@]}")
seq_s=$(median "${seq_runs[@]}")
# Half of the repositories, given as roots: the peak RSS must be about the same as for all of them.
read -r half_s half_kb < <(measure "$dtscan" audit -j "$threads" --format jsonl --fail-on never -o /dev/null \
  $(for i in $(seq -f '%04g' 1 $((repos / 2))); do printf '%s ' "$dir/all/r$i"; done))
ratio=$(awk -v a="$audit_s" -v b="$seq_s" 'BEGIN { printf "%.3f", a / b }')
{
  echo "audit benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, -j $threads"
  echo "repositories: $repos x $commits commits, $((bytes / 1000000)) MB on disk"
  echo "dtscan audit:                   ${audit_s} s median of $rounds (runs: ${audit_runs[*]}), peak RSS $((audit_kb / 1024)) MB"
  echo "dtscan git per repository:      ${seq_s} s median, one after another (runs: ${seq_runs[*]})"
  echo "ratio audit / sequential loop:  ${ratio} (target <= 0.6)"
  echo "dtscan audit of half of them:   ${half_s} s, peak RSS $((half_kb / 1024)) MB (memory must not grow with the count)"
} | tee "$results"
