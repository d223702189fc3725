#!/usr/bin/env bash
# dtscan audit over 20 small repositories built with git under nested folders (SPEC §6): one bare, one
# with a token only in history, one with a token only in an untracked (and one in an ignored) file, one
# corrupt, one nested in another's work tree, one reached through a symbolic link; checks findings,
# repository, commit, in_head, the per-repository table, exit codes, jsonl against the schema, and that
# Ctrl-C during an audit leaves a complete report that says it was interrupted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.invalid GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.invalid

A="$T/org"
# repo NAME: a new repository at $A/NAME with one clean commit.
repo() { readme_repo "$A/$1"; }
for i in $(seq -w 1 14); do repo "team-$((10#$i % 3))/svc-$i"; done
tok_head=$(fake '@@dt0c01@@' audit-head)
tok_hist=$(fake '@@dt0c01@@' audit-history)
tok_untracked=$(fake '@@dt0c01@@' audit-untracked)
tok_ignored=$(fake '@@dt0c01@@' audit-ignored)
tok_nested=$(fake '@@dt0c01@@' audit-nested)
tid() { printf '%s' "$1" | cut -d. -f1,2; }

# A token still in HEAD (with an environment URL: critical).
repo live
printf 'url=https://abc12345.live.dynatrace.com\nDT_API_TOKEN=%s\n' "$tok_head" >"$A/live/deploy.env"
commit_all "$A/live" "add deploy.env"
live_commit=$(git -C "$A/live" rev-parse HEAD)
# A token only in history: added, then removed.
repo deep/history-only
printf 'DT_API_TOKEN=%s\n' "$tok_hist" >"$A/deep/history-only/old.env"
commit_all "$A/deep/history-only" "oops"
hist_commit=$(git -C "$A/deep/history-only" rev-parse HEAD)
git -C "$A/deep/history-only" rm -q old.env
commit_all "$A/deep/history-only" "remove the token"
# Tokens only in the work tree: an untracked file and an ignored one.
repo worktree
printf '.env\n' >"$A/worktree/.gitignore"
commit_all "$A/worktree" "ignore .env"
printf 'DT_API_TOKEN=%s\n' "$tok_untracked" >"$A/worktree/notes.txt"
printf 'DT_API_TOKEN=%s\n' "$tok_ignored" >"$A/worktree/.env"
# A bare clone of `live`.
git clone -q --bare "$A/live" "$A/mirrors/live.git"
# A repository nested in another's work tree (as a submodule checkout or a vendored clone is).
mkdir -p "$A/live/vendor"
repo live/vendor/lib
printf 'DT_API_TOKEN=%s\n' "$tok_nested" >"$A/live/vendor/lib/k.env"
commit_all "$A/live/vendor/lib" "vendored"
# A corrupt repository: its HEAD commit object truncated.
repo broken
bad=$(git -C "$A/broken" rev-parse HEAD)
obj="$A/broken/.git/objects/${bad:0:2}/${bad:2}"
chmod u+w "$obj"
head -c 10 "$obj" >"$obj.tmp" && mv "$obj.tmp" "$obj"
# A symbolic link to a repository: not followed, the repository is audited once.
ln -s "$A/live" "$A/link-to-live"
count=$(find "$A" -name HEAD -path '*/.git/HEAD' | wc -l | tr -d ' ')
assert_eq 19 "$count" "fixture: 19 working trees (+ 1 bare = 20 repositories)"

run_in "$T" "$DTSCAN" audit --format jsonl -o "$T/audit.jsonl" org
assert_rc 1 "audit: findings at or above high: exit 1"
if "$ROOT/tests/tools/validate-report.sh" --jsonl "$T/audit.jsonl" >"$T/v.txt" 2>&1; then pass; else fail "audit jsonl: every line valid against the schema" "$(head -c 600 "$T/v.txt")"; fi
J="$T/audit.jsonl"
# row NAME FIELD: a field of a repository's row in the summary line.
row() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  const s = JSON.parse(lines[lines.length - 1]).summary;
  const r = s.repositories.find((x) => x.repository === process.argv[2]);
  const v = r === undefined ? "missing" : process.argv[3].split(".").reduce((o, k) => o[k], r);
  console.log(v === null ? "null" : v);' "$J" "$1" "$2"; }
# finding TOKEN_ID FIELD...: the fields of the findings of a token, one line per finding, sorted.
finding() { node -e '
  const [file, tid, ...fields] = process.argv.slice(1);
  const out = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    .filter((f) => f.token_id === tid).map((f) => fields.map((k) => String(f[k])).join(" ")).sort();
  console.log(out.join("\n"));' "$J" "$(tid "$1")" "${@:2}"; }

assert_eq 20 "$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");console.log(JSON.parse(l[l.length-1]).summary.repositories.length)' "$J")" \
  "20 repositories in the table (the nested one included, the link not followed, none twice)"
assert_eq "live deploy.env $live_commit true critical
mirrors/live.git deploy.env $live_commit true critical" "$(finding "$tok_head" repository path commit in_head severity)" \
  "a token in HEAD: in the working tree and in its bare mirror, in_head true, critical"
assert_eq "deep/history-only old.env $hist_commit false" "$(finding "$tok_hist" repository path commit in_head)" \
  "a token only in history: its commit, in_head false"
assert_eq "worktree notes.txt null false" "$(finding "$tok_untracked" repository path commit in_head)" \
  "a token in an untracked file: no commit, not in HEAD"
assert_eq "worktree .env null" "$(finding "$tok_ignored" repository path commit)" "a token in an ignored file is found"
assert_eq "live/vendor/lib k.env" "$(finding "$tok_nested" repository path)" "a nested repository is its own repository"
assert_eq "" "$(finding "$tok_nested" repository | grep -vx 'live/vendor/lib' || true)" "the nested repository's file is not also a finding of the outer one"
assert_eq 3 "$(row deep/history-only commits)" "row: commits of the history-only repository"
assert_eq 2 "$(row worktree worktree_files)" "row: the untracked and the ignored file"
assert_eq critical "$(row live worst)" "row: worst severity"
assert_eq 1 "$(row live by_severity.critical)" "row: findings by severity"
if [ "$(row broken error)" != null ] && [ "$(row broken error)" != missing ]; then pass; else fail "the corrupt repository's row has an error" "$(row broken error)"; fi
assert_eq null "$(row team-1/svc-01 error)" "a clean repository's row has no error"
assert_eq false "$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");console.log(JSON.parse(l[l.length-1]).summary.interrupted)' "$J")" "not interrupted"

# Text: findings prefixed by their repository, then the table, worst first, then the summary line.
run_in "$T" "$DTSCAN" audit --no-color org
assert_rc 1 "text audit: exit 1"
assert_match "$OUT" "^live: deploy\\.env:2:[0-9]+: CRITICAL dynatrace-token $(tid "$tok_head") " "text: repository: path:line:column"
order=$(awk '/^repository +commits/ { t = 1; next } t && NF { print $1 }' "$OUT" | head -n 4 | tr '\n' ' ')
case "$order" in "live mirrors/live.git "* | "mirrors/live.git live "*) pass ;; *) fail "the table starts with the critical repositories" "$order" ;; esac
assert_match "$OUT" '^broken +[0-9]+ .*[a-z]' "the table shows the corrupt repository with its error"
assert_match "$OUT" '^dtscan: 6 findings \(2 critical, 4 high' "the summary line counts every finding"

# json validates; sarif validates; --fail-on never; --respect-gitignore; --max-depth; a missing root.
run_in "$T" "$DTSCAN" audit --format json -o "$T/audit.json" org
if "$ROOT/tests/tools/validate-report.sh" "$T/audit.json" >"$T/v.txt" 2>&1; then pass; else fail "audit json validates" "$(head -c 600 "$T/v.txt")"; fi
run_in "$T" "$DTSCAN" audit --format sarif -o "$T/audit.sarif" org
if "$ROOT/tests/tools/validate-sarif.sh" "$T/audit.sarif" >"$T/v.txt" 2>&1; then pass; else fail "audit sarif validates" "$(head -c 600 "$T/v.txt")"; fi
assert_file_contains "$T/audit.sarif" '"uri": "live/deploy.env"' "sarif: the repository is part of the URI below the root"
run_in "$T" "$DTSCAN" audit --format jsonl --fail-on never org
assert_rc 0 "--fail-on never: exit 0"
run_in "$T" "$DTSCAN" audit --format jsonl --respect-gitignore org/worktree
assert_eq "" "$(J=$OUT; finding "$tok_ignored" path)" "--respect-gitignore: the ignored file is not scanned"
run_in "$T" "$DTSCAN" audit --format jsonl --max-depth 1 org
J=$OUT
assert_eq "broken live worktree" "$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");console.log(JSON.parse(l[l.length-1]).summary.repositories.map(r=>r.repository).sort().join(" "))' "$J")" \
  "--max-depth 1: only repositories directly under the root"
run_in "$T" "$DTSCAN" audit --format jsonl org/no-such-dir org/worktree
assert_rc 1 "a missing root: the audit goes on"
assert_file_contains "$ERR" "cannot read 'org/no-such-dir'" "a missing root: one warning"

# The corrupt repository alone: `dtscan git` says so in one line and exits 2 (libgit2 1.5 would loop
# forever inflating the truncated object).
RC=0
timeout -k 5 60 "$DTSCAN" git "$A/broken" >"$OUT" 2>"$ERR" || RC=$?
assert_eq 2 "$RC" "dtscan git on a truncated loose object: exit 2, no hang"
assert_match "$ERR" "^dtscan: error: corrupt git repository .*loose object $bad: truncated" "dtscan git: the corrupt object named"
assert_eq 1 "$(wc -l <"$ERR" | tr -d ' ')" "dtscan git on a corrupt repository: one line"

# Ctrl-C: 30 repositories with 20 findings each; the audit is blocked on a full pipe, SIGINT arrives,
# then the pipe is drained: every line is whole, the summary says interrupted, exit status 130.
I="$T/many"
for i in $(seq -w 1 30); do
  mkdir -p "$I/r$i"
  mkrepo "$I/r$i"
  for k in $(seq 1 20); do printf 'k%s=@@dt0c01@@\n' "$k"; done | fake_file "$I/r$i/keys.env" "many-$i"
  commit_all "$I/r$i" "keys"
done
mkfifo "$T/pipe"
set -m
"$DTSCAN" audit --format jsonl -j 1 "$I" >"$T/pipe" 2>"$T/int.err" &
pid=$!
set +m
exec 3<"$T/pipe"
sleep 1
kill -INT "$pid"
cat <&3 >"$T/int.jsonl"
exec 3<&-
RC=0
wait "$pid" || RC=$?
assert_eq 130 "$RC" "SIGINT: exit status 130"
J="$T/int.jsonl"
if "$ROOT/tests/tools/validate-report.sh" --jsonl "$J" >"$T/v.txt" 2>&1; then pass; else fail "SIGINT: every jsonl line whole and valid, the summary last" "$(head -c 600 "$T/v.txt")"; fi
summary=$(tail -n 1 "$J")
case "$summary" in *'"interrupted":true'*) pass ;; *) fail "SIGINT: the summary line says interrupted" "$summary" ;; esac
done_repos=$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");console.log(JSON.parse(l[l.length-1]).summary.repositories.length)' "$J")
if [ "$done_repos" -ge 1 ] && [ "$done_repos" -lt 30 ]; then pass; else fail "SIGINT: stopped part-way" "$done_repos repositories"; fi
assert_eq "$((done_repos * 20))" "$(($(wc -l <"$J") - 1))" "SIGINT: the findings of exactly the finished repositories"
assert_file_contains "$T/int.err" "interrupted" "SIGINT: says so on stderr"

finish
