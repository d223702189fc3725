#!/usr/bin/env bash
# Exit status is the CI contract (SPEC §3): 0 clean or below --fail-on, 1 a finding at/above it, 2 usage
# or fatal error with exactly one `dtscan: error:` line on stderr. Pipelines branch on these numbers.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- fixtures -------------------------------------------------------------------------------------
mkdir -p "$T/clean" "$T/high" "$T/info" "$T/medium" "$T/critical"
# shellcheck disable=SC2016 # a literal variable reference, not a secret
printf 'nothing to see here\nDT_API_TOKEN=$DT_API_TOKEN\n' >"$T/clean/readme.txt"
echo 'export DT_API_TOKEN=@@dt0c01@@' | fake_file "$T/high/env.sh" high
echo 'token id: dt0c01.@@b32:24@@' | fake_file "$T/info/notes.txt" info
echo 'token: @@tok:dt0g02:8@@' | fake_file "$T/medium/ag.yaml" medium
printf 'url: https://abc12345.live.dynatrace.com/api\ntoken: @@dt0c01@@\n' | fake_file "$T/critical/c.yaml" crit

# --- exit 0 ---------------------------------------------------------------------------------------
run "$DTSCAN" scan "$T/clean"
assert_rc 0 "clean directory"
assert_empty "$ERR" "clean directory: nothing on stderr"

run "$DTSCAN" scan "$T/medium"
assert_rc 0 "medium finding is below the default --fail-on high"
assert_file_contains "$OUT" "MEDIUM" "medium finding is still reported"

run "$DTSCAN" scan "$T/info"
assert_rc 0 "info finding with the default --fail-on"

run "$DTSCAN" scan --fail-on critical "$T/high"
assert_rc 0 "high finding with --fail-on critical"

run "$DTSCAN" scan --fail-on never "$T/critical" "$T/high"
assert_rc 0 "--fail-on never with critical findings"
assert_file_contains "$OUT" "CRITICAL" "--fail-on never still reports"

# --- exit 1 ---------------------------------------------------------------------------------------
run "$DTSCAN" scan "$T/high"
assert_rc 1 "high finding with the default --fail-on"
assert_file_contains "$OUT" "HIGH dynatrace-token" "high finding reported"

run "$DTSCAN" scan --fail-on info "$T/info"
assert_rc 1 "--fail-on info with only an info finding"

run "$DTSCAN" scan --fail-on=medium "$T/medium"
assert_rc 1 "--fail-on=medium with a medium finding"

run "$DTSCAN" scan --fail-on critical "$T/critical"
assert_rc 1 "critical finding with --fail-on critical"

for fmt in json jsonl sarif; do
  run "$DTSCAN" scan --format "$fmt" "$T/high"
  assert_rc 1 "high finding, --format $fmt"
done

run "$DTSCAN" scan -o "$T/report.json" --format json "$T/high"
assert_rc 1 "high finding written with -o"
assert_empty "$OUT" "-o: nothing on stdout"

# --- exit 2 with one error line -------------------------------------------------------------------
# expect_usage_error WHAT ARGS...: exit 2, stdout empty, exactly one stderr line, starting 'dtscan: error:'.
expect_usage_error() {
  local what=$1
  shift
  run "$DTSCAN" "$@"
  assert_rc 2 "$what"
  assert_empty "$OUT" "$what: nothing on stdout"
  local lines
  lines=$(wc -l <"$ERR" | tr -d ' ')
  assert_eq 1 "$lines" "$what: exactly one line on stderr (got: $(head -c 400 "$ERR"))"
  if [ "$(head -c 15 "$ERR")" == "dtscan: error: " ]; then pass; else fail "$what: stderr starts with 'dtscan: error: '" "$(head -c 400 "$ERR")"; fi
}

expect_usage_error "no command"
expect_usage_error "unknown option" scan --no-such-option "$T/clean"
expect_usage_error "unknown command" frobnicate
expect_usage_error "bad --format value" scan --format xml "$T/clean"
expect_usage_error "bad --fail-on value" scan --fail-on severe "$T/clean"
expect_usage_error "-j 0" scan -j 0 "$T/clean"
expect_usage_error "-j not a number" scan -j many "$T/clean"
expect_usage_error "--max-file-size not a size" scan --max-file-size 10furlongs "$T/clean"
expect_usage_error "--max-file-size fraction" scan --max-file-size 1.5MB "$T/clean"
expect_usage_error "-o without a value" scan "$T/clean" -o
expect_usage_error "--rules without a value" scan "$T/clean" --rules
expect_usage_error "flag given a value" scan --show-secrets=yes "$T/clean"
expect_usage_error "dtscan audit --max-depth with a bad number" audit --max-depth -1 .
expect_usage_error "dtscan audit --write-baseline is refused" audit --write-baseline "$T/bl.json" .
expect_usage_error "missing --rules file" scan --rules "$T/no-such-rules.json" "$T/clean"

printf '{"schema": "dtscan/rules/v1", "rules": [' >"$T/invalid-json.json"
expect_usage_error "--rules: invalid JSON" scan --rules "$T/invalid-json.json" "$T/clean"
printf '{"rules": [{"id": "x-bad-re2", "keywords": [{"text": "abc"}], "pattern": "(?P<value>abc("}]}\n' >"$T/bad-re2.json"
expect_usage_error "--rules: invalid RE2 pattern" scan --rules "$T/bad-re2.json" "$T/clean"
printf '{"rules": [{"id": "x-lookahead", "keywords": [{"text": "abc"}], "pattern": "(?P<value>abc)(?=d)"}]}\n' >"$T/lookahead.json"
expect_usage_error "--rules: PCRE-only lookahead" scan --rules "$T/lookahead.json" "$T/clean"
# An invalid pattern with a (JSON-escaped) newline in it must still give one error line.
printf '{"rules": [{"id": "x-multiline", "keywords": [{"text": "abc"}], "pattern": "(?P<value>a\\nbc("}]}\n' >"$T/bad-re2-nl.json"
expect_usage_error "--rules: invalid RE2 pattern containing a newline" scan --rules "$T/bad-re2-nl.json" "$T/clean"
printf '{"rules": [{"id": "x-no-pattern", "keywords": [{"text": "abc"}]}]}\n' >"$T/no-pattern.json"
expect_usage_error "--rules: missing \"pattern\"" scan --rules "$T/no-pattern.json" "$T/clean"
printf '{"rules": [{"keywords": [{"text": "abc"}], "pattern": "(?P<value>abc)"}]}\n' >"$T/no-id.json"
expect_usage_error "--rules: missing \"id\"" scan --rules "$T/no-id.json" "$T/clean"
printf '{"rules": [{"id": "x-no-value", "keywords": [{"text": "abc"}], "pattern": "abc"}]}\n' >"$T/no-value.json"
expect_usage_error "--rules: pattern without a value group" scan --rules "$T/no-value.json" "$T/clean"
printf '{"rules": [{"id": "dynatrace-token", "keywords": [{"text": "abc"}], "pattern": "(?P<value>abc)"}]}\n' >"$T/dup.json"
expect_usage_error "--rules: id that duplicates a built-in rule" scan --rules "$T/dup.json" "$T/clean"

printf '{"rules":[{"id":"x","keywords":[{"text":"abc"}],"pattern":"(?P<value>a\\nbc("}]}\n' >"$T/newline-pattern.json"
expect_usage_error "unwritable -o /nonexistent/dir/x.json" scan -o /nonexistent/dir/x.json "$T/high"
expect_usage_error "-o naming a directory" scan -o "$T" "$T/clean"
# A PATH that does not exist is a usage error: a typo must not let a CI gate pass as "clean".
expect_usage_error "nonexistent PATH" scan "$T/clean" "$T/no-such-dir"
expect_usage_error "multi-line RE2 error stays one line" scan --rules "$T/newline-pattern.json" "$T/clean"

# --- version and help -----------------------------------------------------------------------------
want_version=$(sed -n 's/^project(dtscan VERSION \([0-9][0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
run "$DTSCAN" version
assert_rc 0 "dtscan version"
assert_eq "dtscan $want_version" "$(cat "$OUT")" "dtscan version prints the project version"
run "$DTSCAN" --version
assert_rc 0 "dtscan --version"
assert_file_contains "$OUT" "$want_version" "--version prints the version"

run "$DTSCAN" --help
assert_rc 0 "dtscan --help"
assert_file_contains "$OUT" "usage: dtscan" "--help prints usage on stdout"
assert_empty "$ERR" "--help: nothing on stderr"
run "$DTSCAN" scan -h
assert_rc 0 "dtscan scan -h"
assert_file_contains "$OUT" "--fail-on" "scan -h lists the options"

finish
