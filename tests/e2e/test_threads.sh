#!/usr/bin/env bash
# SPEC §5: the same input gives byte-identical output whatever the thread count. Checks -j1 against -j2
# in json, sarif and text for every corpus case and for the whole corpus scanned at once.
set -euo pipefail

SOURCE_DIR="${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DTSCAN="${DTSCAN:-$SOURCE_DIR/build/dtscan}"
DTSCAN_FAKE="${DTSCAN_FAKE:-$SOURCE_DIR/build/dtscan-fake}"
CORPUS="$SOURCE_DIR/corpus"
# The scans run inside the materialised tree: make relative tool paths absolute.
case "$DTSCAN" in /*) ;; *) DTSCAN="$PWD/$DTSCAN" ;; esac
case "$DTSCAN_FAKE" in /*) ;; *) DTSCAN_FAKE="$PWD/$DTSCAN_FAKE" ;; esac
export LC_ALL=C NO_COLOR=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cases=()
for dir in "$CORPUS"/*/; do
  [ -d "$dir/input" ] && cases+=("$(basename "$dir")")
done
if [ "${#cases[@]}" -eq 0 ]; then
  echo "test_threads: no cases under $CORPUS" >&2
  exit 1
fi

# Every case goes under one root, so that the last check scans them all in one run.
for name in "${cases[@]}"; do
  "$DTSCAN_FAKE" --seed corpus --tree "$CORPUS/$name/input" "$tmp/all/$name"
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
