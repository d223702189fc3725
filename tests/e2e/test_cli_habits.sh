#!/usr/bin/env bash
# CLI habits users bring from other tools (issue 10): per-command help, `help COMMAND`, `-o -`, the
# summary on the terminal with -o FILE, sizes with units, consistent -j errors, "did you mean",
# NO_COLOR only when non-empty, TERM=dumb. Terminal cases run under script(1) (util-linux) for a pty.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$T/tree"
fake_file "$T/tree/deploy.env" cli <<<'DT_API_TOKEN=@@dt0c01@@'
printf 'nothing here\n' >"$T/tree/clean.txt"

# --- help ------------------------------------------------------------------------------------------
for cmd in scan staged git rules version; do
  run "$DTSCAN" "$cmd" --help
  assert_rc 0 "dtscan $cmd --help"
  assert_match "$OUT" "^usage: dtscan $cmd" "dtscan $cmd --help prints that command's usage"
  assert_empty "$ERR" "dtscan $cmd --help: nothing on stderr"
  cp "$OUT" "$T/help-$cmd"
  run "$DTSCAN" help "$cmd"
  assert_rc 0 "dtscan help $cmd"
  cmp -s "$OUT" "$T/help-$cmd" && pass || fail "dtscan help $cmd prints the same as dtscan $cmd --help"
done
assert_file_contains "$T/help-git" "--range A..B" "git's help names its own option"
assert_file_lacks "$T/help-scan" "--range" "scan's help does not list git's --range"
assert_file_contains "$T/help-staged" "--repo DIR" "staged's help names --repo"
run "$DTSCAN" help
assert_file_contains "$OUT" "commands:" "dtscan help lists the commands"
run "$DTSCAN" help nosuchcommand
assert_rc 2 "help of an unknown command is a usage error"

# --- did you mean ------------------------------------------------------------------------------------
run "$DTSCAN" scan --fromat json "$T/tree"
assert_rc 2 "a mistyped option is a usage error"
assert_file_contains "$ERR" "did you mean '--format'?" "a mistyped option suggests the nearest one"
run "$DTSCAN" scan --max-filesize 1 "$T/tree"
assert_file_contains "$ERR" "did you mean '--max-file-size'?" "--max-filesize suggests --max-file-size"
run "$DTSCAN" sacn "$T/tree"
assert_file_contains "$ERR" "did you mean 'scan'?" "a mistyped command suggests the nearest one"
run "$DTSCAN" scan --completely-unrelated "$T/tree"
assert_file_lacks "$ERR" "did you mean" "no suggestion when nothing is close"
for pair in "scan --range:git" "git --repo:staged" "scan --state:audit" "staged --shard:audit" "git --check:rules" \
  "scan --max-depth:audit"; do
  cmd=${pair%% *} rest=${pair#* } opt=${rest%%:*} owner=${pair##*:}
  run "$DTSCAN" "$cmd" "$opt" x
  assert_rc 2 "$cmd $opt is a usage error"
  assert_eq "dtscan: error: $opt is an option of 'dtscan $owner', not of 'dtscan $cmd'" "$(cat "$ERR")" \
    "$cmd $opt names the command that takes it"
done
run "$DTSCAN" --fromat json "$T/tree"
assert_rc 2 "an option before the command is a usage error"
assert_file_contains "$ERR" "options come after the command" "an option before the command: says where options go"
assert_file_contains "$ERR" "did you mean '--format'?" "an option before the command: still suggests the nearest"
run "$DTSCAN" --versoin
assert_file_contains "$ERR" "did you mean '--version'?" "--versoin suggests --version"

# --- -j errors are one message ------------------------------------------------------------------------
for bad in 0 -1 two 1025 99999999999999999999999 ""; do
  run "$DTSCAN" scan -j "$bad" "$T/tree"
  assert_rc 2 "-j '$bad' is a usage error"
  assert_file_contains "$ERR" "expects a number of threads from 1 to 1024, got '$bad'" "-j '$bad': the same message"
done

# --- sizes with units ---------------------------------------------------------------------------------
head -c 1500 /dev/zero | tr '\0' 'a' >"$T/tree/big.txt" # 1,500 bytes
for size in 1k 1kB 1KiB; do
  run "$DTSCAN" scan --format json --max-file-size "$size" "$T/tree"
  assert_rc 1 "--max-file-size $size is accepted"
  assert_eq 1 "$(json_num "$OUT" files_skipped)" "--max-file-size $size skips the 1,500-byte file"
done
run "$DTSCAN" scan --format json --max-file-size 2k "$T/tree"
assert_eq 0 "$(json_num "$OUT" files_skipped)" "--max-file-size 2k (2,000 bytes) keeps the 1,500-byte file"
run "$DTSCAN" scan --format json --max-file-size 1500 "$T/tree"
assert_eq 0 "$(json_num "$OUT" files_skipped)" "--max-file-size in plain bytes still works"
run "$DTSCAN" scan --max-file-size 99999999999GiB "$T/tree"
assert_rc 2 "a size that overflows is a usage error"

# --- -o - is standard output ----------------------------------------------------------------------------
run "$DTSCAN" scan --format json -o - "$T/tree"
assert_rc 1 "-o - runs"
assert_file_contains "$OUT" '"schema": "dtscan/report/v1"' "-o - writes the report to standard output"
[ ! -e ./- ] && pass || fail "-o - creates no file named '-'"

# --- terminal behaviour (a pty from script(1)) ------------------------------------------------------------
# on_tty OUTFILE ENV... -- CMD...: runs CMD with a terminal as stdin/stdout/stderr, the session's bytes in OUTFILE.
on_tty() {
  local out=$1
  shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  local cmd
  printf -v cmd '%q ' "$@"
  env "${envs[@]}" script -qec "$cmd" /dev/null </dev/null >"$out" 2>&1 || true
}
esc=$'\033['
on_tty "$T/tty-o" TERM=xterm -- "$DTSCAN" scan --format json -o "$T/report.json" "$T/tree"
assert_file_contains "$T/tty-o" "dtscan: 1 finding (0 critical, 1 high" "with -o FILE the summary goes to the terminal"
assert_file_contains "$T/report.json" '"findings"' "with -o FILE the report is in the file"
assert_file_lacks "$T/tty-o" '"findings"' "with -o FILE the report is not on the terminal"
# With standard output sent elsewhere, what reaches the terminal can only have come through stderr.
on_tty "$T/tty-o2" TERM=xterm -- bash -c '"$@" >/dev/null' _ "$DTSCAN" scan --format json -o "$T/report1.json" "$T/tree"
assert_file_contains "$T/tty-o2" "dtscan: 1 finding (0 critical, 1 high" "with -o FILE the summary is on stderr"
run "$DTSCAN" scan --format json -o "$T/report2.json" "$T/tree"
assert_empty "$ERR" "with -o FILE and stderr not a terminal, stderr stays empty"
on_tty "$T/tty-q" TERM=xterm -- "$DTSCAN" scan --quiet --format json -o "$T/report3.json" "$T/tree"
assert_file_lacks "$T/tty-q" "dtscan: 1 finding" "--quiet: no summary on the terminal"

on_tty "$T/tty-color" TERM=xterm -- "$DTSCAN" scan "$T/tree"
assert_file_contains "$T/tty-color" "$esc" "text on a terminal is coloured"
on_tty "$T/tty-nocolor" TERM=xterm NO_COLOR=1 -- "$DTSCAN" scan "$T/tree"
assert_file_lacks "$T/tty-nocolor" "$esc" "NO_COLOR=1: no colour"
on_tty "$T/tty-emptynocolor" TERM=xterm NO_COLOR= -- "$DTSCAN" scan "$T/tree"
assert_file_contains "$T/tty-emptynocolor" "$esc" "an empty NO_COLOR does not turn colour off"
on_tty "$T/tty-dumb" TERM=dumb -- "$DTSCAN" scan "$T/tree"
assert_file_lacks "$T/tty-dumb" "$esc" "TERM=dumb: no colour"
assert_file_contains "$T/tty-dumb" "deploy.env:1:" "TERM=dumb: the finding is still printed"

# --- progress line: on a terminal for runs over a second, erased at the end; elsewhere only with --progress
slow='(printf "k=%s\n" "$1"; sleep 2.5) | "$0" scan "${@:2}" -'
tok=$(fake "@@dt0c01@@" cli-progress)
on_tty "$T/tty-slow" TERM=xterm -- bash -c "$slow" "$DTSCAN" "$tok"
on_tty "$T/tty-slow-stderr" TERM=xterm -- bash -c "$slow"' >/dev/null' "$DTSCAN" "$tok"
assert_match "$T/tty-slow-stderr" 'dtscan: [0-9,]+ files?, ' "the progress line is on stderr"
assert_file_lacks "$T/tty-slow-stderr" "dynatrace-token dt0c01." "the report is not on stderr"
assert_match "$T/tty-slow" 'dtscan: [0-9,]+ files?, [0-9.]+ k?B, [0-9.]+ k?B/s, [0-9,]+ findings?' "a slow scan on a terminal shows the progress line"
assert_file_contains "$T/tty-slow" $'\r'"${esc}K" "the progress line is erased at the end"
# After the last erase comes the report: the progress text is not left on the screen.
tail_after_erase=$(awk -v RS=$'\r\033\\[K' 'END { print }' "$T/tty-slow")
case "$tail_after_erase" in *"B/s, "*) fail "the report follows the erased progress line" "$tail_after_erase" ;; *) pass ;; esac
assert_file_contains "$T/tty-slow" "dynatrace-token dt0c01." "the finding is reported after the progress line"
on_tty "$T/tty-fast" TERM=xterm -- "$DTSCAN" scan "$T/tree"
assert_file_lacks "$T/tty-fast" "B/s, " "a scan under a second shows no progress line"
on_tty "$T/tty-quiet" TERM=xterm -- bash -c "$slow" "$DTSCAN" "$tok" --quiet
assert_file_lacks "$T/tty-quiet" "B/s, " "--quiet: no progress line on a terminal"
RC=0
bash -c "$slow" "$DTSCAN" "$tok" >"$OUT" 2>"$ERR" || RC=$?
assert_rc 1 "slow scan without a terminal"
assert_empty "$ERR" "not a terminal: no progress line on stderr"
RC=0
bash -c "$slow" "$DTSCAN" "$tok" --progress >"$OUT" 2>"$ERR" || RC=$?
assert_match "$ERR" '^dtscan: [0-9,]+ files?, ' "--progress without a terminal: plain progress lines on stderr"
assert_file_lacks "$ERR" "$esc" "--progress without a terminal: no escape sequences"
assert_file_lacks "$OUT" "B/s, " "--progress: nothing on standard output"

finish
