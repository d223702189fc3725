#!/usr/bin/env bash
# Times dtscan against ripgrep (same regular expressions, same thread count) on the benchmark tree,
# reports the median-time ratio and dtscan's peak RSS, and checks that every planted token was found.
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$root_dir/$build_dir"
dtscan=${DTSCAN:-$build_dir/dtscan}
tree=${1:-${BENCH_TREE:-/var/tmp/dtscan-bench/tree}}
tree=${tree%/}
threads=${BENCH_THREADS:-2}
runs=${BENCH_RUNS:-5}
results=${BENCH_RESULTS:-$root_dir/bench/results/latest.txt}

for tool in "$dtscan" rg hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (make bench installs and builds everything)" >&2; exit 1; }
done

"$root_dir/bench/make-tree.sh" "$tree"
planted_list="$tree.planted"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="$work/report.json"

# Quote for the shell that hyperfine starts.
q() { printf '%q' "$1"; }
dtscan_argv=("$dtscan" scan "-j$threads" --fail-on never --format json -o "$report" "$tree")
dtscan_cmd=$(printf '%q ' "${dtscan_argv[@]}")
rg_cmd="rg -j$threads --no-ignore --hidden --no-messages -c \
-e 'dt0[a-z][0-9]{2}\.[A-Za-z0-9]{8,24}(\.[A-Za-z0-9]{64})?' -e '(?i)api-?token(=|%3d)' \
-e '(?i)(api|paas|tenant)[-_]?token' -e 'ZHQw' $(q "$tree")"

echo "bench: warming the page cache" >&2
find "$tree" -type f -print0 | xargs -0 -r cat >/dev/null

hyperfine --style none --warmup 1 --runs "$runs" \
  --export-json "$work/hyperfine.json" --export-csv "$work/hyperfine.csv" \
  -n dtscan "$dtscan_cmd" -n rg "$rg_cmd" >&2

# CSV columns: command,mean,stddev,median,user,system,min,max
median() { awk -F, -v name="$1" '$1 == name { print $4 }' "$work/hyperfine.csv"; }
t_dtscan=$(median dtscan)
t_rg=$(median rg)

# Peak RSS of one more run, then check the planted tokens against that run's report.
/usr/bin/time -f %M -o "$work/rss" "${dtscan_argv[@]}"
rss_mb=$(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")

total=0 found=0
missing=()
while IFS= read -r id; do
  [[ -n "$id" ]] || continue
  (( total += 1 ))
  if grep -qF -- "$id" "$report"; then (( found += 1 )); else missing+=("$id"); fi
done <"$planted_list"

findings=$(grep -o '"rule_id"' "$report" | wc -l)
files_scanned=$(grep -oE '"files_scanned": *[0-9]+' "$report" | grep -oE '[0-9]+$' || echo '?')

mkdir -p "$(dirname "$results")"
{
  echo "date:       $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:     $(git -C "$root_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root_dir" diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || echo ' (+local changes)')"
  echo "machine:    $(nproc) cpus, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "tree:       $tree ($(cat "$tree/.complete"))"
  echo "versions:   $("$dtscan" version 2>/dev/null | head -n1); $(rg --version | head -n1); $(hyperfine --version)"
  echo "threads:    $threads, runs: $runs (median wall time, warm cache)"
  awk -v d="$t_dtscan" -v r="$t_rg" 'BEGIN {
    printf "dtscan:     %.3f s\nrg:         %.3f s\nratio:      %.2f (dtscan / rg)\n", d, r, d / r }'
  echo "peak RSS:   $rss_mb MB (dtscan)"
  echo "report:     $findings findings, files_scanned=$files_scanned"
  echo "planted:    $found/$total found"
  [[ ${#missing[@]} -eq 0 ]] || echo "missing:    ${missing[*]:0:10}$([[ ${#missing[@]} -gt 10 ]] && echo ' ...')"
} | tee "$results"

(( total > 0 && found == total ))
