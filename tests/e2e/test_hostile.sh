#!/usr/bin/env bash
# Hostile and odd input (issue 4): dtscan never crashes, hangs, blocks, follows a link, writes outside its
# output or grows without bound, whatever the tree, the file, the rule file or the reader of its output.
# Each section is one case of the issue, and its checks are named after it. Every dtscan run is bounded in
# time (`timeout`: a hang fails the check instead of blocking CI) and the big-input runs also in address
# space (`prlimit --as`, except under sanitizers, which reserve terabytes: DTSCAN_SANITIZED=1).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

LIMIT=${DTSCAN_HOSTILE_TIMEOUT:-120} # seconds per dtscan run
AS_CAP=$((1 << 30))                  # 1 GiB of address space for the big-input runs
SANITIZED=${DTSCAN_SANITIZED:-0}

# dt ARGS...: dtscan, killed after $LIMIT seconds (exit status 124: a failure in every check).
dt() { timeout -k 5 "$LIMIT" "$DTSCAN" "$@"; }
# capped COMMAND ARGS...: dt with at most $AS_CAP bytes of address space, and two workers: glibc reserves
# address space per thread (stack, malloc arena), and the cap must not depend on the machine's core count.
capped() {
  local command=$1
  shift
  if [ "$SANITIZED" = 1 ]; then
    dt "$command" -j 2 "$@"
  else
    timeout -k 5 "$LIMIT" prlimit --as="$AS_CAP" "$DTSCAN" "$command" -j 2 "$@"
  fi
}
[ "$SANITIZED" != 1 ] || skip "address-space cap (prlimit --as) of the big-input checks: DTSCAN_SANITIZED=1, sanitizers reserve terabytes of address space"

# ms_since START_NS: milliseconds since a `date +%s%N` reading.
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# only_warnings WHAT: every stderr line of the last run is one complete 'dtscan: warning: ' line.
only_warnings() {
  local bad
  bad=$(grep -cv '^dtscan: warning: ' "$ERR" || true)
  assert_eq 0 "$bad" "$1: stderr holds only 'dtscan: warning:' lines (got: $(head -c 300 "$ERR"))"
}

# not_killed WHAT: the last run ended by itself with 0 or 1 (no crash, no signal, no timeout, no error).
not_killed() {
  if [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ]; then pass; else fail "$1: exit status $RC (0 or 1 expected; 124 = timed out, >128 = signal)" "stderr: $(head -c 400 "$ERR")"; fi
}

# as_nobody CMD...: runs CMD as uid/gid 65534 without supplementary groups (root only).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Who can test permissions: a non-root user as itself; root by dropping to nobody, if nobody can reach the
# binaries and the temporary tree; otherwise the checks are skipped with the reason.
UNPRIV=()
UNPRIV_WHY=""
UNPRIV_DTSCAN=$DTSCAN
if [ "$(id -u)" -ne 0 ]; then
  UNPRIV=(env)
else
  chmod 755 "$T"
  # A checkout under /root (mode 700) is out of nobody's reach: nobody runs a copy in the temporary tree.
  mkdir -p "$T/.bin"
  cp "$DTSCAN" "$T/.bin/dtscan"
  chmod 755 "$T/.bin" "$T/.bin/dtscan"
  UNPRIV_DTSCAN=$T/.bin/dtscan
  if ! command -v setpriv >/dev/null 2>&1; then
    UNPRIV_WHY="running as root and setpriv (util-linux) is not installed to drop privileges"
  elif ! as_nobody "$UNPRIV_DTSCAN" version >/dev/null 2>&1; then
    UNPRIV_WHY="running as root and user nobody cannot run $DTSCAN (a directory on its path is not traversable)"
  elif ! as_nobody test -x "$T"; then
    UNPRIV_WHY="running as root and user nobody cannot reach the temporary directory $T"
  else
    UNPRIV=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
# unpriv_owns PATH...: makes PATHs belong to whoever runs the unprivileged checks.
unpriv_owns() { if [ "$(id -u)" -eq 0 ]; then chown -R 65534:65534 "$@"; fi; }

tok=$(fake '@@dt0c01@@' hostile-main)

# --- file names with newlines, invalid UTF-8 and leading dashes ------------------------------------------
CASE="file names with newlines, invalid UTF-8 and leading dashes"
N="$T/names"
mkdir -p "$N/--exclude"
names=($'line1\nline2.txt' $'bad-\xff\xfe-utf8.txt' $'\xc3(-truncated-sequence.txt' - --help -o --format=sarif -rf.txt
  --exclude/--rules $'\n' $'-\n-')
for name in "${names[@]}"; do
  printf 'k=%s\n' "$(fake '@@dt0c01@@' "name-$name")" >"$N/$name"
done
listing_before=$(cd "$N" && find . -print0 | sort -z | od -c)
run_in "$N" timeout -k 5 "$LIMIT" "$DTSCAN" scan --format jsonl .
assert_rc 1 "$CASE: walked, exit 1"
assert_eq "${#names[@]}" "$(nfindings "$OUT")" "$CASE: one finding per file (${#names[@]})"
assert_eq "$((${#names[@]} + 1))" "$(wc -l <"$OUT" | tr -d ' ')" "$CASE: jsonl is one line per finding + summary"
if LC_ALL=C.UTF-8 grep -qaxv '.*' "$OUT"; then fail "$CASE: jsonl output is valid UTF-8"; else pass; fi
if tr -d '\n' <"$OUT" | grep -q '[[:cntrl:]]'; then fail "$CASE: no raw control character in the jsonl output"; else pass; fi
assert_file_contains "$OUT" '"path":"line1\nline2.txt"' "$CASE: newline escaped in the path"
assert_file_contains "$OUT" '"path":"--help"' "$CASE: a name like an option is reported as a path"
assert_file_contains "$OUT" '"path":"-"' "$CASE: a file named '-' is a file when walked, not standard input"
assert_file_contains "$OUT" '"path":"--exclude/--rules"' "$CASE: a directory named like an option is walked"
assert_empty "$ERR" "$CASE: no warning"
run dt scan "$N"
assert_eq "$((${#names[@]} + 1))" "$(wc -l <"$OUT" | tr -d ' ')" "$CASE: text is one line per finding + summary"
run dt scan --format sarif -o "$T/names.sarif" "$N"
assert_rc 1 "$CASE: sarif run"
if [ -s "$T/names.sarif" ] && "$VALIDATE_SARIF" "$T/names.sarif" >"$T/validate.txt" 2>&1; then pass; else
  fail "$CASE: the SARIF report validates" "$(head -c 600 "$T/validate.txt")"
fi
# Named on the command line: after `--` a leading dash is a path; "./-" is the file named "-".
run_in "$N" timeout -k 5 "$LIMIT" "$DTSCAN" scan --format jsonl -- -o --help ./- --exclude $'\n'
assert_rc 1 "$CASE: named after --, exit 1"
assert_eq "- --exclude/--rules --help -o \\n" "$(paths_of "$OUT")" "$CASE: named after --, each is a path"
listing_after=$(cd "$N" && find . -print0 | sort -z | od -c)
assert_eq "$listing_before" "$listing_after" "$CASE: no file was created or removed (no name was taken for an option)"

# --- a directory symlink loop -------------------------------------------------------------------------
CASE="a directory symlink loop"
L="$T/loop"
mkdir -p "$L/real/sub"
printf 'k=%s\n' "$tok" >"$L/real/sub/a.txt"
ln -s .. "$L/real/sub/up"              # a loop through the parent
ln -s "$L" "$L/real/abs"               # a loop through an absolute path
ln -s self "$L/self"                   # a link to itself
ln -s pong "$L/ping"                   # two links to each other
ln -s ping "$L/pong"
ln -s .gitignore "$L/real/.gitignore"  # an ignore file that is a loop
start=$(date +%s%N)
run_in "$L" timeout -k 5 "$LIMIT" "$DTSCAN" scan --format jsonl --respect-gitignore .
assert_rc 1 "$CASE: exit 1"
assert_eq "real/sub/a.txt" "$(paths_of "$OUT")" "$CASE: the file is found once, nothing through a link"
assert_empty "$ERR" "$CASE: links are skipped silently"
assert_eq 0 "$(json_num "$OUT" errors)" "$CASE: no error counted"
echo "    ($CASE: $(ms_since "$start") ms)"
run dt scan --format jsonl "$L/self"
assert_rc 0 "$CASE: a looping link named as the root"
assert_match "$ERR" "^dtscan: warning: skipping symbolic link '.*/self' \(links are not followed\)$" "$CASE: root link skipped with a warning"
run dt scan --format jsonl "$L/ping/x"
assert_rc 0 "$CASE: a path through a loop named as the root"
assert_match "$ERR" "^dtscan: warning: cannot read '.*/ping/x': Too many levels of symbolic links$" "$CASE: ELOOP is a one-line warning"
assert_eq 1 "$(json_num "$OUT" errors)" "$CASE: the unreadable root counts as an error"

# --- a FIFO and a device node (skipped, never blocks) ---------------------------------------------------
CASE="a FIFO and a device node (skipped, never blocks)"
S="$T/special"
mkdir -p "$S"
printf 'k=%s\n' "$tok" >"$S/a.txt"
mkfifo "$S/fifo" # no writer: opening it for reading would block forever
ln -s fifo "$S/fifo-link"
ndev=0
if mknod "$S/null" c 1 3 2>/dev/null && mknod "$S/zero" c 1 5 2>/dev/null; then
  ndev=2 # /dev/zero never ends: reading it would never finish
else
  rm -f "$S/null" "$S/zero"
  skip "$CASE: device nodes in the tree (mknod is not permitted here); the FIFO and /dev/zero named explicitly are still checked"
fi
run dt scan --format json "$S"
assert_rc 1 "$CASE: walked, the regular file is scanned (exit 1, no hang)"
assert_eq 1 "$(json_num "$OUT" files_scanned)" "$CASE: walked, only the regular file is read"
assert_eq "$((1 + ndev))" "$(json_num "$OUT" files_skipped)" "$CASE: walked, the FIFO and the devices count as skipped"
assert_empty "$ERR" "$CASE: walked, no warning"
specials=("$S/fifo" "$S/fifo-link" /dev/zero)
[ "$ndev" -eq 0 ] || specials+=("$S/zero")
for special in "${specials[@]}"; do
  run dt scan --format json "$special"
  assert_rc 0 "$CASE: $(basename "$special") named explicitly is skipped (exit 0, no hang)"
  assert_match "$ERR" "^dtscan: warning: skipping '.*': not a regular file or directory$|^dtscan: warning: skipping symbolic link" "$CASE: $(basename "$special") named explicitly: one-line warning"
  assert_eq 0 "$(json_num "$OUT" files_scanned)" "$CASE: $(basename "$special") named explicitly is not read"
done

# --- a file deleted or truncated while being scanned -----------------------------------------------------
# A background writer keeps rewriting, truncating, extending (with a hole) and replacing (the inode being
# read is deleted) a 32 MB file, deleting and recreating another one and a tree of small files, while
# dtscan scans them again and again. Whatever it sees, dtscan ends by itself with 0 or 1 and says at most
# one-line warnings. (The file named on the command line is never absent: a PATH that does not exist is a
# usage error, exit 2.)
CASE="a file deleted or truncated while being scanned"
R="$T/race"
mkdir -p "$R/tree"
{
  printf 'k=%s\n' "$tok"
  awk 'BEGIN { l = sprintf("%99s", ""); for (i = 0; i < 330000; i++) print l }'
  printf 'k=%s\n' "$tok"
} >"$T/race-template.txt"
small=$(printf 'k=%s\n' "$tok")
make_small_tree() {
  mkdir -p "$R/tree/sub"
  local i
  for i in $(seq 1 300); do printf '%s\n' "$small" >"$R/tree/sub/f$i.txt"; done
}
cp "$T/race-template.txt" "$R/big.txt"
make_small_tree
(
  trap 'exit 0' TERM
  while :; do
    cp "$T/race-template.txt" "$R/big.txt.new" && mv -f "$R/big.txt.new" "$R/big.txt" # replaced
    truncate -s 1M "$R/big.txt"                                                       # truncated
    truncate -s 48M "$R/big.txt"                                                      # extended by a hole
    : >"$R/big.txt"                                                                   # emptied
    cp "$T/race-template.txt" "$R/big.txt"                                            # rewritten in place
    cp "$T/race-template.txt" "$R/tree/doomed.txt"
    rm -f "$R/tree/doomed.txt"                                                        # deleted
    rm -rf "$R/tree/sub"                                                              # a tree deleted
    make_small_tree
  done
) &
mutator=$!
runs=0
bad_rc=0
bad_err=0
warned=0
start=$(date +%s%N)
while [ "$runs" -lt 12 ]; do
  runs=$((runs + 1))
  if [ $((runs % 2)) -eq 0 ]; then run dt scan --format json -j 2 "$R"; else run dt scan --format json -j 1 "$R/big.txt" "$R/tree"; fi
  if [ "$RC" -ne 0 ] && [ "$RC" -ne 1 ]; then
    bad_rc=$((bad_rc + 1))
    fail "$CASE: run $runs ended with status $RC (0 or 1 expected)" "stderr: $(head -c 400 "$ERR")"
  fi
  [ ! -s "$ERR" ] || warned=$((warned + 1))
  if grep -qv '^dtscan: warning: ' "$ERR"; then
    bad_err=$((bad_err + 1))
    fail "$CASE: run $runs: stderr holds only one-line warnings" "$(head -c 400 "$ERR")"
  fi
done
kill "$mutator" 2>/dev/null || true
wait "$mutator" 2>/dev/null || true
assert_eq "0 0" "$bad_rc $bad_err" "$CASE: $runs runs against a writer that truncates, extends, replaces and deletes the files: each ended by itself with 0 or 1"
echo "    ($CASE: $runs runs in $(ms_since "$start") ms, $warned of them saw a file vanish)"
rm -rf "$R"

# --- a directory without read permission ---------------------------------------------------------------
CASE="a directory without read permission"
if [ ${#UNPRIV[@]} -eq 0 ]; then
  skip "$CASE: $UNPRIV_WHY"
else
  P="$T/perm"
  mkdir -p "$P/ok" "$P/locked" "$P/unlistable" "$P/untraversable"
  printf 'k=%s\n' "$tok" >"$P/ok/a.txt"
  printf 'k=%s\n' "$(fake '@@dt0c01@@' perm-locked)" >"$P/locked/b.txt"
  printf 'k=%s\n' "$(fake '@@dt0c01@@' perm-unlistable)" >"$P/unlistable/c.txt"
  printf 'k=%s\n' "$(fake '@@dt0c01@@' perm-untraversable)" >"$P/untraversable/d.txt"
  printf 'k=%s\n' "$(fake '@@dt0c01@@' perm-file)" >"$P/unreadable.txt"
  unpriv_owns "$P"
  chmod 000 "$P/locked" "$P/unreadable.txt"
  chmod 311 "$P/unlistable"    # no read permission: cannot be listed, can be traversed
  chmod 644 "$P/untraversable" # can be listed, cannot be traversed: its files cannot be opened
  run "${UNPRIV[@]}" timeout -k 5 "$LIMIT" "$UNPRIV_DTSCAN" scan --format jsonl -j 2 "$P"
  assert_rc 1 "$CASE: the readable part is scanned (exit 1)"
  # Paths as named: the root as given, then the path below it, in findings and warnings alike.
  assert_eq "$P/ok/a.txt" "$(paths_of "$OUT")" "$CASE: only the readable file is reported"
  assert_eq "$(printf '%s\n' "dtscan: warning: cannot open '$P/unreadable.txt': Permission denied" \
    "dtscan: warning: cannot open '$P/untraversable/d.txt': Permission denied" \
    "dtscan: warning: cannot read directory '$P/locked': Permission denied" \
    "dtscan: warning: cannot read directory '$P/unlistable': Permission denied")" "$(sort "$ERR")" \
    "$CASE: one one-line warning per unreadable entry"
  assert_eq 4 "$(json_num "$OUT" errors)" "$CASE: each unreadable entry counts in errors"
  run "${UNPRIV[@]}" timeout -k 5 "$LIMIT" "$UNPRIV_DTSCAN" scan --format jsonl "$P/unlistable"
  assert_rc 0 "$CASE: a root directory without read permission is a warning (exit 0)"
  assert_eq "dtscan: warning: cannot read directory '$P/unlistable': Permission denied" "$(cat "$ERR")" "$CASE: unlistable root: one warning"
  assert_eq 1 "$(json_num "$OUT" errors)" "$CASE: unlistable root counts as an error"
  # Mode 000: not even its .dtscan.json can be checked, so the run fails closed with one line.
  run "${UNPRIV[@]}" timeout -k 5 "$LIMIT" "$UNPRIV_DTSCAN" scan --format jsonl "$P/locked"
  expect_fatal "$CASE: a root directory with mode 000"
  assert_file_contains "$ERR" "$P/locked" "$CASE: mode 000 root: the error names it"
  chmod 755 "$P/locked" "$P/unlistable" "$P/untraversable"
  chmod 644 "$P/unreadable.txt"
fi

# --- a 5 GB sparse file -------------------------------------------------------------------------------
# Tokens at the very start and end, NUL bytes (a hole) in between: named explicitly, it is read whole in
# 1 MiB chunks with constant memory, and both tokens are found at their lines and columns.
CASE="a 5 GB sparse file"
G5=$((5 * 1024 * 1024 * 1024))
Z="$T/sparse"
mkdir -p "$Z"
tok_head=$(fake '@@dt0c01@@' sparse-head)
tok_tail=$(fake '@@dt0c01@@' sparse-tail)
sparse_ok=1
if ! truncate -s "$G5" "$Z/sparse.bin" 2>/dev/null; then
  sparse_ok=0
  skip "$CASE: the filesystem of $T cannot hold a 5 GB file"
elif [ "$(du -k "$Z/sparse.bin" | cut -f1)" -gt 1024 ]; then
  sparse_ok=0
  skip "$CASE: the filesystem of $T does not make sparse files ($(du -k "$Z/sparse.bin" | cut -f1) KiB allocated)"
fi
if [ "$sparse_ok" = 1 ]; then
  printf 'head: %s\n' "$tok_head" | dd of="$Z/sparse.bin" conv=notrunc status=none
  tail_text=$(printf '\ntail: %s' "$tok_tail")
  printf '%s\n' "$tail_text" | dd of="$Z/sparse.bin" bs=1 seek=$((G5 - ${#tail_text} - 1)) conv=notrunc status=none
  assert_eq "$G5" "$(stat -c %s "$Z/sparse.bin")" "$CASE: fixture size"
  start=$(date +%s%N)
  run capped scan --format jsonl "$Z/sparse.bin"
  elapsed=$(ms_since "$start")
  assert_rc 1 "$CASE: named explicitly, scanned whole within the address-space cap"
  assert_eq 2 "$(nfindings "$OUT")" "$CASE: two findings"
  assert_eq "1:7" "$(jf "$OUT" "$(tid_of "$tok_head")" line):$(jf "$OUT" "$(tid_of "$tok_head")" column)" "$CASE: the token at the start, line 1 column 7"
  assert_eq "3:7" "$(jf "$OUT" "$(tid_of "$tok_tail")" line):$(jf "$OUT" "$(tid_of "$tok_tail")" column)" "$CASE: the token at the end, line 3 column 7"
  assert_eq "$G5" "$(json_num "$OUT" bytes_scanned)" "$CASE: every byte read"
  echo "    ($CASE: $elapsed ms)"
  run capped scan --format json "$Z"
  assert_rc 0 "$CASE: walked, it is binary (NUL bytes in the first 8 KiB) and skipped"
  assert_eq 1 "$(json_num "$OUT" files_skipped)" "$CASE: walked, counted as skipped"
fi
rm -f "$Z/sparse.bin"

# --- 10,000 nested directories -------------------------------------------------------------------------
# A path of 20,000 bytes, five times PATH_MAX, with a token at the bottom; dtscan runs with 256 file
# descriptors, so it cannot hold one per level.
CASE="10,000 nested directories"
D="$T/deep"
mkdir -p "$D"
tok_deep=$(fake '@@dt0c01@@' deep)
TOK="$tok_deep" perl -e 'chdir $ARGV[0] or die "$!"; for (1 .. 10000) { mkdir "d" or die "mkdir: $!"; chdir "d" or die "chdir: $!" }
  open(my $f, ">", "leak.txt") or die "open: $!"; print $f "k=$ENV{TOK}\n"; close $f or die' "$D"
want_path="$D/$(printf 'd/%.0s' $(seq 10000))leak.txt"
start=$(date +%s%N)
run timeout -k 5 "$LIMIT" prlimit --nofile=256 "$DTSCAN" scan --format jsonl "$D"
elapsed=$(ms_since "$start")
assert_rc 1 "$CASE: the token at the bottom makes the exit status 1"
assert_eq 1 "$(nfindings "$OUT")" "$CASE: one finding"
got_path=$({ grep -oE '"path":"[^"]*"' "$OUT" || true; } | head -n 1 | cut -d'"' -f4)
if [ "$got_path" == "$want_path" ]; then pass; else fail "$CASE: the finding's path is d/ x 10,000 + leak.txt" "got ${#got_path} bytes: ${got_path:0:80}...${got_path: -40}"; fi
assert_empty "$ERR" "$CASE: no warning (no ENAMETOOLONG, no EMFILE)"
assert_eq 0 "$(json_num "$OUT" errors)" "$CASE: no error counted"
echo "    ($CASE: $elapsed ms)"
run timeout -k 5 "$LIMIT" prlimit --nofile=256 "$DTSCAN" scan --format json -j 4 --exclude leak.txt "$D"
assert_rc 0 "$CASE: --exclude applies at the bottom too"

# --- a 100 MB single line ------------------------------------------------------------------------------
CASE="a 100 MB single line"
M="$T/longline"
mkdir -p "$M"
tok_l1=$(fake '@@dt0c01@@' line-1)
tok_l2=$(fake '@@dt0c01@@' line-2)
tok_l3=$(fake '@@dt0c01@@' line-3)
half=$((50 * 1024 * 1024))
{
  printf 'k=%s ' "$tok_l1"
  head -c "$half" /dev/zero | tr '\0' x
  printf ' k=%s ' "$tok_l2"
  head -c "$half" /dev/zero | tr '\0' y
  printf ' k=%s' "$tok_l3"
} >"$M/line.txt"
start=$(date +%s%N)
run capped scan --format jsonl "$M"
elapsed=$(ms_since "$start")
assert_rc 1 "$CASE: scanned within the address-space cap"
assert_eq 3 "$(nfindings "$OUT")" "$CASE: three findings"
assert_eq "1:3" "$(jf "$OUT" "$(tid_of "$tok_l1")" line):$(jf "$OUT" "$(tid_of "$tok_l1")" column)" "$CASE: token at the start"
assert_eq "1:$((2 + 97 + half + 3 + 1))" "$(jf "$OUT" "$(tid_of "$tok_l2")" line):$(jf "$OUT" "$(tid_of "$tok_l2")" column)" "$CASE: token in the middle"
assert_eq "1:$((2 + 97 + half + 3 + 97 + half + 3 + 1))" "$(jf "$OUT" "$(tid_of "$tok_l3")" line):$(jf "$OUT" "$(tid_of "$tok_l3")" column)" "$CASE: token at the end"
echo "    ($CASE: $elapsed ms)"
# The same length of base64-alphabet text (the decoder's worst case) and of %XX escapes.
{
  head -c "$half" /dev/zero | tr '\0' A
  printf ' %s ' "$(printf '%s' "$tok_l2" | base64 -w0)"
  head -c "$half" /dev/zero | tr '\0' Q
} >"$M/line.txt"
run capped scan --format jsonl "$M"
assert_rc 1 "$CASE: 100 MB of base64 alphabet, scanned within the cap"
assert_eq "1 base64" "$(nfindings "$OUT") $(jf "$OUT" "$(tid_of "$tok_l2")" decoded)" "$CASE: 100 MB of base64 alphabet: the encoded token found"
head -c "$((2 * half))" < <(yes '%41' | tr -d '\n') >"$M/line.txt"
run capped scan --format jsonl "$M"
assert_rc 0 "$CASE: 100 MB of %XX escapes, scanned within the cap"
rm -f "$M/line.txt"

# --- a file of only `dt0c01.` repeated -------------------------------------------------------------------
# A keyword hit every 7 bytes: each one is tried and rejected, in time linear in the size.
CASE="a file of only dt0c01. repeated"
Q="$T/prefix"
mkdir -p "$Q"
head -c $((8 * 1024 * 1024)) < <(yes 'dt0c01.' | tr -d '\n') >"$Q/one-line.txt"
head -c $((8 * 1024 * 1024)) < <(yes 'dt0c01.') >"$Q/lines.txt"
head -c $((6 * 1024 * 1024)) < <(yes 'dt0c01.' | tr -d '\n') | base64 -w0 >"$Q/base64.txt"
start=$(date +%s%N)
run capped scan --format json "$Q"
elapsed=$(ms_since "$start")
assert_rc 0 "$CASE: no finding (exit 0), within the time and address-space limits"
assert_eq 3 "$(json_num "$OUT" files_scanned)" "$CASE: on one line, on many lines and base64-encoded"
assert_eq 0 "$(findings_of "$OUT" dynatrace-token)" "$CASE: a prefix alone is no token"
assert_empty "$ERR" "$CASE: no warning"
echo "    ($CASE: 24 MB in $elapsed ms)"
rm -rf "$Q"

# --- a .git file pointing nowhere ----------------------------------------------------------------------
CASE="a .git file pointing nowhere"
W="$T/gitfile"
mkdir -p "$W"
printf 'k=%s\n' "$tok" >"$W/app.env"
for target in 'gitdir: /nonexistent/repo.git' 'gitdir: ../missing/.git' 'not a gitdir line' ''; do
  printf '%s\n' "$target" >"$W/.git"
  what="$CASE (${target:-empty})"
  run dt git "$W"
  expect_fatal "$what: dtscan git DIR"
  run dt staged --repo "$W"
  expect_fatal "$what: dtscan staged --repo DIR"
  run_in "$W" timeout -k 5 "$LIMIT" "$DTSCAN" staged
  expect_fatal "$what: dtscan staged inside DIR"
  run_in "$W" timeout -k 5 "$LIMIT" "$DTSCAN" scan --format jsonl --respect-gitignore .
  assert_rc 1 "$what: dtscan scan DIR still scans the directory"
  assert_eq "app.env" "$(paths_of "$OUT")" "$what: dtscan scan DIR finds the token, the .git file is not scanned"
  assert_empty "$ERR" "$what: dtscan scan DIR: no warning"
done

# --- a rule file with a catastrophic or invalid pattern ---------------------------------------------------
CASE="a rule file with a catastrophic or invalid pattern"
X="$T/rules"
mkdir -p "$X/in"
printf 'k=%s\n' "$tok" >"$X/in/a.txt"
# rule_file FILE FIELD REGEX: a one-rule file whose FIELD (pattern or not_followed_by) is REGEX (JSON-escaped).
rule_file() {
  local pattern='(?P<value>aaa[a-z]+)' extra=''
  if [ "$2" = pattern ]; then pattern=$3; else extra=", \"$2\": \"$3\""; fi
  cat >"$1" <<EOF
{"schema": "dtscan/rules/v1", "rules": [{"id": "hostile", "keywords": [{"text": "aaa"}], "pattern": "$pattern",
  "word_boundary": false, "severity": "high"$extra}]}
EOF
}
printf 'OLD REPORT\n' >"$X/report.txt"
bad_patterns=(
  'lookahead|pattern|(?P<value>aaa(?=b))'
  'lookbehind|pattern|(?P<value>(?<=b)aaa)'
  'backreference|pattern|(?P<value>(aaa)\\1)'
  'nested counted repetition|pattern|(?P<value>((aaa{100}){100}){100})'
  'pattern too large|pattern|(?P<value>aaa\\pL{1000})'
  'repetition over 1000|pattern|(?P<value>aaa{1001})'
  'unbalanced parenthesis|pattern|(?P<value>aaa'
  'invalid not_followed_by|not_followed_by|(?=x)'
)
for entry in "${bad_patterns[@]}"; do
  what="$CASE: ${entry%%|*}"
  rest=${entry#*|}
  rule_file "$X/bad.json" "${rest%%|*}" "${rest#*|}"
  start=$(date +%s%N)
  run dt scan --rules "$X/bad.json" -o "$X/report.txt" "$X/in"
  expect_fatal "$what (dtscan scan)"
  assert_match "$ERR" "^dtscan: error: invalid rule file $X/bad.json: rule \"hostile\": invalid pattern: " "$what: the error names the file, the rule and the pattern problem"
  assert_eq "OLD REPORT" "$(cat "$X/report.txt")" "$what: the -o report is untouched"
  run dt rules --rules "$X/bad.json"
  expect_fatal "$what (dtscan rules)"
  if [ "$(ms_since "$start")" -lt 20000 ]; then pass; else fail "$what: rejected within 20 s"; fi
done
# Patterns that backtracking engines take exponential time on: RE2 accepts them and runs in linear time,
# also with a keyword that matches at every byte of a 100 KB line.
{ head -c 102400 /dev/zero | tr '\0' a; printf '!\n'; } >"$X/in/aaaa.txt"
for pattern in '(?P<value>(a+)+$)' '(?P<value>(a|aa)+b)' '(?P<value>(a*)*b)' '(?P<value>(aaa|a?)+!)'; do
  rule_file "$X/slow.json" pattern "$pattern"
  start=$(date +%s%N)
  run capped scan --format json --rules "$X/slow.json" "$X/in"
  elapsed=$(ms_since "$start")
  not_killed "$CASE: $pattern is accepted"
  assert_eq 2 "$(json_num "$OUT" files_scanned)" "$CASE: $pattern: the 100 KB line of 'a' is scanned"
  only_warnings "$CASE: $pattern"
  if [ "$elapsed" -lt 30000 ]; then pass; else fail "$CASE: $pattern: scanned in less than 30 s (took $elapsed ms)"; fi
done

# --- stdout closed early (| head) is not an error ---------------------------------------------------------
# 2,000 findings: far more output than a pipe holds, so the writes after the reader left fail with EPIPE.
CASE="stdout closed early (| head) is not an error"
H="$T/many"
mkdir -p "$H"
for i in 0 1 2 3 4 5 6 7 8 9; do
  for j in $(seq 0 199); do printf 'k%d=@@dt0c01@@\n' "$j"; done | fake_file "$H/f$i.txt" "many-$i"
done
# piped READER ARGS...: dtscan ARGS | READER (a shell command); dtscan's status in $RC, its stderr in $ERR.
piped() {
  local reader=$1
  shift
  { RC=0; dt "$@" 2>"$ERR" || RC=$?; echo "$RC" >"$T/piped.rc"; } | bash -c "$reader" >/dev/null || true
  RC=$(cat "$T/piped.rc")
}
for fmt in text json jsonl sarif; do
  piped 'head -n 1' scan --format "$fmt" "$H"
  assert_rc 1 "$CASE: --format $fmt | head -n 1: dtscan's own exit status (1: findings)"
  assert_empty "$ERR" "$CASE: --format $fmt | head -n 1: nothing on stderr"
done
piped 'true' scan --format jsonl "$H"
assert_rc 1 "$CASE: a reader that exits before the first write (| true)"
assert_empty "$ERR" "$CASE: | true: nothing on stderr"
piped 'head -c 1' scan --format text "$H"
assert_rc 1 "$CASE: --format text | head -c 1"
assert_empty "$ERR" "$CASE: | head -c 1: nothing on stderr"

# --- -o FILE: a failed run never leaves a truncated report and never clobbers the old one ---------------
CASE="-o FILE: a failed run never leaves a truncated report and never clobbers the old one"
O="$T/report"
mkdir -p "$O"
run dt scan --format json -o "$O/report.json" "$H"
assert_rc 1 "$CASE: the first report is written"
cp "$O/report.json" "$T/report.saved"
# no_temp WHAT: the report's directory holds the report and nothing else (no temporary file, whatever its name).
no_temp() { assert_eq "report.json" "$(ls -A "$O")" "$1: no temporary file is left"; }
same_report() { if cmp -s "$T/report.saved" "$O/report.json"; then pass; else fail "$1: the old report is byte-identical"; fi; }

# A fatal error after the report was started: the baseline cannot be written.
run dt scan --format json -o "$O/report.json" --write-baseline "$T/no-such-dir/baseline.json" "$W"
expect_fatal "$CASE: a fatal error after the start (--write-baseline into a missing directory)"
same_report "$CASE: fatal error after the start"
no_temp "$CASE: fatal error after the start"

# A write error: the file size limit (ulimit -f) with SIGXFSZ ignored, so write() fails with EFBIG.
run bash -c 'trap "" XFSZ; exec timeout -k 5 "$0" prlimit --fsize=4096 "$@"' "$LIMIT" "$DTSCAN" scan --format json -o "$O/report.json" "$H"
expect_fatal "$CASE: a write error (file size limit, EFBIG)"
same_report "$CASE: write error"
no_temp "$CASE: write error"

# The same limit with SIGXFSZ at its default (which ends the process): dtscan must still clean up.
run timeout -k 5 "$LIMIT" prlimit --fsize=4096 "$DTSCAN" scan --format json -o "$O/report.json" "$H"
assert_rc 2 "$CASE: the file size limit with SIGXFSZ at its default is an error, not a kill"
same_report "$CASE: file size limit, default SIGXFSZ"
no_temp "$CASE: file size limit, default SIGXFSZ"
find "$O" -mindepth 1 ! -name report.json -delete

# holds_open_under PID DIR: PID or one of its children has a file under DIR open (the report being written,
# whether it has a temporary name or none yet).
holds_open_under() {
  local p fd target
  for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    for fd in /proc/"$p"/fd/*; do
      target=$(readlink "$fd" 2>/dev/null) || continue
      case $target in "$2"/*) return 0 ;; esac
    done
  done
  return 1
}

# The output directory becomes unwritable while dtscan runs (it reads standard input from a FIFO that
# stays open until the directory is locked): the rename fails, the old report stays.
if [ ${#UNPRIV[@]} -eq 0 ]; then
  skip "$CASE: the output directory becomes unwritable during the run: $UNPRIV_WHY"
else
  U="$T/unwritable"
  mkdir -p "$U"
  cp "$T/report.saved" "$U/report.json"
  unpriv_owns "$U"
  mkfifo "$T/in.fifo"
  "${UNPRIV[@]}" timeout -k 5 "$LIMIT" "$UNPRIV_DTSCAN" scan --format json -o "$U/report.json" - <"$T/in.fifo" >"$OUT" 2>"$ERR" &
  pid=$!
  exec 7>"$T/in.fifo"
  for _ in $(seq 100); do holds_open_under "$pid" "$U" && break; sleep 0.1; done
  if holds_open_under "$pid" "$U"; then pass; else fail "$CASE: unwritable directory: fixture: dtscan is writing its report when the directory is locked"; fi
  chmod 555 "$U"
  printf 'k=%s\n' "$tok" >&7
  exec 7>&-
  RC=0
  wait "$pid" || RC=$?
  expect_fatal "$CASE: the output directory becomes unwritable during the run"
  if cmp -s "$T/report.saved" "$U/report.json"; then pass; else fail "$CASE: unwritable directory: the old report is byte-identical"; fi
  assert_eq "report.json" "$(ls -A "$U")" "$CASE: unwritable directory: no temporary file is left"
  chmod 755 "$U"
  rm -f "$T/in.fifo"
fi

finish
