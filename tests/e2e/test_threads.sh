#!/usr/bin/env bash
# SPEC §5: the same input gives byte-identical output whatever the thread count. Checks -j1 against -j2
# in json, sarif and text for every corpus case and for the whole corpus scanned at once.
set -euo pipefail

# shellcheck source=tests/e2e/corpus_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/corpus_lib.sh"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cases=()
mapfile -t cases < <(all_cases)
if [ "${#cases[@]}" -eq 0 ]; then
  echo "test_threads: no cases under $CORPUS" >&2
  exit 1
fi

# Every case goes under one root, so that the last check scans them all in one run.
for name in "${cases[@]}"; do
  materialise "$name" "$tmp/all/$name"
done

# compare LABEL DIR: prints ok/FAIL for the -j1 vs -j2 outputs of DIR in every format.
passed=0
failed=0
compare() {
  local label="$1" dir="$2" fmt threads status bad=""
  for fmt in json sarif text; do
    for threads in 1 2; do
      status=0
      (cd "$dir" && "$DTSCAN" scan --format "$fmt" --fail-on never --no-color -j "$threads" .) \
        > "$tmp/out.$fmt.j$threads" 2> "$tmp/err" || status=$?
      if [ "$status" -ne 0 ]; then
        bad="$bad $fmt(-j$threads exited with $status)"
        head -n 3 "$tmp/err" >&2
      fi
    done
    if ! cmp -s "$tmp/out.$fmt.j1" "$tmp/out.$fmt.j2"; then
      bad="$bad $fmt"
      diff -u --label "$label $fmt -j1" --label "$label $fmt -j2" "$tmp/out.$fmt.j1" "$tmp/out.$fmt.j2" | head -n 40 || true
    fi
  done
  if [ -z "$bad" ]; then
    echo "ok $label"
    passed=$((passed + 1))
  else
    echo "FAIL $label (differs or failed:$bad)"
    failed=$((failed + 1))
  fi
}

for name in "${cases[@]}"; do
  compare "$name" "$tmp/all/$name"
done
compare "whole-corpus" "$tmp/all"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
