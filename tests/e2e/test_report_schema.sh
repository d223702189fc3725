#!/usr/bin/env bash
# The json report, and each line of the jsonl report, validate against docs/report.schema.json with a
# real validator (ajv), for every corpus case (every token type and reason the corpus holds), in scan
# and git mode, with and without --show-secrets; the validator rejects what the schema forbids; and
# docs/report.md documents every field, token_type and reason value the schema names.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=corpus_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/corpus_lib.sh"
# shellcheck source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VALIDATE="$ROOT/tests/tools/validate-report.sh"
SCHEMA="$ROOT/docs/report.schema.json"
DOC="$ROOT/docs/report.md"

# valid WHAT FILE... / invalid WHAT FILE...: the validator accepts / rejects the files.
valid() {
  local what=$1
  shift
  if "$VALIDATE" "$@" >"$T/validate.txt" 2>&1; then pass; else fail "$what" "$(head -c 800 "$T/validate.txt")"; fi
}
invalid() {
  local what=$1
  shift
  if "$VALIDATE" "$@" >"$T/validate.txt" 2>&1; then fail "$what" "accepted"; else pass; fi
}

# Every corpus case in one tree: all the token types and reasons the corpus exercises.
C="$T/corpus"
mkdir -p "$C"
mapfile -t cases < <(all_cases)
for name in "${cases[@]}"; do materialise "$name" "$C/$name"; done
run_in "$C" "$DTSCAN" scan --format json --fail-on never -o "$T/scan.json" .
assert_rc 0 "corpus scan, json"
[ "$(findings_of "$T/scan.json" 'dynatrace-token')" -gt 20 ] && pass || fail "the corpus gives many findings"
valid "json report of the whole corpus" "$T/scan.json"
run_in "$C" "$DTSCAN" scan --format jsonl --fail-on never -o "$T/scan.jsonl" .
valid "jsonl report of the whole corpus, line by line" "$T/scan.jsonl"
run_in "$C" "$DTSCAN" scan --format json --fail-on never --show-secrets -o "$T/secrets.json" .
assert_file_contains "$T/secrets.json" '"secret":' "--show-secrets adds secret fields"
valid "json report with --show-secrets" "$T/secrets.json"
run_in "$C" "$DTSCAN" scan --format json --fail-on never --no-decode -o "$T/plain.json" .
valid "json report with --no-decode" "$T/plain.json"
printf 'token: %s\n' "$(fake '@@dt0c01@@' schema-stdin)" | "$DTSCAN" scan --format jsonl --fail-on never - >"$T/stdin.jsonl"
valid "jsonl of standard input" "$T/stdin.jsonl"
mkdir -p "$T/empty"
"$DTSCAN" scan --format jsonl "$T/empty" >"$T/none.jsonl"
valid "jsonl with no finding: the summary line alone" "$T/none.jsonl"

# The token types and reasons seen in the corpus are all in the report (a sanity check of the sample).
for value in dt0c01 dt0a01 dt0a02 dt0g02 dt0s16 legacy-api-token legacy-tenant-token unknown; do
  assert_file_contains "$T/scan.json" "\"token_type\": \"$value\"" "the corpus sample has token_type $value"
done

# git mode: commit set.
R="$T/repo"
mkdir -p "$R"
git -C "$R" init -q
printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' schema-git)" >"$R/app.env"
commit_all "$R" "add"
run_in "$R" "$DTSCAN" git --format json -o "$T/git.json"
assert_rc 1 "git json: exit 1"
assert_match "$T/git.json" '"commit": "[0-9a-f]{40}"' "git json: the commit is set"
valid "git json report" "$T/git.json"
run_in "$R" "$DTSCAN" git --format jsonl -o "$T/git.jsonl"
valid "git jsonl report" "$T/git.jsonl"

# The validator is not a rubber stamp: each of these breaks the schema.
sed 's/"reasons": \[/"reasons": ["made-up-reason", /' "$T/git.json" >"$T/bad-reason.json"
invalid "an unknown reason is rejected" "$T/bad-reason.json"
sed 's/"decoded": null/"decoded": null, "extra": 1/' "$T/git.json" >"$T/bad-field.json"
invalid "an undocumented field is rejected" "$T/bad-field.json"
sed 's/"severity": "[a-z]*"/"severity": "severe"/' "$T/git.json" >"$T/bad-severity.json"
invalid "an unknown severity is rejected" "$T/bad-severity.json"
sed 's/"fingerprint": "[0-9a-f]*"/"fingerprint": "abc"/' "$T/git.json" >"$T/bad-fp.json"
invalid "a fingerprint that is not SHA-256 hex is rejected" "$T/bad-fp.json"
head -n -1 "$T/git.jsonl" >"$T/no-summary.jsonl"
invalid "jsonl without its summary line is rejected" "$T/no-summary.jsonl"
sed 's/"line":[0-9]*/"line":0/' "$T/git.jsonl" >"$T/bad-line.jsonl"
invalid "a line number 0 is rejected" "$T/bad-line.jsonl"

# Documentation: every field, token_type and reason the schema names is in docs/report.md.
mapfile -t names < <(node -e '
const s = require(process.argv[1]).definitions;
const out = [...Object.keys(s.finding.properties), ...Object.keys(s.summary.properties), ...s.reason.anyOf[0].enum,
  ...s.token_type.anyOf[0].enum];
console.log(out.join("\n"));' "$SCHEMA")
[ "${#names[@]}" -gt 40 ] && pass || fail "the schema lists fields, reasons and token types" "${#names[@]}"
missing=()
for n in "${names[@]}"; do grep -qF -- "\`$n\`" "$DOC" || missing+=("$n"); done
assert_eq "" "${missing[*]}" "docs/report.md documents every field, reason and token_type value of the schema"
# ...and every reason the README's severity section names is in the schema.
mapfile -t readme_reasons < <(sed -n '/^Each finding lists the `reasons`/,/^$/p' "$ROOT/README.md" | grep -oE '`[a-z0-9-]+`' | tr -d '`' | grep -v '^reasons$')
unknown=()
for r in "${readme_reasons[@]}"; do printf '%s\n' "${names[@]}" | grep -qxF -- "$r" || unknown+=("$r"); done
assert_eq "" "${unknown[*]}" "every reason in the README is in the schema"

finish
