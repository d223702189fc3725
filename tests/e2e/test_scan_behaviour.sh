#!/usr/bin/env bash
# What `dtscan scan` reads and how it reports it (SPEC §1, §3, §5): binary/symlink/.git/exclude/size/
# gitignore rules of the walk, stdin, chunk boundaries, decoding, extra rules, odd file names, atomic -o.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tok=$(fake '@@dt0c01@@' b-main)
tid=$(printf '%s' "$tok" | cut -d. -f1,2)

# jsonl_field FILE TOKEN_ID FIELD: FIELD's value in the jsonl finding line that has TOKEN_ID (first one).
jsonl_field() { { grep -F "\"token_id\":\"$2\"" "$1" | head -n 1 | grep -oE "\"$3\":[^,}]*" | head -n 1 | cut -d: -f2- | tr -d '"'; } || true; }

# --- binary files -------------------------------------------------------------------------------------
B="$T/bin"
mkdir -p "$B"
{ printf 'GIF89a\0\0\0\n'; printf 'x=%s\n' "$tok"; } >"$B/image.gif"
printf 'ok\n' >"$B/plain.txt"
run scan_in "$B" --format json
assert_rc 0 "binary file is skipped when walked"
assert_eq 0 "$(grep -c '"fingerprint"' "$OUT" || true)" "walked binary file: no finding"
assert_eq 1 "$(json_num "$OUT" files_skipped)" "walked binary file counts in files_skipped"
assert_eq 1 "$(json_num "$OUT" files_scanned)" "walked binary dir: the text file is scanned"
run "$DTSCAN" scan --format json "$B/image.gif"
assert_rc 1 "binary file named explicitly is scanned"
assert_eq 1 "$(findings_of "$OUT" dynatrace-token)" "explicit binary file: one finding"
assert_file_contains "$OUT" '"line": 2' "explicit binary file: finding on line 2"
# A NUL after the first 8 KiB does not make a file binary.
{ head -c 9000 /dev/zero | tr '\0' ' '; printf '\n\0\nx=%s\n' "$tok"; } >"$B/late-nul.txt"
run scan_in "$B" --format json
assert_eq 1 "$(findings_of "$OUT" dynatrace-token)" "NUL after 8 KiB: still a text file"

# --- symbolic links, .git, --exclude, --max-file-size -------------------------------------------------
W="$T/walk"
mkdir -p "$W/real" "$W/sub" "$W/.git/objects/ab" "$W/vendor/lib" "$W/src/vendor" "$W/logs"
printf 'x=%s\n' "$tok" >"$W/real/a.txt"
printf 'x=%s\n' "$tok" >"$W/.git/config"
printf 'x=%s\n' "$tok" >"$W/.git/objects/ab/cdef"
printf 'x=%s\n' "$tok" >"$W/vendor/lib/dep.txt"
printf 'x=%s\n' "$tok" >"$W/src/vendor/dep2.txt"
printf 'x=%s\n' "$tok" >"$W/logs/app.log"
printf 'x=%s\n' "$tok" >"$W/top.log"
ln -s ../real "$W/sub/dirlink"
ln -s real/a.txt "$W/filelink.txt"
ln -s "$T/bin" "$W/outside"
run scan_in "$W" --format jsonl
assert_rc 1 "walk tree"
paths=$({ grep -oE '"path":"[^"]*"' "$OUT" || true; } | sort | tr '\n' ' ')
assert_eq '"path":"logs/app.log" "path":"real/a.txt" "path":"src/vendor/dep2.txt" "path":"top.log" "path":"vendor/lib/dep.txt" ' \
  "$paths" "walk: links not followed, .git not scanned"
assert_file_lacks "$OUT" "link" "no finding through a symbolic link"
assert_file_lacks "$OUT" ".git/" "no finding inside .git/"

run scan_in "$W" --format jsonl --exclude '*.log' --exclude vendor
paths=$({ grep -oE '"path":"[^"]*"' "$OUT" || true; } | sort | tr '\n' ' ')
assert_eq '"path":"real/a.txt" ' "$paths" "--exclude '*.log' --exclude vendor prune files and directories at any depth"
run scan_in "$W" --format jsonl --exclude=real
assert_file_lacks "$OUT" '"path":"real/' "--exclude=DIR form"

S="$T/size"
mkdir -p "$S"
printf 'x=%s\n' "$tok" >"$S/small.txt"
{ printf 'x=%s\n' "$tok"; head -c 5000 /dev/zero | tr '\0' ' '; } >"$S/big.txt"
run scan_in "$S" --format json --max-file-size 1000
assert_rc 1 "--max-file-size: the small file is still scanned"
assert_file_contains "$OUT" '"path": "small.txt"' "--max-file-size: small file reported"
assert_file_lacks "$OUT" '"path": "big.txt"' "--max-file-size: bigger file skipped"
assert_eq 1 "$(json_num "$OUT" files_skipped)" "--max-file-size: skipped file counted"
run scan_in "$S" --format json --max-file-size 100000
assert_file_contains "$OUT" '"path": "big.txt"' "--max-file-size above the size: scanned"

# --- standard input -----------------------------------------------------------------------------------
run "$DTSCAN" scan --format json - < <(printf 'line one\n  token: %s\n' "$tok")
assert_rc 1 "- reads standard input"
assert_file_contains "$OUT" '"path": "stdin"' "stdin path is 'stdin'"
assert_file_contains "$OUT" '"line": 2' "stdin: line number"
assert_file_contains "$OUT" '"column": 10' "stdin: column"
run "$DTSCAN" scan - <"$B/image.gif"
assert_rc 1 "binary content on stdin is scanned (named explicitly)"

# --- chunk boundaries in big files --------------------------------------------------------------------
# Files of lines of 999 spaces + newline; tokens (96 bytes) are written over the spaces at byte offsets
# around the 1 MiB chunk boundaries and the 4 KiB window overlap, one ending the file with no newline.
# Offsets that would overlap go to different files.
MiB=1048576
size=$((3 * MiB + 1500))
C="$T/chunks"
mkdir -p "$C"
awk 'BEGIN { l = sprintf("%999s", ""); for (i = 0; i < 3200; i++) print l }' >"$T/filler.txt"
truncate -s "$size" "$T/filler.txt"
groups=(
  "a:$((MiB - 40)) $((MiB - 4096 - 40)) $((MiB + 4096 - 40)) $((2 * MiB - 40)) $((2 * MiB + 8192 - 40)) $((3 * MiB - 40)) $((size - 96))"
  "b:$((MiB - 96)) $((2 * MiB - 96)) $((3 * MiB - 96))"
  "c:$((MiB - 95)) $((2 * MiB - 1)) $((3 * MiB - 95))"
  "d:$((MiB)) $((2 * MiB)) $((3 * MiB))"
)
declare -A want_pos=()
ntok=0
for g in "${groups[@]}"; do
  f="$C/big-${g%%:*}.txt"
  cp "$T/filler.txt" "$f"
  for off in ${g#*:}; do
    t=$(fake '@@dt0c01@@' "chunk-$ntok")
    ntok=$((ntok + 1))
    if [ $((off % 1000 + 96)) -gt 999 ] && [ "$off" -ne $((size - 96)) ]; then fail "fixture: token at $off would cross a line end"; fi
    printf '%s' "$t" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
    want_pos[$(printf '%s' "$t" | cut -d. -f1,2)]="big-${g%%:*}.txt:$((off / 1000 + 1)):$((off % 1000 + 1))"
  done
  assert_eq "$size" "$(wc -c <"$f" | tr -d ' ')" "fixture: $f size"
done
assert_eq "dt0c01" "$(tail -c 96 "$C/big-a.txt" | cut -c1-6)" "fixture: big-a.txt ends with a token"
for threads in 1 3; do
  run scan_in "$C" --format jsonl -j "$threads"
  assert_rc 1 "big files, -j $threads"
  assert_eq "$ntok" "$(grep -c '"rule_id"' "$OUT" || true)" "big files, -j $threads: one finding per token"
  for id in "${!want_pos[@]}"; do
    n=$(grep -cF "\"token_id\":\"$id\"" "$OUT" || true)
    got="$(jsonl_field "$OUT" "$id" path):$(jsonl_field "$OUT" "$id" line):$(jsonl_field "$OUT" "$id" column)"
    assert_eq "1 ${want_pos[$id]}" "$n $got" "big files, -j $threads: token at ${want_pos[$id]} found once there"
  done
done
# The same file through a pipe (short reads) on standard input.
run "$DTSCAN" scan --format jsonl - < <(cat "$C/big-a.txt")
assert_eq 7 "$(grep -c '"path":"stdin"' "$OUT" || true)" "big file piped to stdin: every token found once"
for id in "${!want_pos[@]}"; do
  want=${want_pos[$id]}
  [ "${want%%:*}" == "big-a.txt" ] || continue
  got="$(jsonl_field "$OUT" "$id" line):$(jsonl_field "$OUT" "$id" column)"
  assert_eq "${want#*:}" "$got" "big file piped to stdin: token position"
done
# A base64-encoded token straddling the first chunk boundary.
cp "$T/filler.txt" "$T/big-b64.txt"
b64big=$(fake '@@dt0c01@@' chunk-b64)
printf 'k: %s' "$(printf '%s' "$b64big" | base64 -w0)" | dd of="$T/big-b64.txt" bs=1 seek=$((MiB - 60 - 3)) conv=notrunc status=none
b64id=$(printf '%s' "$b64big" | cut -d. -f1,2)
run "$DTSCAN" scan --format jsonl "$T/big-b64.txt"
assert_eq "1 1049:517 base64" "$(grep -cF "\"token_id\":\"$b64id\"" "$OUT" || true) $(jsonl_field "$OUT" "$b64id" line):$(jsonl_field "$OUT" "$b64id" column) $(jsonl_field "$OUT" "$b64id" decoded)" \
  "base64 token across the chunk boundary: found once at the encoded span"
# A small file that ends in a token without a newline.
printf 'x=%s' "$tok" >"$C/end.txt"
run "$DTSCAN" scan --format jsonl "$C/end.txt"
assert_eq "1:3:1:99" "$(jsonl_field "$OUT" "$tid" line):$(jsonl_field "$OUT" "$tid" column):$(jsonl_field "$OUT" "$tid" end_line):$(jsonl_field "$OUT" "$tid" end_column)" \
  "token at end of file without newline: position and end"

# --- decoding -----------------------------------------------------------------------------------------
D="$T/decode"
mkdir -p "$D"
b64tok=$(fake '@@dt0c01@@' b-b64)
printf 'apiVersion: v1\nkind: Secret\ndata:\n  apiToken: %s\n' "$(printf '%s' "$b64tok" | base64 -w0)" >"$D/secret.yaml"
run scan_in "$D" --format json
assert_rc 1 "base64 token found"
assert_file_contains "$OUT" '"decoded": "base64"' "base64 finding says decoded: base64"
assert_file_contains "$OUT" '"column": 13' "base64 finding points at the encoded span"
run scan_in "$D" --format json --no-decode
assert_rc 0 "--no-decode: no base64 finding"
assert_file_lacks "$OUT" '"decoded": "base64"' "--no-decode: no decoded finding"

# --- extra rules --------------------------------------------------------------------------------------
X="$T/extra"
mkdir -p "$X"
echo 'acme_key = "acme_@@hex:32@@"' | fake_file "$X/app.ini" b-acme
cat >"$T/extra-rules.json" <<'EOF'
{
  "schema": "dtscan/rules/v1",
  "rules": [
    {
      "id": "acme-api-key",
      "name": "AcmeApiKey",
      "short_description": "ACME API key",
      "keywords": [{"text": "acme_"}],
      "pattern": "(?P<value>acme_[0-9a-f]{32})",
      "word_boundary": true,
      "severity": "high",
      "security_severity": "7.0",
      "tags": ["security"]
    }
  ]
}
EOF
run scan_in "$X" --format json
assert_rc 0 "without --rules the custom secret is not found"
run scan_in "$X" --format json --rules "$T/extra-rules.json"
assert_rc 1 "--rules adds a rule"
assert_eq 1 "$(findings_of "$OUT" acme-api-key)" "--rules: finding with the custom rule id"
assert_file_contains "$OUT" '"column": 13' "--rules: finding column"
printf 'x=%s\n' "$tok" >"$X/dt.txt"
run scan_in "$X" --format json --rules "$T/extra-rules.json"
assert_eq 1 "$(findings_of "$OUT" dynatrace-token)" "--rules keeps the built-in rules"
run "$DTSCAN" rules --rules "$T/extra-rules.json"
assert_file_contains "$OUT" "acme-api-key" "dtscan rules --rules lists the extra rule"

# --- .gitignore ---------------------------------------------------------------------------------------
G="$T/gi"
mkdir -p "$G/sub"
printf '.env\n*.secret\n' >"$G/.gitignore"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$G/.env"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$G/sub/x.secret"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$G/sub/kept.txt"
run scan_in "$G" --format jsonl
assert_rc 1 ".gitignore not honoured by default"
assert_file_contains "$OUT" '"path":".env"' "token in an ignored .env is found by default"
assert_file_contains "$OUT" '"path":"sub/x.secret"' "ignored by pattern, found by default"
run scan_in "$G" --format jsonl --respect-gitignore
assert_rc 1 "--respect-gitignore still scans the rest"
assert_file_lacks "$OUT" '"path":".env"' "--respect-gitignore skips .env"
assert_file_lacks "$OUT" '"path":"sub/x.secret"' "--respect-gitignore applies patterns in subdirectories"
assert_file_contains "$OUT" '"path":"sub/kept.txt"' "--respect-gitignore keeps other files"

# --- odd file names -----------------------------------------------------------------------------------
N="$T/names"
odd_dir=$'caf\xe9-dir'
odd_file=$'two\nlines "q" \\ \ttab.txt'
mkdir -p "$N/$odd_dir"
printf 'x=%s\n' "$tok" >"$N/$odd_dir/$odd_file"
printf 'x=%s\n' "$tok" >"$N/plain.txt"
run scan_in "$N" --format json
assert_rc 1 "odd names: findings"
assert_eq 2 "$(grep -c '"path": ".*",$' "$OUT" || true)" "odd names json: two well-formed one-line path members"
if tr -d '\n' <"$OUT" | LC_ALL=C grep -q '[[:cntrl:]]'; then fail "odd names json: raw control characters in the output"; else pass; fi
if LC_ALL=C.UTF-8 grep -qaxv '.*' "$OUT"; then fail "odd names json: output is not valid UTF-8"; else pass; fi
assert_file_contains "$OUT" '\n' "odd names json: newline escaped as \\n"
run scan_in "$N" --format jsonl
assert_eq 3 "$(wc -l <"$OUT" | tr -d ' ')" "odd names jsonl: 2 findings + summary, one line each"
if LC_ALL=C.UTF-8 grep -qaxv '.*' "$OUT"; then fail "odd names jsonl: output is not valid UTF-8"; else pass; fi
run scan_in "$N" --format sarif -o "$T/names.sarif"
assert_rc 1 "odd names sarif"
if [ -s "$T/names.sarif" ] && "$VALIDATE_SARIF" "$T/names.sarif" >"$T/validate.txt" 2>&1; then pass; else
  fail "odd names: SARIF does not validate" "$(cat "$T/validate.txt")"
fi
run scan_in "$N" --format text
assert_eq 3 "$(wc -l <"$OUT" | tr -d ' ')" "odd names text: one line per finding + summary"

# --- atomic -o ----------------------------------------------------------------------------------------
O="$T/out"
mkdir -p "$O"
printf 'OLD REPORT\n' >"$O/report.json"
printf '{"rules": [' >"$T/broken-rules.json"
run "$DTSCAN" scan --format json -o "$O/report.json" --rules "$T/broken-rules.json" "$W/real"
assert_rc 2 "-o with a bad --rules file"
assert_eq "OLD REPORT" "$(cat "$O/report.json")" "failed run leaves the old -o file unchanged"
assert_eq "" "$(find "$O" -name '.dtscan-report-*' | head -n 1)" "failed run leaves no temporary file"
run "$DTSCAN" scan --format json -o "$O/report.json" "$W/real"
assert_rc 1 "-o success"
assert_file_contains "$O/report.json" '"schema": "dtscan/report/v1"' "successful run replaces the -o file"
assert_eq "" "$(find "$O" -name '.dtscan-report-*' | head -n 1)" "successful run leaves no temporary file"
mkdir -p "$O/adir"
run "$DTSCAN" scan --format json -o "$O/adir" "$W/real"
assert_rc 2 "-o naming a directory fails"
assert_eq "" "$(find "$O" -name '.dtscan-report-*' | head -n 1)" "-o failing at rename leaves no temporary file"
(cd "$O" && "$DTSCAN" scan --format json -o rel.json "$W/real" >/dev/null 2>&1) || true
assert_file_contains "$O/rel.json" '"findings"' "-o with a relative file name"
# A target that is not a regular file is written in place, never renamed over: as root, renaming over
# /dev/null would turn it into a file and break every later program that reads it.
mkfifo "$O/fifo"
(cat "$O/fifo" >"$O/from-fifo") &
reader=$!
run "$DTSCAN" scan --format json -o "$O/fifo" "$W/real"
wait "$reader"
assert_rc 1 "-o to a FIFO"
[ -p "$O/fifo" ] && pass || fail "-o to a FIFO leaves it a FIFO"
assert_file_contains "$O/from-fifo" '"findings"' "-o to a FIFO sends the report through it"
if [ -c /dev/null ]; then
  run "$DTSCAN" scan --format json -o /dev/null "$W/real"
  assert_rc 1 "-o /dev/null"
  [ -c /dev/null ] && pass || fail "-o /dev/null leaves /dev/null a character device"
  run "$DTSCAN" scan --format json --write-baseline /dev/null "$W/real"
  [ -c /dev/null ] && pass || fail "--write-baseline /dev/null leaves /dev/null a character device"
else
  skip "-o /dev/null: /dev/null is not a character device here"
fi
echo "OLD REPORT" >"$O/target.json"
ln -s target.json "$O/link.json"
run "$DTSCAN" scan --format json -o "$O/link.json" "$W/real"
[ -L "$O/link.json" ] && pass || fail "-o through a symbolic link keeps the link"
assert_file_contains "$O/target.json" '"findings"' "-o through a symbolic link writes the file it points to"

# --- text and jsonl shapes ----------------------------------------------------------------------------
run scan_in "$W" 
assert_rc 1 "text report"
nlines=$(wc -l <"$OUT" | tr -d ' ')
body=$((nlines - 1))
shape='^[^ ]+:[0-9]+:[0-9]+: (CRITICAL|HIGH|MEDIUM|LOW|INFO) [a-z0-9-]+ [^ ]+ \([a-z0-9-]+(, [a-z0-9-]+)*\)$'
assert_eq "$body" "$(head -n "$body" "$OUT" | grep -cE "$shape" || true)" "text: every finding line is 'path:line:column: SEVERITY rule_id token_id (reasons)'"
assert_eq 5 "$body" "text: one line per finding"
assert_match <(tail -n 1 "$OUT") '^dtscan: 5 findings' "text: ends with a summary line"
assert_empty "$ERR" "text: nothing on stderr"
assert_match "$OUT" '^real/a\.txt:1:3: HIGH dynatrace-token dt0c01\.[A-Z2-7]{24} \(well-formed\)$' "text: exact line for a plain token"

run scan_in "$W" --format jsonl
assert_match <(tail -n 1 "$OUT") '^\{"summary":' "jsonl: last line is the summary"
assert_eq 5 "$(head -n -1 "$OUT" | grep -c '^{"rule_id":' || true)" "jsonl: one line per finding"
assert_eq 6 "$(wc -l <"$OUT" | tr -d ' ')" "jsonl: findings + summary, nothing else"
run scan_in "$W" --format json
assert_eq 5 "$(grep -c '"rule_id"' "$OUT" || true)" "json: same findings as jsonl"

# --- an interrupted run (SIGTERM, SIGHUP): the old report stays, no temporary file is left; no core ------
# dtscan reads standard input from a FIFO that stays open, so it is certainly mid-run when signalled.
# (SIGINT is ignored in a script's background jobs, and dtscan leaves ignored signals ignored.)
I="$T/interrupt"
mkdir -p "$I"
for sig in TERM HUP; do
  printf 'OLD REPORT\n' >"$I/report.json"
  mkfifo "$I/in"
  "$DTSCAN" scan --format json -o "$I/report.json" - <"$I/in" >"$OUT" 2>"$ERR" &
  pid=$!
  exec 7>"$I/in" # the writer end: dtscan now blocks reading
  # The report is written to an unnamed file (O_TMPFILE) or a hidden temporary one: either way an open
  # descriptor into $I shows that dtscan is mid-run.
  open_in_dir() {
    local links
    links=$(for fd in /proc/"$pid"/fd/*; do readlink "$fd"; done 2>/dev/null || true)
    grep -qE "^$I/(#|\.dtscan-report-)" <<<"$links"
  }
  for _ in $(seq 50); do open_in_dir && break; sleep 0.1; done
  if open_in_dir; then pass; else fail "SIG$sig: dtscan has its report open while it runs"; fi
  if [ "$sig" = TERM ]; then
    assert_eq "0" "$(awk '/^Max core file size/ {print $5}' "/proc/$pid/limits")" "dtscan runs with core dumps disabled"
  fi
  kill -s "$sig" "$pid"
  rc=0
  wait "$pid" || rc=$?
  exec 7>&-
  rm -f "$I/in"
  assert_eq "$((128 + $(kill -l "$sig")))" "$rc" "SIG$sig ends dtscan with the signal's status"
  assert_eq "OLD REPORT" "$(cat "$I/report.json")" "SIG$sig: the old -o report is unchanged"
  assert_eq "0" "$(find "$I" -name '.dtscan-report-*' | wc -l | tr -d ' ')" "SIG$sig: no temporary report file is left"
done

finish
