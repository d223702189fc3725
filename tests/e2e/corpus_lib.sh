# Shared by the corpus scripts (test_corpus.sh, test_threads.sh, update_corpus.sh): where the tools and
# cases are, the list of cases, and how a case is materialised and scanned. Source it.
# shellcheck shell=bash

SOURCE_DIR="${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DTSCAN="${DTSCAN:-$SOURCE_DIR/build/dtscan}"
DTSCAN_FAKE="${DTSCAN_FAKE:-$SOURCE_DIR/build/dtscan-fake}"
CORPUS="$SOURCE_DIR/corpus"
# The scans run inside the materialised tree: make relative tool paths absolute.
case "$DTSCAN" in /*) ;; *) DTSCAN="$PWD/$DTSCAN" ;; esac
case "$DTSCAN_FAKE" in /*) ;; *) DTSCAN_FAKE="$PWD/$DTSCAN_FAKE" ;; esac
export LC_ALL=C NO_COLOR=1

# all_cases: prints the name of every case (a directory with input/), one per line.
all_cases() {
  local dir
  for dir in "$CORPUS"/*/; do
    [ -d "$dir/input" ] && basename "$dir"
  done
  return 0
}

# materialise CASE DEST: the case's input with every @@...@@ template expanded (seed "corpus").
materialise() {
  "$DTSCAN_FAKE" --seed corpus --tree "$CORPUS/$1/input" "$2"
}

# scan_json DIR: the JSON report of DIR scanned from inside it (paths relative to DIR); extra args follow.
scan_json() {
  local dir="$1"
  shift
  (cd "$dir" && "$DTSCAN" scan --format json --fail-on never "$@" .)
}
