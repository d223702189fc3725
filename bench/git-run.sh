#!/usr/bin/env bash
# Git benchmarks for dtscan:
#   staged   latency of `dtscan staged` in repositories of 1,000 / 10,000 / 100,000 tracked files with one
#            staged change, next to `git diff --cached --quiet` in the same repository;
#   history  `dtscan git` over every reachable blob of a 5,000-commit repository, next to
#            `git cat-file --batch-all-objects --batch` (reading and inflating every object once),
#            plus dtscan's peak RSS and a recall check of the planted tokens.
# usage: bench/git-run.sh [all|staged|history]      results: bench/results/git-latest.txt
set -euo pipefail

what=${1:-all}
case "$what" in all | staged | history) ;; *) echo "usage: $0 [all|staged|history]" >&2; exit 2 ;; esac

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$root_dir/$build_dir"
export BUILD_DIR=$build_dir
dtscan=${DTSCAN:-$build_dir/dtscan}
bench_dir=${BENCH_GIT_DIR:-/var/tmp/dtscan-bench}
repo=${BENCH_GIT_REPO:-$bench_dir/git-history}
repo=${repo%/}
commits=${BENCH_GIT_COMMITS:-5000}
sizes=${BENCH_STAGED_SIZES:-1000 10000 100000}
threads=${BENCH_THREADS:-2}
runs=${BENCH_RUNS:-5}
staged_runs=${BENCH_STAGED_RUNS:-20}
staged_target_ms=${BENCH_STAGED_TARGET_MS:-50}
history_target=${BENCH_HISTORY_TARGET:-1.5}
results=${BENCH_RESULTS:-$root_dir/bench/results/git-latest.txt}

for tool in "$dtscan" git perl hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (make bench installs and builds everything)" >&2; exit 1; }
done
export LC_ALL=C

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
: >"$out"
status=0
say() { printf '%s\n' "$*" >>"$out"; }

# hyperfine: -N (no intermediate shell) when this version has it, so that a few-ms command is not
# measured together with a shell start-up.
hf_shell=()
hyperfine --help 2>/dev/null | grep -qE '^\s+-N\b' && hf_shell=(-N)
# Median wall time in seconds of the command named NAME in CSV FILE (hyperfine --export-csv: command,
# mean,stddev,median,user,system,min,max), and "min-max, user+sys" for the same command.
median() { awk -F, -v name="$2" '$1 == name { print $4 }' "$1"; }
spread() { awk -F, -v name="$2" -v unit="$3" '$1 == name { k = unit == "ms" ? 1000 : 1; f = unit == "ms" ? "%.1f" : "%.3f"
  printf "(" f "-" f " %s, cpu " f ")", $7 * k, $8 * k, unit, ($5 + $6) * k }' "$1"; }
# Quoted command line for hyperfine (it splits -N commands with shell rules too).
cmdline() { printf '%q ' "$@"; }

say "date:       $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "commit:     $(git -C "$root_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root_dir" diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || echo ' (+local changes)')"
say "machine:    $(nproc) cpus, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
say "versions:   $("$dtscan" version 2>/dev/null | head -n1); $(git --version); $(hyperfine --version)"

# ---- staged ----------------------------------------------------------------------------------------
if [[ "$what" != history ]]; then
  say ""
  say "staged:     median wall time (min-max, cpu: mean user+sys) of \`dtscan staged --fail-on never\` run in"
  say "            the repository (one staged file), and of \`git diff --cached --quiet\` (git) in the same one;"
  say "            hyperfine ${hf_shell[*]} --warmup 3 --runs $staged_runs"
  first_ms=""
  for n in $sizes; do
    srepo="$bench_dir/staged-$n"
    "$root_dir/bench/make-staged-repo.sh" "$srepo" "$n"
    id=$(cat "$srepo.planted")
    # Correctness first: exit 0, and the staged token is reported.
    rc=0
    (cd "$srepo" && "$dtscan" staged --fail-on never --format jsonl >"$work/staged-$n.jsonl" 2>"$work/staged-$n.err") || rc=$?
    found=0
    grep -qF -- "$id" "$work/staged-$n.jsonl" && found=1
    if (( rc != 0 || found != 1 )); then
      echo "bench: dtscan staged in $srepo: exit $rc, planted token found: $found; stderr:" >&2
      head -n5 "$work/staged-$n.err" >&2
      say "  $(printf '%7d' "$n") files: FAILED (exit $rc, planted token found: $found)"
      status=1
      continue
    fi
    (cd "$srepo" && hyperfine "${hf_shell[@]}" --style none --warmup 3 --runs "$staged_runs" \
      --export-csv "$work/staged-$n.csv" -n dtscan "$(cmdline "$dtscan" staged --fail-on never)" >&2)
    # git diff --cached --quiet exits 1 when something is staged: -i.
    (cd "$srepo" && hyperfine "${hf_shell[@]}" --style none --warmup 3 --runs "$staged_runs" -i \
      --export-csv "$work/staged-git-$n.csv" -n git "git diff --cached --quiet" >&2)
    t_d=$(median "$work/staged-$n.csv" dtscan)
    t_g=$(median "$work/staged-git-$n.csv" git)
    [[ -n "$first_ms" ]] || first_ms=$(awk -v t="$t_d" 'BEGIN { printf "%.3f", t * 1000 }')
    s_d=$(spread "$work/staged-$n.csv" dtscan ms)
    s_g=$(spread "$work/staged-git-$n.csv" git ms)
    say "$(awk -v n="$n" -v d="$t_d" -v g="$t_g" -v f="$first_ms" -v target="$staged_target_ms" -v sd="$s_d" -v sg="$s_g" 'BEGIN {
      ms = d * 1000
      printf "  %7d files: dtscan %6.1f ms %-26s git %6.1f ms %-26s dtscan/git %.2f, x%.2f vs smallest%s\n",
        n, ms, sd, g * 1000, sg, d / g, ms / f, (n >= 100000 ? (ms <= target ? "; target <= " target " ms: met" : "; target <= " target " ms: MISSED") : "") }')"
  done
fi

# ---- history ---------------------------------------------------------------------------------------
if [[ "$what" != staged ]]; then
  "$root_dir/bench/make-git-repo.sh" "$repo" "$commits"
  report="$work/history.json"
  dtscan_argv=("$dtscan" git "-j$threads" --fail-on never --format json -o "$report" "$repo")
  catfile_argv=(git -C "$repo" cat-file --batch-all-objects --batch)

  echo "bench: warming the page cache" >&2
  find "$repo/.git" -type f -print0 | xargs -0 -r cat >/dev/null
  hyperfine "${hf_shell[@]}" --style none --warmup 1 --runs "$runs" --export-csv "$work/history.csv" \
    -n dtscan "$(cmdline "${dtscan_argv[@]}")" -n cat-file "$(cmdline "${catfile_argv[@]}")" >&2
  t_d=$(median "$work/history.csv" dtscan)
  t_c=$(median "$work/history.csv" cat-file)

  rm -f "$report"
  /usr/bin/time -f %M -o "$work/rss" "${dtscan_argv[@]}"
  rss_mb=$(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")

  total=0 found=0
  missing=()
  while IFS= read -r id; do
    [[ -n "$id" ]] || continue
    (( total += 1 ))
    if grep -qF -- "$id" "$report"; then (( found += 1 )); else missing+=("$id"); fi
  done <"$repo.planted"
  unreachable=0
  if [[ -s "$repo.unreachable" ]] && grep -qF -- "$(cat "$repo.unreachable")" "$report"; then unreachable=1; fi
  findings=$(grep -o '"rule_id"' "$report" | wc -l)
  no_commit=$(grep -c '"commit": *null' "$report" || true)
  files_scanned=$(grep -oE '"files_scanned": *[0-9]+' "$report" | grep -oE '[0-9]+$' || echo '?')

  say ""
  say "history:    $repo ($(tail -n1 "$repo.complete"))"
  say "            hyperfine ${hf_shell[*]} --warmup 1 --runs $runs, warm cache, median wall time (min-max, cpu: mean user+sys):"
  say "            $(cmdline "${dtscan_argv[@]/#$report/REPORT}")"
  say "            $(cmdline "${catfile_argv[@]}")"
  s_d=$(spread "$work/history.csv" dtscan s)
  s_c=$(spread "$work/history.csv" cat-file s)
  say "$(awk -v d="$t_d" -v c="$t_c" -v target="$history_target" -v sd="$s_d" -v sc="$s_c" 'BEGIN {
    printf "dtscan git: %.3f s %s\ncat-file:   %.3f s %s\nratio:      %.2f (dtscan / cat-file; target <= %s: %s)\n",
      d, sd, c, sc, d / c, target, (d / c <= target ? "met" : "MISSED") }')"
  say "peak RSS:   $rss_mb MB (dtscan git)"
  say "report:     $findings findings ($no_commit without a commit), files_scanned=$files_scanned"
  say "planted:    $found/$total found; unreachable blob's token reported: $([[ $unreachable == 1 ]] && echo 'YES (wrong)' || echo no)"
  [[ ${#missing[@]} -eq 0 ]] || say "missing:    ${missing[*]}"
  (( total > 0 && found == total && unreachable == 0 && no_commit == 0 )) || status=1
fi

mkdir -p "$(dirname "$results")"
tee "$results" <"$out"
exit "$status"
