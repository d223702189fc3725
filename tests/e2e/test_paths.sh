#!/usr/bin/env bash
# Report paths as the user named them (as ripgrep and gitleaks print them): `scan src` reports
# "src/app.env", the same file gets the same path whatever other PATHs are given, and baselines and the
# test-path note look only at the part below the scanned directory, so they hold however it was named.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tok=$(fake '@@dt0c01@@' paths-a)
tid=$(printf '%s' "$tok" | cut -d. -f1,2)
tok2=$(fake '@@dt0c01@@' paths-b)
tid2=$(printf '%s' "$tok2" | cut -d. -f1,2)
P="$T/proj"
mkdir -p "$P/src/conf" "$P/other"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$P/src/conf/app.env"
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$P/other/b.env"

run_in "$P" "$DTSCAN" scan --format jsonl src
assert_rc 1 "scan src: exit 1"
assert_eq "src/conf/app.env" "$(paths_of "$OUT")" "scan src: the path starts with src/"
run_in "$P" "$DTSCAN" scan --format jsonl ./src//
assert_eq "src/conf/app.env" "$(paths_of "$OUT")" "scan ./src//: normalised, no ./ and no doubled /"
run_in "$P" "$DTSCAN" scan --format jsonl src other
assert_eq "other/b.env src/conf/app.env" "$(paths_of "$OUT")" "scan src other: each file as with one PATH"
run_in "$P" "$DTSCAN" scan --format jsonl .
assert_eq "other/b.env src/conf/app.env" "$(paths_of "$OUT")" "scan .: relative to the current directory"
run_in "$P/src" "$DTSCAN" scan --format jsonl
assert_eq "conf/app.env" "$(paths_of "$OUT")" "scan with no PATH: as scan ."
run "$DTSCAN" scan --format jsonl "$P/src"
assert_eq "$P/src/conf/app.env" "$(paths_of "$OUT")" "scan /absolute/dir: absolute paths"
run_in "$P" "$DTSCAN" scan --format jsonl src/conf/app.env
assert_eq "src/conf/app.env" "$(paths_of "$OUT")" "a file named on the command line: its path as given"
# Overlapping PATHs report each file once (as gitleaks would report one file once, not per PATH).
for args in "src src" "src ./src/" "src src/conf" "src/conf src" ". src" "src src/conf/app.env" \
  "src/conf/app.env src/conf/app.env"; do
  # shellcheck disable=SC2086 # the PATHs of this case, split on purpose
  run_in "$P" "$DTSCAN" scan --format jsonl $args
  want="src/conf/app.env"
  [ "${args%% *}" = . ] && want="other/b.env src/conf/app.env"
  assert_eq "$want" "$(paths_of "$OUT")" "scan $args: each file reported once"
done
bin="$P/bin"
mkdir -p "$bin"
{ printf 'DT_API_TOKEN=%s\n' "$tok"; printf '\0\0\0'; } >"$bin/blob.dat"
run_in "$P" "$DTSCAN" scan --format jsonl bin bin/blob.dat
assert_eq "bin/blob.dat" "$(paths_of "$OUT")" "a binary file named inside a named directory: scanned once, as named"
run_in "$P" "$DTSCAN" scan --format jsonl bin
assert_eq "" "$(paths_of "$OUT")" "the same binary file, only walked: skipped"
rm -r "$bin"
run_in "$P" "$DTSCAN" scan --format jsonl --exclude 'conf/**' src/conf src
assert_eq "src/conf/app.env" "$(paths_of "$OUT")" "an overlapping PATH scans what its own --exclude leaves (the union)"

run_in "$P" "$DTSCAN" scan --no-color src
assert_match "$OUT" '^src/conf/app\.env:1:[0-9]+: HIGH ' "text report: the path as named"

# Baselines key on the path below the scanned directory: written with `scan .` inside src, they hold
# for `scan src` from the project and for `scan /absolute/src`.
run_in "$P/src" "$DTSCAN" scan --write-baseline "$T/bl.json" .
assert_rc 0 "--write-baseline: exit 0"
assert_file_contains "$T/bl.json" '"path": "conf/app.env"' "the baseline records the path below the scanned directory"
run_in "$P" "$DTSCAN" scan --format jsonl --baseline "$T/bl.json" src
assert_rc 0 "baseline from 'scan .' in src holds for 'scan src'"
assert_eq 1 "$(json_num "$OUT" suppressed)" "scan src --baseline: the finding is suppressed"
run "$DTSCAN" scan --format jsonl --baseline "$T/bl.json" "$P/src"
assert_rc 0 "baseline from 'scan .' in src holds for 'scan /absolute/src'"
cp "$P/src/conf/app.env" "$P/src/moved.env"
run "$DTSCAN" scan --format jsonl --baseline "$T/bl.json" "$P/src"
assert_eq "$P/src/moved.env" "$(paths_of "$OUT")" "baseline: the same secret under another path is still new"
rm "$P/src/moved.env"

# The scanned directory's own name is not a test path: a checkout under /…/docs/ is not documentation.
D="$T/docs/checkout"
mkdir -p "$D/tests"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$D/app.env"
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$D/tests/fixture.env"
run "$DTSCAN" scan --format jsonl "$D"
assert_eq "" "$(jf "$OUT" "$tid" reasons | grep -o test-path || true)" "a root under docs/: its files are not test paths"
assert_file_contains "$OUT" 'test-path' "a tests/ directory below the root still is"
assert_eq "$D/tests/fixture.env" "$(grep -F "$tid2" "$OUT" | grep -F test-path | grep -oE '"path":"[^"]*"' | cut -d'"' -f4)" \
  "the test-path note is on the file under tests/"

# SARIF: paths named relative to the current directory are relative URIs; absolute ones file:// URIs.
run_in "$P" "$DTSCAN" scan --format sarif -o "$T/rel.sarif" src
assert_file_contains "$T/rel.sarif" '"uri": "src/conf/app.env"' "sarif: scan src gives the URI src/conf/app.env"
run_in "$T" "$DTSCAN" scan --format sarif -o "$T/abs.sarif" "$P/src"
assert_file_contains "$T/abs.sarif" '"uri": "proj/src/conf/app.env"' "sarif: an absolute PATH under the current directory is relative to it"

finish
