#!/usr/bin/env bash
# The repository itself scans clean (issue 10): every tracked file, at the default gate and at
# --fail-on medium. Token-shaped test inputs must be generated at test time (fake_tokens templates,
# tests/fuzz/generated/), never committed; this test fails the day one is.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! git -C "$SOURCE_DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  skip "the source tree is not a git checkout: no list of tracked files"
  finish
fi

# The files a clone would have, plus new ones not yet committed (not the ignored build directories and
# node_modules); a path deleted in the work tree but still in the index is left out.
git -C "$SOURCE_DIR" ls-files -z --cached --others --exclude-standard | sort -zu |
  while IFS= read -r -d '' f; do
    if [ -e "$SOURCE_DIR/$f" ] || [ -L "$SOURCE_DIR/$f" ]; then printf '%s\0' "$f"; fi
  done >"$T/files"
[ -s "$T/files" ] || { fail "git ls-files listed no file"; finish; }

for gate in high medium; do
  RC=0
  (cd "$SOURCE_DIR" && xargs -0 "$DTSCAN" scan --format json --fail-on "$gate" -o "$T/report-$gate.json" -- <"$T/files") \
    >"$OUT" 2>"$ERR" || RC=$?
  assert_rc 0 "the repository scans clean at --fail-on $gate"
  if [ "$RC" -ne 0 ]; then
    grep -E '"severity": *"(critical|high|medium)"' -A4 "$T/report-$gate.json" >&2 || cat "$ERR" >&2
  fi
done
# It really scanned the tree: every tracked file that is not binary was read.
scanned=$(json_num "$T/report-medium.json" files_scanned)
[ "${scanned:-0}" -ge 200 ] && pass || fail "scanned $scanned files, expected the whole tree (>= 200)"

finish
