#!/usr/bin/env bash
# Regenerates corpus/CASE/expected.json from what dtscan reports today. The result is a proposal, not
# the truth: review `git diff corpus/CASE/expected.json` against SPEC §1-§2 before committing it.
set -euo pipefail

# shellcheck source=tests/e2e/corpus_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/corpus_lib.sh"

usage() {
  echo "usage: $0 CASE... | $0 --all" >&2
  printf "cases:" >&2
  for dir in "$CORPUS"/*/; do printf " %s" "$(basename "$dir")" >&2; done
  echo >&2
  exit 2
}

[ "$#" -ge 1 ] || usage
cases=()
if [ "$1" = "--all" ]; then
  mapfile -t cases < <(all_cases)
else
  for arg in "$@"; do
    name="$(basename -- "$arg")"
    [ -d "$CORPUS/$name/input" ] || { echo "update_corpus: no case $name (no $CORPUS/$name/input)" >&2; usage; }
    cases+=("$name")
  done
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for name in "${cases[@]}"; do
  materialise "$name" "$tmp/$name"
  status=0
  scan_json "$tmp/$name" > "$tmp/$name.json" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "update_corpus: dtscan exited with $status on $name; expected.json left unchanged" >&2
    exit 1
  fi
  if [ -f "$CORPUS/$name/expected.json" ] && cmp -s "$tmp/$name.json" "$CORPUS/$name/expected.json"; then
    echo "unchanged $name"
  else
    cp "$tmp/$name.json" "$CORPUS/$name/expected.json"
    echo "updated $name: review the diff (git diff corpus/$name/expected.json) against SPEC §1-§2"
  fi
done
