# Shared helpers for the end-to-end tests: they run the real dtscan binary on trees built at test time
# (tokens come from dtscan-fake, never from the repository). Source it; call `finish` at the end.
# shellcheck shell=bash

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$E2E_DIR/../.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build}
DTSCAN=${DTSCAN:-$BUILD_DIR/dtscan}
DTSCAN_FAKE=${DTSCAN_FAKE:-$BUILD_DIR/dtscan-fake}
VALIDATE_SARIF=${VALIDATE_SARIF:-$SOURCE_DIR/tests/tools/validate-sarif.sh}
export LC_ALL=C

# Some sandboxes give /dev/null as a regular file: it keeps what is written to it and feeds it back to
# readers. Say so once; the tests that read it indirectly (git gc, see git_lib.sh) empty it first.
if [ ! -c /dev/null ]; then
  echo "e2e: warning: /dev/null is not a character device on this machine" >&2
fi

for bin in "$DTSCAN" "$DTSCAN_FAKE"; do
  if [ ! -x "$bin" ]; then
    echo "e2e: $bin is not built" >&2
    exit 2
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/dtscan-e2e.XXXXXX")
FINISHED=0
# An unexpected failing command (set -e) still ends with the summary line and a non-zero status.
on_exit() {
  local rc=$?
  chmod -R u+rwx "$T" 2>/dev/null || true
  rm -rf "$T"
  if [ "$FINISHED" -eq 0 ]; then
    printf '%s: %d passed, %d failed (aborted with status %d before the end)\n' "$(basename "$0")" "$PASSED" "$((FAILED + 1))" "$rc"
    [ "$rc" -ne 0 ] || exit 1
  fi
}
trap on_exit EXIT
trap 'printf "e2e: command failed at %s line %d: %s\n" "$(basename "$0")" "$LINENO" "$BASH_COMMAND" >&2' ERR

PASSED=0
FAILED=0
RC=0
OUT="$T/.out"
ERR="$T/.err"

pass() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL: %s\n' "$1" >&2
  shift
  local extra
  for extra in "$@"; do printf '    %s\n' "$extra" >&2; done
}
skip() { printf 'SKIP: %s\n' "$1" >&2; }

# run CMD...: runs it with stdout in $OUT and stderr in $ERR, its status in $RC (never aborts the test).
run() {
  RC=0
  "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# fake TEMPLATE [SEED]: the expansion of one template string (trailing newline removed).
fake() { printf '%s\n' "$1" | "$DTSCAN_FAKE" --seed "${2:-e2e}"; }

# fake_file DST SEED: writes the expansion of the template on stdin to DST.
fake_file() {
  mkdir -p "$(dirname "$1")"
  "$DTSCAN_FAKE" --seed "$2" >"$1"
}

assert_eq() { # EXPECTED ACTUAL WHAT
  if [ "$1" == "$2" ]; then pass; else fail "$3" "expected: $1" "actual:   $2"; fi
}

assert_rc() { # EXPECTED WHAT  (checks $RC of the last `run`)
  if [ "$RC" -eq "$1" ]; then pass; else fail "$2: exit status $RC, expected $1" "stderr: $(head -c 600 "$ERR")"; fi
}

assert_file_contains() { # FILE FIXED_STRING WHAT
  if grep -qF -- "$2" "$1"; then pass; else fail "$3" "'$2' not in $1: $(head -c 600 "$1")"; fi
}

assert_file_lacks() { # FILE FIXED_STRING WHAT
  if grep -qF -- "$2" "$1"; then fail "$3" "'$2' found in $1"; else pass; fi
}

assert_match() { # FILE ERE WHAT: some line matches
  if grep -qE -- "$2" "$1"; then pass; else fail "$3" "no line of $1 matches /$2/: $(head -c 600 "$1")"; fi
}

assert_empty() { # FILE WHAT
  if [ ! -s "$1" ]; then pass; else fail "$2" "not empty: $(head -c 600 "$1")"; fi
}

# count_of FILE FIXED_STRING: occurrences (not lines) of a string.
count_of() { { grep -oF -- "$2" "$1" 2>/dev/null || true; } | wc -l | tr -d ' '; }

# json_num FILE KEY: the first numeric value of "KEY": in a JSON file (enough for the summary fields).
json_num() { { grep -oE "\"$2\": *[0-9]+" "$1" 2>/dev/null || true; } | head -n 1 | grep -oE '[0-9]+$' || true; }

# findings_of FILE RULE_ID: how many findings of a rule a json/jsonl report has.
findings_of() { { grep -oE "\"rule_id\": *\"$2\"" "$1" 2>/dev/null || true; } | wc -l | tr -d " "; }

finish() {
  FINISHED=1
  printf '%s: %d passed, %d failed\n' "$(basename "$0")" "$PASSED" "$FAILED"
  [ "$FAILED" -eq 0 ]
}

# scan_in DIR ARGS...: `dtscan scan ARGS .` run from inside DIR, so that report paths are relative to
# DIR (dtscan reports paths as they are named: `scan "$DIR"` would print "$DIR/a.env").
scan_in() {
  local dir=$1
  shift
  (cd "$dir" && "$DTSCAN" scan "$@" .)
}
