#!/usr/bin/env bash
# The project configuration `.dtscan.json` (SPEC §3, git contract): `exclude`, `fail_on` and `baseline` at
# the scanned root (scan: the directory given; staged/git: the work-tree root; none for bare
# repositories). Command-line options win; unknown keys, wrong types and malformed JSON are fatal with one
# line naming the file.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tok1=$(fake '@@dt0c01@@' cf-1)
tok2=$(fake '@@dt0c01@@' cf-2)
tok3=$(fake '@@dt0c01@@' cf-3)
tid1=$(tid_of "$tok1")

# expect_config_error WHAT CONFIG_FILE: the last run failed (exit 2) with one line naming CONFIG_FILE.
expect_config_error() {
  expect_fatal "$1"
  assert_file_contains "$ERR" ".dtscan.json" "$1: the error names the config file"
}

# --- scan: exclude -------------------------------------------------------------------------------------
C="$T/outer/proj"
mkdir -p "$C/vendor/lib" "$C/src"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$C/src/app.env"
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$C/src/app.log"
printf 'DT_API_TOKEN=%s\n' "$tok3" >"$C/vendor/lib/dep.env"
run scan_in "$C" --format jsonl
assert_eq "src/app.env src/app.log vendor/lib/dep.env" "$(paths_of "$OUT")" "fixture: without a config every file is reported"
printf '{"exclude": ["*.log", "vendor"]}\n' >"$C/.dtscan.json"
run scan_in "$C" --format jsonl
assert_rc 1 "config exclude: the rest still fails"
assert_eq "src/app.env" "$(paths_of "$OUT")" "config exclude hides *.log and vendor/"
run_in "$C" "$DTSCAN" scan --format jsonl
assert_eq "src/app.env" "$(paths_of "$OUT")" "config exclude with the default PATH '.'"
run scan_in "$C" --format jsonl --exclude src
assert_rc 0 "config exclude + --exclude: both apply"
assert_eq "" "$(paths_of "$OUT")" "config exclude + --exclude: nothing left"
run scan_in "$T/outer" --format jsonl
assert_eq "proj/src/app.env proj/src/app.log proj/vendor/lib/dep.env" "$(paths_of "$OUT")" "a .dtscan.json below the scanned root is not the config"

# --- scan: fail_on -------------------------------------------------------------------------------------
F="$T/failon"
mkdir -p "$F"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$F/high.env"
printf '{"fail_on": "critical"}\n' >"$F/.dtscan.json"
run scan_in "$F" --format jsonl
assert_rc 0 "config fail_on critical: a high finding exits 0"
assert_eq 1 "$(nfindings "$OUT")" "config fail_on critical: the high finding is still reported"
run scan_in "$F" --format jsonl --fail-on high
assert_rc 1 "--fail-on high on the command line wins over the config"
run scan_in "$F" --fail-on never
assert_rc 0 "--fail-on never on the command line"
M="$T/failon-medium"
mkdir -p "$M"
echo 'token: @@tok:dt0g02:8@@' | fake_file "$M/ag.yaml" cf-medium
run scan_in "$M" 
assert_rc 0 "fixture: a medium finding exits 0 by default"
printf '{"fail_on": "medium"}\n' >"$M/.dtscan.json"
run scan_in "$M" 
assert_rc 1 "config fail_on medium: a medium finding exits 1"
printf '{"fail_on": "never", "exclude": []}\n' >"$F/.dtscan.json"
run scan_in "$F" 
assert_rc 0 "config fail_on never"

# --- scan: baseline ------------------------------------------------------------------------------------
B="$T/bl"
mkdir -p "$B/sec"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$B/app.env"
run scan_in "$B" --format json --write-baseline "$B/sec/baseline.json"
assert_rc 0 "fixture: baseline written"
printf '{"baseline": "sec/baseline.json"}\n' >"$B/.dtscan.json"
run scan_in "$B" --format json
assert_rc 0 "config baseline: the baselined finding no longer fails"
assert_eq 0 "$(findings_of "$OUT" dynatrace-token)" "config baseline: no findings"
assert_eq 1 "$(json_num "$OUT" suppressed)" "config baseline: counted as suppressed"
run_in "$B/sec" "$DTSCAN" scan --format json ..
assert_rc 0 "config baseline resolved against the config's directory, not the current one"
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$B/new.env"
run scan_in "$B" --format jsonl
assert_rc 1 "config baseline: a new token still fails"
assert_eq "new.env" "$(paths_of "$OUT")" "config baseline: only the new token"
rm "$B/new.env"
printf '{"schema": "dtscan/baseline/v1", "findings": []}\n' >"$T/empty-bl.json"
run scan_in "$B" --format jsonl --baseline "$T/empty-bl.json"
assert_rc 1 "--baseline on the command line wins over the config's baseline"
assert_eq "app.env" "$(paths_of "$OUT")" "--baseline on the command line: the config's baseline is not used"
printf '{"baseline": "sec/missing.json"}\n' >"$B/.dtscan.json"
run scan_in "$B" 
expect_fatal "config baseline naming a missing file"

# --- scan: bad config files ----------------------------------------------------------------------------
X="$T/bad"
mkdir -p "$X"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$X/app.env"
bad_configs=(
  'unknown key|{"exclude": [], "exlcude": ["*.log"]}'
  'malformed JSON|{"exclude": ["*.log"'
  'exclude not an array|{"exclude": "*.log"}'
  'exclude with a number|{"exclude": [1]}'
  'fail_on not a level|{"fail_on": "severe"}'
  'fail_on a number|{"fail_on": 3}'
  'baseline not a string|{"baseline": ["a.json"]}'
  'top level not an object|["exclude"]'
  'trailing garbage|{"exclude": []} x'
)
for entry in "${bad_configs[@]}"; do
  printf '%s\n' "${entry#*|}" >"$X/.dtscan.json"
  run scan_in "$X" --format json
  expect_config_error "scan config: ${entry%%|*}"
done
printf '' >"$X/.dtscan.json"
run scan_in "$X" 
expect_config_error "scan config: empty file"
printf '{}\n' >"$X/.dtscan.json"
run scan_in "$X" 
assert_rc 1 "scan config: an empty object is valid"

# --- staged --------------------------------------------------------------------------------------------
R="$T/repo"
mkrepo "$R"
printf 'readme\n' >"$R/README.md"
commit_all "$R" "init"
mkdir -p "$R/src" "$R/vendor/lib"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$R/src/app.env"
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$R/src/app.log"
printf 'DT_API_TOKEN=%s\n' "$tok3" >"$R/vendor/lib/dep.env"
git -C "$R" add src vendor
printf '{"exclude": ["*.log", "vendor"]}\n' >"$R/.dtscan.json" # in the work tree, not staged
run_in "$R/src" "$DTSCAN" staged --format jsonl
assert_rc 1 "staged with a config exclude"
assert_eq "src/app.env" "$(paths_of "$OUT")" "staged: the work-tree root's config excludes, also from a subdirectory"
printf '{"fail_on": "critical"}\n' >"$R/.dtscan.json"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 0 "staged: config fail_on critical"
assert_eq 3 "$(nfindings "$OUT")" "staged: config fail_on still reports"
run_in "$R" "$DTSCAN" staged --format jsonl --fail-on high
assert_rc 1 "staged: --fail-on wins over the config"
rm "$R/.dtscan.json"
run_in "$R" "$DTSCAN" staged --format jsonl --write-baseline "$R/.dtscan-baseline.json"
assert_rc 0 "fixture: staged baseline written"
printf '{"baseline": ".dtscan-baseline.json"}\n' >"$R/.dtscan.json"
run_in "$R/vendor/lib" "$DTSCAN" staged --format json
assert_rc 0 "staged: config baseline (run from a subdirectory)"
assert_eq 3 "$(json_num "$OUT" suppressed)" "staged: config baseline suppresses all three"
printf '{"exclude": [], "bogus": 1}\n' >"$R/.dtscan.json"
run_in "$R/src" "$DTSCAN" staged
expect_config_error "staged config: unknown key"
printf '{"exclude": [' >"$R/.dtscan.json"
run_in "$R" "$DTSCAN" staged
expect_config_error "staged config: malformed JSON"
rm "$R/.dtscan.json"

# --- git -----------------------------------------------------------------------------------------------
git -C "$R" commit -q -m "leaks"
printf '{"exclude": ["*.log", "vendor"]}\n' >"$R/.dtscan.json"
run "$DTSCAN" git --format jsonl "$R"
assert_rc 1 "git with a config exclude"
assert_eq "src/app.env" "$(paths_of "$OUT")" "git: config exclude applies to history paths"
assert_eq "$(rev "$R" HEAD)" "$(jf "$OUT" "$tid1" commit)" "git with a config: commit"
git clone -q --bare "$R" "$T/repo.git"
cp "$R/.dtscan.json" "$T/repo.git/.dtscan.json" # a bare repository has no work tree: never read
run "$DTSCAN" git --format jsonl "$T/repo.git"
assert_rc 1 "git on a bare clone"
assert_eq "src/app.env src/app.log vendor/lib/dep.env" "$(paths_of "$OUT")" "git on a bare repository: no config"
printf '{"fail_on": "critical"}\n' >"$R/.dtscan.json"
run "$DTSCAN" git "$R"
assert_rc 0 "git: config fail_on critical"
run "$DTSCAN" git --fail-on high "$R"
assert_rc 1 "git: --fail-on wins over the config"
printf '{"fail_on": "critical"' >"$R/.dtscan.json"
run "$DTSCAN" git "$R"
expect_config_error "git config: malformed JSON"
printf '{"fail-on": "critical"}\n' >"$R/.dtscan.json"
run_in "$R" "$DTSCAN" git
expect_config_error "git config: unknown key"

# --- glob shapes in the config ---------------------------------------------------------------------------
GL="$T/globs"
mkdir -p "$GL/a/b/c" "$GL/keep/b"
for f in a/b/c/x.env a/top.env keep/b/y.env root.env; do printf 'DT_API_TOKEN=%s\n' "$tok1" >"$GL/$f"; done
printf '{"exclude": ["a/**/*.env"]}\n' >"$GL/.dtscan.json"
run scan_in "$GL" --format jsonl
assert_eq "keep/b/y.env root.env" "$(paths_of "$OUT")" "config exclude with an anchored '**' glob"
printf '{"exclude": ["/root.env", "b/"]}\n' >"$GL/.dtscan.json"
run scan_in "$GL" --format jsonl
assert_eq "a/top.env" "$(paths_of "$OUT")" "config exclude with a leading '/' and a directory-only pattern"

finish
