#!/usr/bin/env bash
# audit --state FILE (issue 8, resumable and incremental audits): an audit killed with SIGKILL part way
# and run again with the same state ends with the findings of an uninterrupted audit, without scanning
# the repositories it had finished again; after new commits a later audit scans only their blobs, marks
# findings "new" or "known", decides in_head afresh, and still equals a full audit. A baseline changed
# between audits applies to the recorded findings too, and a commit force-pushed away takes its recorded
# finding with it. A file that is not a state, a state of other
# roots or other scan settings, and --show-secrets are refused.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=git_lib.sh
source "$E2E_DIR/git_lib.sh"

# A template repository whose history has some weight (5 versions of a 1.5 MB text file), copied 40
# times, each copy with a token of its own: an audit with -j1 takes long enough to be killed part way.
TPL="$T/template"
mkrepo "$TPL"
for i in 1 2 3 4 5; do
  head -c 1100000 /dev/urandom | base64 -w 76 >"$TPL/data.txt"
  commit_all "$TPL" "data $i"
done
A="$T/org"
mkdir -p "$A"
for i in $(seq -w 1 40); do
  cp -r "$TPL" "$A/repo-$i"
  printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' "state-$i")" >"$A/repo-$i/deploy.env"
  commit_all "$A/repo-$i" "deploy"
done
# One repository whose token only stays in the work tree (a work-tree finding, rescanned every time).
printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' state-untracked)" >"$A/repo-01/notes.txt"

# findings FILE: the json report's findings without "state", one JSON object per line, sorted.
findings() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in sorted(d["findings"], key=lambda f: json.dumps(f, sort_keys=True)):
    f.pop("state", None)
    print(json.dumps(f, sort_keys=True))' "$1"; }
# rows FILE: "repository commits blobs" per table row.
rows() { python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["summary"]["repositories"]:
    print(r["repository"], r["commits"], r["blobs"], r["error"])' "$1" | sort; }
recorded() { python3 -c '
import sqlite3, sys
try:
    print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5).execute("SELECT COUNT(*) FROM repositories").fetchone()[0])
except sqlite3.Error:
    print(0)' "$1"; }

run_in "$T" "$DTSCAN" audit --format json --fail-on never -o "$T/full.json" org
assert_rc 0 "the full audit without a state"
findings "$T/full.json" >"$T/full.findings"
assert_eq 41 "$(wc -l <"$T/full.findings" | tr -d ' ')" "fixture: 41 findings"

# --- kill -9 part way, then resume ------------------------------------------------------------------------
S="$T/audit.db"
(cd "$T" && exec "$DTSCAN" audit -j 1 --state "$S" --format json --fail-on never -o "$T/killed.json" org) &
pid=$!
done_before=0
for _ in $(seq 1 3000); do
  done_before=$(recorded "$S")
  [ "$done_before" -ge 3 ] && break
  sleep 0.01
done
kill -STOP "$pid" 2>/dev/null || true
done_before=$(recorded "$S")
kill -KILL "$pid" 2>/dev/null || true
echo "test_audit_state: killed after $done_before of 40 repositories were recorded" >&2
wait "$pid" 2>/dev/null || true
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 40 ] && pass ||
  fail "the audit was killed part way (recorded repositories: $done_before of 40)"
[ ! -e "$T/killed.json" ] && pass || fail "the killed audit wrote no report"

run_in "$T" "$DTSCAN" audit -j 2 --state "$S" --format json --fail-on never -o "$T/resumed.json" org
assert_rc 0 "the resumed audit" "$(head -c 300 "$ERR")"
findings "$T/resumed.json" >"$T/resumed.findings"
if cmp -s "$T/full.findings" "$T/resumed.findings"; then pass; else
  fail "the resumed audit has the uninterrupted audit's findings" "$(diff "$T/full.findings" "$T/resumed.findings" | head -n 6)"
fi
skipped=$(rows "$T/resumed.json" | awk '$2 == 0 && $3 == 0' | wc -l | tr -d ' ')
[ "$skipped" -ge "$done_before" ] && pass ||
  fail "the repositories finished before the kill are not scanned again ($skipped rows with no blobs, $done_before finished)"
assert_eq 40 "$(recorded "$S")" "every repository is recorded after the resumed audit"

# --- nothing changed: nothing to scan, everything known ----------------------------------------------------
run_in "$T" "$DTSCAN" audit --state "$S" --format json --fail-on never -o "$T/again.json" org
assert_eq 0 "$(rows "$T/again.json" | awk '{ b += $3 } END { print b + 0 }')" "unchanged repositories: no blob scanned"
assert_eq 41 "$(grep -c '"state": "known"' "$T/again.json")" "unchanged repositories: every finding is known"
assert_file_lacks "$T/again.json" '"state": "new"' "unchanged repositories: no finding is new"

# --- new commits: only their blobs are scanned ----------------------------------------------------------
new_tok=$(fake '@@dt0c01@@' state-new)
printf 'DT_API_TOKEN=%s\n' "$new_tok" >"$A/repo-07/new.env"
commit_all "$A/repo-07" "a new token"
printf 'harmless\n' >"$A/repo-08/CHANGES"
commit_all "$A/repo-08" "a harmless file"
git -C "$A/repo-09" rm -q deploy.env
commit_all "$A/repo-09" "remove the token"
run_in "$T" "$DTSCAN" audit --state "$S" --format json --fail-on never -o "$T/incr.json" org
assert_rc 0 "the incremental audit"
rows "$T/incr.json" >"$T/incr.rows"
assert_eq "repo-07 1 1 None" "$(grep '^repo-07 ' "$T/incr.rows")" "a new commit with a new file: 1 commit, 1 blob"
assert_eq "repo-08 1 1 None" "$(grep '^repo-08 ' "$T/incr.rows")" "a harmless new commit: 1 commit, 1 blob"
assert_eq "repo-09 1 0 None" "$(grep '^repo-09 ' "$T/incr.rows")" "a commit that only deletes: 1 commit, no blob"
assert_eq 0 "$(grep -v '^repo-0[789] ' "$T/incr.rows" | awk '{ c += $2; b += $3 } END { print c + b }')" \
  "the other repositories: nothing scanned"
assert_eq 1 "$(grep -c '"state": "new"' "$T/incr.json")" "exactly one finding is new"
python3 -c '
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["findings"] if f["state"] == "new"][0]
assert (f["repository"], f["path"], f["in_head"]) == ("repo-07", "new.env", True), f' "$T/incr.json" && pass ||
  fail "the new finding is repo-07's new.env, in HEAD"
python3 -c '
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["findings"] if f["repository"] == "repo-09"][0]
assert (f["state"], f["in_head"]) == ("known", False), f' "$T/incr.json" && pass ||
  fail "a known token removed from HEAD is known and no longer in_head"
run_in "$T" "$DTSCAN" audit --format json --fail-on never -o "$T/full2.json" org
findings "$T/full2.json" >"$T/full2.findings"
findings "$T/incr.json" >"$T/incr.findings"
if cmp -s "$T/full2.findings" "$T/incr.findings"; then pass; else
  fail "the incremental audit has a full audit's findings" "$(diff "$T/full2.findings" "$T/incr.findings" | head -n 6)"
fi

run_in "$T" "$DTSCAN" audit --state "$S" --format jsonl --fail-on never -o "$T/state.jsonl" org
if "$SOURCE_DIR/tests/tools/validate-report.sh" --jsonl "$T/state.jsonl" >"$T/v.txt" 2>&1; then pass; else
  fail "jsonl with \"state\" is valid against the schema" "$(head -c 600 "$T/v.txt")"
fi

# --- baselines: each audit applies its own to every finding, recorded or new ---------------------------------
# The state records findings before any baseline, so a baseline edited between audits (--baseline, or a
# repository's own .dtscan.json) hides or brings back findings recorded earlier, and each audit with a
# state reports what the same audit without a state would.
B="$T/based"
for n in 1 2; do
  mkrepo "$B/b-$n"
  printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' "based-$n")" >"$B/b-$n/deploy.env"
  commit_all "$B/b-$n" "deploy"
done
run_in "$T" "$DTSCAN" git --write-baseline "$T/b1.json" "$B/b-1"
SB="$T/based.db"
# same_as_stateless NAME ARGS...: audit ARGS with the state and without; the findings must agree.
same_as_stateless() {
  local name=$1
  shift
  run_in "$T" "$DTSCAN" audit --state "$SB" --format json --fail-on never -o "$T/$name.json" "$@" based
  assert_rc 0 "$name: the audit with a state" "$(head -c 300 "$ERR")"
  run_in "$T" "$DTSCAN" audit --format json --fail-on never -o "$T/$name-full.json" "$@" based
  findings "$T/$name.json" >"$T/$name.findings"
  findings "$T/$name-full.json" >"$T/$name-full.findings"
  if cmp -s "$T/$name.findings" "$T/$name-full.findings"; then pass; else
    fail "$name: the audit with a state has the stateless audit's findings" \
      "$(diff "$T/$name-full.findings" "$T/$name.findings" | head -n 6)"
  fi
}
# repos NAME: the repositories with findings in NAME's report.
repos() { python3 -c 'import json, sys
print(" ".join(sorted({f["repository"] for f in json.load(open(sys.argv[1]))["findings"]})))' "$T/$1.json"; }
suppressed() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["suppressed"])' "$T/$1.json"; }

same_as_stateless first --baseline "$T/b1.json"
assert_eq "b-2" "$(repos first)" "--baseline at the first audit: b-1's token is suppressed"
same_as_stateless unbaselined
assert_eq "b-1 b-2" "$(repos unbaselined)" "--baseline dropped: the token it had suppressed is reported again"
assert_eq 0 "$(rows "$T/unbaselined.json" | awk '{ b += $3 } END { print b + 0 }')" \
  "--baseline dropped: nothing is scanned again (the finding came from the state)"
same_as_stateless rebaselined --baseline "$T/b1.json"
assert_eq "b-2" "$(repos rebaselined)" "--baseline given again: the recorded finding is suppressed"
assert_eq 1 "$(suppressed rebaselined)" "--baseline given again: the recorded finding counts as suppressed"
run_in "$T" "$DTSCAN" git --write-baseline "$B/b-2/.dtscan-baseline.json" "$B/b-2"
printf '{"baseline": ".dtscan-baseline.json"}\n' >"$B/b-2/.dtscan.json"
same_as_stateless own
assert_eq "b-1" "$(repos own)" "a repository's own baseline added later: its recorded finding is suppressed"
rm "$B/b-2/.dtscan.json"
same_as_stateless own-removed
assert_eq "b-1 b-2" "$(repos own-removed)" "a repository's own baseline removed: its finding is reported again"
printf '{"exclude": ["deploy.env"]}\n' >"$B/b-1/.dtscan.json"
same_as_stateless own-exclude
assert_eq "b-2" "$(repos own-exclude)" "a repository's own exclude added later: its recorded finding is left out"
rm "$B/b-1/.dtscan.json"
# A commit that a force-push takes away: a full audit no longer sees its token, nor does the next audit.
printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' based-gone)" >"$B/b-2/gone.env"
commit_all "$B/b-2" "a token pushed by mistake"
same_as_stateless pushed
assert_eq 1 "$(grep -c '"path": "gone.env"' "$T/pushed.json")" "a token pushed by mistake is found"
git -C "$B/b-2" reset -q --hard HEAD~1
same_as_stateless force-pushed
assert_eq 0 "$(grep -c '"path": "gone.env"' "$T/force-pushed.json")" \
  "after a force-push that removed its commit: the recorded finding is left out"
git -C "$B/b-2" branch -q restored 'HEAD@{1}'
same_as_stateless restored
assert_eq 1 "$(grep -c '"path": "gone.env"' "$T/restored.json")" "the commit on a branch again: the finding is back"

# --- refusals ------------------------------------------------------------------------------------------------
printf 'not a database\n' >"$T/bad.db"
run_in "$T" "$DTSCAN" audit --state "$T/bad.db" org
assert_rc 2 "a file that is not a state: exit 2"
assert_eq 1 "$(wc -l <"$ERR" | tr -d ' ')" "a file that is not a state: one error line" "$(cat "$ERR")"
assert_match "$ERR" "^dtscan: error: --state '.*bad.db'" "a file that is not a state: names the file"
assert_eq "not a database" "$(cat "$T/bad.db")" "a file that is not a state is left alone"
mkdir -p "$T/elsewhere"
run_in "$T" "$DTSCAN" audit --state "$S" elsewhere
assert_rc 2 "a state of other roots: exit 2"
assert_match "$ERR" "other roots" "a state of other roots: says so"
# Other settings: recorded blobs are not scanned again, so findings made with other options would be
# mixed with the recorded ones; the state names the setting and is left as it was.
settings_row() { python3 -c 'import sqlite3, sys
print("".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key = ?", ("settings",))))' "$S"; }
recorded=$(settings_row)
run_in "$T" "$DTSCAN" audit --state "$S" --exclude '*.env' org
assert_rc 2 "a state of other settings (--exclude): exit 2"
assert_file_contains "$ERR" "records an audit with other settings (--exclude differs)" "--exclude: names the setting"
run_in "$T" "$DTSCAN" audit --state "$S" --no-decode org
assert_file_contains "$ERR" "(--no-decode differs)" "--no-decode: names the setting"
run_in "$T" "$DTSCAN" audit --state "$S" --no-repo-config org
assert_file_contains "$ERR" "(--no-repo-config differs)" "--no-repo-config: names the setting"
printf '{"rules": []}\n' >"$T/empty-rules.json"
run_in "$T" "$DTSCAN" audit --state "$S" --rules "$T/empty-rules.json" org
assert_rc 2 "a state of other rules: exit 2"
assert_file_contains "$ERR" "(the rules (--rules, or the built-in ones) differs)" "--rules: names the setting"
assert_eq "$recorded" "$(settings_row)" "a refused audit leaves the recorded settings as they were"
# A state recorded before settings were kept takes this audit's settings, and keeps them.
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM meta WHERE key = ?", ("settings",)); db.commit()' "$S"
run_in "$T" "$DTSCAN" audit --state "$S" --fail-on never org
assert_rc 0 "a state without recorded settings is accepted"
assert_eq "$recorded" "$(settings_row)" "a state without recorded settings gets this audit's"
run_in "$T" "$DTSCAN" audit --state "$S" --show-secrets org
assert_rc 2 "--state with --show-secrets: exit 2"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
text = "\n".join(r[0] for r in db.execute("SELECT finding FROM findings"))
print(text)' "$S" >"$T/stored.txt"
assert_file_lacks "$T/stored.txt" "$(secret_of "$new_tok")" "the state holds no secret"

finish
