#!/usr/bin/env bash
# Golden end-to-end test: each corpus case, materialised from its @@...@@ templates, must give exactly
# its reviewed expected.json, so any change in findings, severities, reasons or spans shows up as a diff.
set -euo pipefail

# shellcheck source=tests/e2e/corpus_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/corpus_lib.sh"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Optional arguments restrict the run to the named cases.
cases=()
if [ "$#" -gt 0 ]; then
  for arg in "$@"; do cases+=("$(basename -- "$arg")"); done
else
  mapfile -t cases < <(all_cases)
fi
if [ "${#cases[@]}" -eq 0 ]; then
  echo "test_corpus: no cases under $CORPUS" >&2
  exit 1
fi

passed=0
failed=0
for name in "${cases[@]}"; do
  case_dir="$CORPUS/$name"
  out="$tmp/$name.json"
  if [ ! -d "$case_dir/input" ] || [ ! -f "$case_dir/expected.json" ]; then
    echo "FAIL $name (needs input/ and expected.json)"
    failed=$((failed + 1))
    continue
  fi
  if ! materialise "$name" "$tmp/$name" 2> "$tmp/$name.err"; then
    echo "FAIL $name (dtscan-fake: $(head -n 1 "$tmp/$name.err"))"
    failed=$((failed + 1))
    continue
  fi
  status=0
  scan_json "$tmp/$name" > "$out" 2> "$tmp/$name.err" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL $name (dtscan exited with $status: $(head -n 1 "$tmp/$name.err"))"
    failed=$((failed + 1))
  elif diff -u --label "corpus/$name/expected.json" --label "actual" "$case_dir/expected.json" "$out"; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
