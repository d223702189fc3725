#!/usr/bin/env bash
# Baselines (SPEC §6, git contract): --write-baseline records the findings, --baseline drops them again
# keyed by (fingerprint, rule_id, path) only, so inserted lines, rebases and squash merges keep them
# suppressed while a new leak still fails. For scan, staged and git; the file never holds a secret.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tokA=$(fake '@@dt0c01@@' bl-a)
tokB=$(fake '@@dt0c01@@' bl-b)
tokC=$(fake '@@dt0c01@@' bl-c)
tokD=$(fake '@@dt0c01@@' bl-d)
tokG=$(fake '@@dt0c01@@' bl-g)
tokN=$(fake '@@dt0c01@@' bl-n)
tidA=$(tid_of "$tokA")
tidC=$(tid_of "$tokC")
tidG=$(tid_of "$tokG")
tidN=$(tid_of "$tokN")

# no_secret_in FILE WHAT TOKEN...: FILE holds neither a whole token nor any secret part.
no_secret_in() {
  local file=$1 what=$2 t
  shift 2
  for t in "$@"; do
    assert_file_lacks "$file" "$(secret_of "$t")" "$what: no secret part"
    assert_file_lacks "$file" "$t" "$what: no token"
  done
}

# --- scan ----------------------------------------------------------------------------------------------
S="$T/scan"
mkdir -p "$S/cfg"
printf 'a=1\nDT_API_TOKEN=%s\n' "$tokA" >"$S/cfg/a.env"
printf 'DT_API_TOKEN=%s\n' "$tokB" >"$S/b.env"
printf 'DT_API_TOKEN=%s # dtscan:allow\n' "$tokD" >"$S/allowed.env"
run scan_in "$S" --format json --write-baseline "$T/scan-bl.json"
assert_rc 0 "--write-baseline: exit 0 (the findings are accepted)"
assert_eq 2 "$(findings_of "$OUT" dynatrace-token)" "--write-baseline: the normal report is still written"
assert_file_contains "$T/scan-bl.json" '"schema"' "baseline file has a schema member"
assert_match "$T/scan-bl.json" '"schema": *"dtscan/baseline/v1"' "baseline schema is dtscan/baseline/v1"
assert_eq 2 "$(count_of "$T/scan-bl.json" '"fingerprint"')" "baseline: one entry per finding (inline-allowed one left out)"
assert_match "$T/scan-bl.json" '"fingerprint": *"[0-9a-f]{64}"' "baseline: sha256 fingerprints"
assert_match "$T/scan-bl.json" '"path": *"cfg/a.env"' "baseline: root-relative paths"
assert_match "$T/scan-bl.json" '"rule_id": *"dynatrace-token"' "baseline: rule ids"
no_secret_in "$T/scan-bl.json" "scan baseline" "$tokA" "$tokB" "$tokD"
fpA=$({ sed -n '/"token_id": "'"$tidA"'"/,/"fingerprint"/p' "$OUT" | grep -oE '[0-9a-f]{64}' | head -n 1; } || true)
assert_file_contains "$T/scan-bl.json" "${fpA:-no-fingerprint}" "baseline holds the report's fingerprint"
# The same run with -o: the report goes to the file, the baseline to its own file.
run scan_in "$S" --format json -o "$T/scan-report.json" --write-baseline "$T/scan-bl2.json"
assert_rc 0 "--write-baseline with -o"
assert_eq 2 "$(findings_of "$T/scan-report.json" dynatrace-token)" "--write-baseline with -o: the report file has the findings"
if cmp -s "$T/scan-bl.json" "$T/scan-bl2.json"; then pass; else fail "--write-baseline is deterministic"; fi
mkdir -p "$T/twice"
printf 'DT_API_TOKEN=%s\nagain=%s\n' "$tokB" "$tokB" >"$T/twice/b.env"
run "$DTSCAN" scan --format json --write-baseline "$T/scan-bl3.json" "$T/twice"
assert_eq 2 "$(findings_of "$OUT" dynatrace-token)" "fixture: the same secret twice in one file gives two findings"
assert_eq 1 "$(count_of "$T/scan-bl3.json" '"fingerprint"')" "baseline entries are unique (same secret, rule and path twice)"

run scan_in "$S" --format json --baseline "$T/scan-bl.json"
assert_rc 0 "--baseline, nothing changed: exit 0"
assert_eq 0 "$(findings_of "$OUT" dynatrace-token)" "--baseline, nothing changed: no findings"
assert_eq 3 "$(json_num "$OUT" suppressed)" "--baseline: summary.suppressed counts 2 baselined + 1 inline"
run scan_in "$S" --baseline "$T/scan-bl.json"
assert_rc 0 "--baseline, text format"
assert_match "$OUT" "3 suppressed" "--baseline, text summary counts the suppressed findings"

# Inserting lines above a baselined finding does not resurrect it.
printf 'x\ny\nz\na=1\n\nDT_API_TOKEN=%s\n' "$tokA" >"$S/cfg/a.env"
run scan_in "$S" --format jsonl --baseline "$T/scan-bl.json"
assert_rc 0 "--baseline after inserting lines above the finding"
assert_eq 0 "$(nfindings "$OUT")" "inserted lines: still suppressed"
# A new token fails; a baselined token copied to a new path is a new finding (the path is in the key).
printf 'DT_API_TOKEN=%s\n' "$tokC" >"$S/c.env"
run scan_in "$S" --format jsonl --baseline "$T/scan-bl.json"
assert_rc 1 "--baseline: a new token fails"
assert_eq "c.env:1" "$(where "$OUT" "$tidC")" "--baseline: the new token is reported"
assert_eq 1 "$(nfindings "$OUT")" "--baseline: only the new token"
assert_eq 3 "$(json_num "$OUT" suppressed)" "--baseline with a new token: suppressed still 3"
rm "$S/c.env"
cp "$S/cfg/a.env" "$S/moved.env"
run scan_in "$S" --format jsonl --baseline "$T/scan-bl.json"
assert_rc 1 "--baseline: a baselined secret under a new path is new"
assert_eq "moved.env" "$(paths_of "$OUT")" "--baseline: keyed by path too"
rm "$S/moved.env"
# --write-baseline records all current findings, before --baseline filtering.
printf 'DT_API_TOKEN=%s\n' "$tokC" >"$S/c.env"
run scan_in "$S" --format json --baseline "$T/scan-bl.json" --write-baseline "$T/scan-bl-new.json"
assert_rc 0 "--baseline with --write-baseline: exit 0"
assert_eq 3 "$(count_of "$T/scan-bl-new.json" '"fingerprint"')" "--write-baseline with --baseline writes every current finding"
rm "$S/c.env"

# Bad baselines are fatal.
run scan_in "$S" --baseline "$T/no-such-baseline.json"
expect_fatal "--baseline naming a missing file"
printf '{"schema": "dtscan/baseline/v1", "findings": [' >"$T/broken-bl.json"
run scan_in "$S" --baseline "$T/broken-bl.json"
expect_fatal "--baseline: malformed JSON"
printf '{"schema": "dtscan/baseline/v1", "findings": [{"fingerprint": 7, "rule_id": "dynatrace-token", "path": "b.env"}]}\n' >"$T/wrongtype-bl.json"
run scan_in "$S" --baseline "$T/wrongtype-bl.json"
expect_fatal "--baseline: wrong type in an entry"
run scan_in "$S" --baseline "$T/scan"
expect_fatal "--baseline naming a directory"
run scan_in "$S" --write-baseline /nonexistent/dir/bl.json
expect_fatal "--write-baseline to an unwritable place"
run "$DTSCAN" scan "$S" --baseline
expect_fatal "--baseline without a value"

# --- staged --------------------------------------------------------------------------------------------
R="$T/staged"
mkrepo "$R"
printf 'readme\n' >"$R/README.md"
commit_all "$R" "init"
mkdir -p "$R/deploy"
printf 'k=v\nDT_API_TOKEN=%s\n' "$tokA" >"$R/deploy/app.env"
git -C "$R" add deploy/app.env
run_in "$R" "$DTSCAN" staged --format jsonl --write-baseline "$T/staged-bl.json"
assert_rc 0 "staged --write-baseline: exit 0"
assert_eq 1 "$(nfindings "$OUT")" "staged --write-baseline: report still written"
assert_match "$T/staged-bl.json" '"path": *"deploy/app.env"' "staged baseline: root-relative path"
no_secret_in "$T/staged-bl.json" "staged baseline" "$tokA"
run_in "$R/deploy" "$DTSCAN" staged --format json --baseline "$T/staged-bl.json"
assert_rc 0 "staged --baseline (from a subdirectory): exit 0"
assert_eq 0 "$(findings_of "$OUT" dynatrace-token)" "staged --baseline: no findings"
assert_eq 1 "$(json_num "$OUT" suppressed)" "staged --baseline: suppressed 1"
printf '# header\n# more\nk=v\nDT_API_TOKEN=%s\n' "$tokA" >"$R/deploy/app.env"
git -C "$R" add deploy/app.env
run_in "$R" "$DTSCAN" staged --format jsonl --baseline "$T/staged-bl.json"
assert_rc 0 "staged --baseline after inserting lines"
printf 'DT_API_TOKEN=%s\n' "$tokN" >"$R/deploy/new.env"
git -C "$R" add deploy/new.env
run_in "$R" "$DTSCAN" staged --format jsonl --baseline "$T/staged-bl.json"
assert_rc 1 "staged --baseline: a new token fails"
assert_eq "deploy/new.env:1" "$(where "$OUT" "$tidN")" "staged --baseline: only the new token"
assert_eq 1 "$(nfindings "$OUT")" "staged --baseline: one finding"
printf '{"schema": "dtscan/baseline/v1", "findings": [{' >"$T/broken-bl.json"
run_in "$R" "$DTSCAN" staged --baseline "$T/broken-bl.json"
expect_fatal "staged --baseline: malformed file"
run_in "$R" "$DTSCAN" staged --baseline "$T/no-such-baseline.json"
expect_fatal "staged --baseline: missing file"

# --- git: baseline survives a rebase and a squash merge ------------------------------------------------
G="$T/git"
mkrepo "$G"
mkdir -p "$G/conf"
seq 1 10 | sed 's/^/setting_/' >"$G/conf/app.env"
printf 'readme\n' >"$G/README.md"
commit_all "$G" "base"
git -C "$G" checkout -q -b feature
printf 'DT_API_TOKEN=%s\n' "$tokG" >>"$G/conf/app.env"
commit_all "$G" "feature: leak"
f_old=$(rev "$G" feature)
run "$DTSCAN" git --format jsonl --write-baseline "$T/git-bl.json" "$G"
assert_rc 0 "git --write-baseline: exit 0"
assert_eq "conf/app.env:11 $f_old" "$(where "$OUT" "$tidG") $(jf "$OUT" "$tidG" commit)" "git --write-baseline: report still written"
assert_match "$T/git-bl.json" '"path": *"conf/app.env"' "git baseline: path in the repository"
assert_file_lacks "$T/git-bl.json" "$f_old" "git baseline: no commit id in it"
no_secret_in "$T/git-bl.json" "git baseline" "$tokG"
run "$DTSCAN" git --format json --baseline "$T/git-bl.json" "$G"
assert_rc 0 "git --baseline, nothing changed: exit 0"
assert_eq 0 "$(findings_of "$OUT" dynatrace-token)" "git --baseline: no findings"
assert_eq 1 "$(json_num "$OUT" suppressed)" "git --baseline: suppressed 1"

# main inserts lines at the top of the file; the feature branch is rebased onto it.
git -C "$G" checkout -q main
{ printf 'top_1\ntop_2\ntop_3\n'; cat "$G/conf/app.env"; } >"$T/app.tmp" && mv "$T/app.tmp" "$G/conf/app.env"
commit_all "$G" "main: lines above"
git -C "$G" rebase -q main feature
f_new=$(rev "$G" feature)
if [ "$f_new" != "$f_old" ]; then pass; else fail "fixture: the rebase rewrote the feature commit"; fi
git -C "$G" reflog expire --expire=now --all
git_gc "$G"
run "$DTSCAN" git --format jsonl "$G"
assert_eq "conf/app.env:14 $f_new" "$(where "$OUT" "$tidG") $(jf "$OUT" "$tidG" commit)" "fixture: after the rebase the leak is at a new line in a new commit"
run "$DTSCAN" git --format jsonl --baseline "$T/git-bl.json" "$G"
assert_rc 0 "git --baseline after a rebase: exit 0"
assert_eq 0 "$(nfindings "$OUT")" "git --baseline after a rebase: still suppressed"

# main moves again, then the feature is squash-merged and its branch deleted.
git -C "$G" checkout -q main
{ printf 'more_1\nmore_2\n'; cat "$G/conf/app.env"; } >"$T/app.tmp" && mv "$T/app.tmp" "$G/conf/app.env"
commit_all "$G" "main: more lines above"
git -C "$G" merge -q --squash feature >/dev/null 2>&1
git -C "$G" commit -q -m "squash: feature"
sq=$(rev "$G" HEAD)
git -C "$G" branch -q -D feature
git -C "$G" reflog expire --expire=now --all
git_gc "$G"
run "$DTSCAN" git --format jsonl "$G"
assert_eq "conf/app.env:16 $sq" "$(where "$OUT" "$tidG") $(jf "$OUT" "$tidG" commit)" "fixture: after the squash merge the leak is in the squash commit"
run "$DTSCAN" git --format jsonl --baseline "$T/git-bl.json" "$G"
assert_rc 0 "git --baseline after a squash merge: exit 0"
assert_eq 0 "$(nfindings "$OUT")" "git --baseline after a squash merge: still suppressed"
# A new leak after the baseline is reported.
printf 'DT_API_TOKEN=%s\n' "$tokN" >"$G/new.env"
commit_all "$G" "main: new leak"
run "$DTSCAN" git --format jsonl --baseline "$T/git-bl.json" "$G"
assert_rc 1 "git --baseline: a new leak fails"
assert_eq "new.env:1" "$(where "$OUT" "$tidN")" "git --baseline: the new leak is reported"
assert_eq 1 "$(nfindings "$OUT")" "git --baseline: only the new leak"
run "$DTSCAN" git --format jsonl --range HEAD~1..HEAD --baseline "$T/git-bl.json" "$G"
assert_rc 1 "git --range with --baseline"
run "$DTSCAN" git --baseline "$T/broken-bl.json" "$G"
expect_fatal "git --baseline: malformed file"
run "$DTSCAN" git --baseline "$T/no-such-baseline.json" "$G"
expect_fatal "git --baseline: missing file"

# --- one baseline for all commands: written by `scan` of the work tree, used by staged and git ----------
Q="$T/shared"
mkrepo "$Q"
mkdir -p "$Q/etc"
printf 'DT_API_TOKEN=%s\n' "$tokB" >"$Q/etc/b.env"
commit_all "$Q" "known leak"
printf 'x\nDT_API_TOKEN=%s\n' "$tokB" >"$Q/etc/b.env"
git -C "$Q" add etc/b.env
run scan_in "$Q" --format json --write-baseline "$T/shared-bl.json"
assert_rc 0 "scan of a work tree --write-baseline"
run_in "$Q" "$DTSCAN" staged --format jsonl --baseline "$T/shared-bl.json"
assert_rc 0 "a baseline written by scan suppresses in staged"
run "$DTSCAN" git --format jsonl --baseline "$T/shared-bl.json" "$Q"
assert_rc 0 "a baseline written by scan suppresses in git"
assert_eq 0 "$(nfindings "$OUT")" "scan's baseline in git: no findings"
# Updating a baseline in place: --baseline and --write-baseline naming the same file.
cp "$T/shared-bl.json" "$T/inplace-bl.json"
printf 'DT_API_TOKEN=%s\n' "$tokC" >"$Q/etc/c.env"
run scan_in "$Q" --format jsonl --baseline "$T/inplace-bl.json" --write-baseline "$T/inplace-bl.json"
assert_rc 0 "--baseline F --write-baseline F: exit 0"
assert_eq "etc/c.env" "$(paths_of "$OUT")" "--baseline F --write-baseline F: the report shows only the new finding"
assert_eq 2 "$(count_of "$T/inplace-bl.json" '"fingerprint"')" "--baseline F --write-baseline F: F now holds both"
run scan_in "$Q" --format jsonl --baseline "$T/inplace-bl.json"
assert_rc 0 "the updated baseline suppresses both"
# A hand-reformatted (compact, reordered members) baseline file is still a baseline.
tr -d ' \n' <"$T/inplace-bl.json" >"$T/compact-bl.json"
run scan_in "$Q" --format jsonl --baseline "$T/compact-bl.json"
assert_rc 0 "a compact baseline file is accepted"
assert_eq 2 "$(json_num "$OUT" suppressed)" "a compact baseline file suppresses both"

finish
