#!/usr/bin/env bash
# audit --shard K/N and dtscan merge (issue 8, "past one machine"): 3 shards of an audit of 16
# repositories run through GNU parallel, merged, must equal the single-machine report in json, text,
# jsonl and sarif (and the SARIF validates); each repository is in exactly one shard; merge refuses
# a missing, repeated or cut-short shard, a mix of sharded and unsharded reports and a malformed line,
# with one error line and no report written; an interrupted shard makes the merge say so (130).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=git_lib.sh
source "$E2E_DIR/git_lib.sh"

if ! command -v parallel >/dev/null 2>&1; then
  echo "e2e: GNU parallel is not installed (scripts/install-deps.sh test)" >&2
  exit 2
fi

A="$T/org"
# repo NAME [TOKEN_SEED]: a repository at $A/NAME with a README commit, and a token file if a seed is given.
repo() {
  readme_repo "$A/$1"
  if [ $# -gt 1 ]; then
    printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' "$2")" >"$A/$1/deploy.env"
    commit_all "$A/$1" "add deploy.env"
  fi
}
for i in 01 02 03 04 05 06 07 08 09 10 11; do
  if [ $((10#$i % 2)) -eq 0 ]; then repo "team-$((10#$i % 3))/svc-$i" "shard-$i"; else repo "team-$((10#$i % 3))/svc-$i"; fi
done
repo deep/history-only shard-hist
git -C "$A/deep/history-only" rm -q deploy.env
commit_all "$A/deep/history-only" "remove the token"
repo worktree
printf 'DT_API_TOKEN=%s\n' "$(fake '@@dt0c01@@' shard-untracked)" >"$A/worktree/notes.txt"
repo live shard-live
git clone -q --bare "$A/live" "$A/mirrors/live.git"
repo broken
bad=$(git -C "$A/broken" rev-parse HEAD)
obj="$A/broken/.git/objects/${bad:0:2}/${bad:2}"
chmod u+w "$obj"
head -c 10 "$obj" >"$obj.tmp" && mv "$obj.tmp" "$obj"

# The single-machine reports.
for fmt in json text jsonl sarif; do
  (cd "$T" && "$DTSCAN" audit --format "$fmt" --fail-on never -o "$T/single.$fmt" org) 2>"$T/single.$fmt.err"
done
total=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["summary"]["repositories"]))' "$T/single.json")
assert_eq 16 "$total" "fixture: 16 repositories"

# --- three shards through GNU parallel, then merge -------------------------------------------------------
(cd "$T" && parallel --will-cite --halt now,fail=1 -j 3 \
  "$DTSCAN" audit --shard {}/3 --format jsonl --fail-on never -o "$T/shard-{}.jsonl" org ::: 1 2 3) 2>"$T/parallel.err" &&
  pass || fail "3 shards through GNU parallel" "$(head -c 400 "$T/parallel.err")"
python3 - "$T" >"$T/shards.txt" <<'EOF'
import json, sys
t = sys.argv[1]
names = []
for k in (1, 2, 3):
    lines = open(f"{t}/shard-{k}.jsonl").read().splitlines()
    s = json.loads(lines[-1])["summary"]
    assert s["shard"] == {"index": k, "count": 3}, s.get("shard")
    names.append(sorted(r["repository"] for r in s["repositories"]))
every = sorted(n for part in names for n in part)
print(len(every), len(set(every)), sum(1 for part in names if part))
EOF
read -r shard_rows shard_distinct shard_nonempty <"$T/shards.txt"
if "$SOURCE_DIR/tests/tools/validate-report.sh" --jsonl "$T/shard-1.jsonl" >"$T/v.txt" 2>&1; then pass; else
  fail "a shard's jsonl (with its shard object) is valid against the schema" "$(head -c 600 "$T/v.txt")"
fi
assert_eq "16 16" "$shard_rows $shard_distinct" "each repository is in exactly one shard"
[ "$shard_nonempty" -ge 2 ] && pass || fail "the repositories are spread over the shards ($shard_nonempty non-empty)"

for fmt in json text jsonl sarif; do
  # SARIF: the reports do not name the audited root; --sarif-root does (audit knew it as its ROOT).
  sarif_root=(); [ "$fmt" != sarif ] || sarif_root=(--sarif-root org)
  run_in "$T" "$DTSCAN" merge --format "$fmt" "${sarif_root[@]}" --fail-on never -o "$T/merged.$fmt" \
    shard-1.jsonl shard-2.jsonl shard-3.jsonl
  assert_rc 0 "merge --format $fmt"
  if [ "$fmt" = jsonl ]; then # audit streams each repository's findings when it is done: compare as sets
    sort "$T/single.jsonl" >"$T/single.sorted" && sort "$T/merged.jsonl" >"$T/merged.sorted"
    cmp -s "$T/single.sorted" "$T/merged.sorted" && pass || fail "merged jsonl has the single-machine jsonl's lines"
    [ "$(tail -n 1 "$T/merged.jsonl" | cut -c1-11)" = '{"summary":' ] && pass || fail "merged jsonl ends with the summary"
  elif cmp -s "$T/single.$fmt" "$T/merged.$fmt"; then pass; else
    fail "merged $fmt equals the single-machine $fmt" "$(diff "$T/single.$fmt" "$T/merged.$fmt" | head -n 8)"
  fi
done
assert_file_lacks "$T/merged.json" '"shard"' "the merged report has no shard"
run "$VALIDATE_SARIF" "$T/merged.sarif"
assert_rc 0 "merged SARIF validates" "$(head -n 5 "$OUT" "$ERR")"
run_in "$T" "$DTSCAN" merge shard-3.jsonl shard-1.jsonl shard-2.jsonl
assert_rc 1 "merge: exit 1 on findings at or above high, whatever the input order"
assert_file_contains "$OUT" "broken" "merge text: the corrupt repository's row"
run_in "$T" sh -c "cat shard-2.jsonl | '$DTSCAN' merge --format json -o '$T/stdin.json' --fail-on never shard-1.jsonl - shard-3.jsonl"
cmp -s "$T/single.json" "$T/stdin.json" && pass || fail "merge reads one report from standard input (-)"

# --- refusals: one error line, exit 2, nothing written ------------------------------------------------
# refused WHAT PATTERN ARGS...: merge ARGS -o $T/refused.json exits 2 with one error line matching PATTERN.
refused() {
  local what=$1 pattern=$2
  shift 2
  rm -f "$T/refused.json"
  run_in "$T" "$DTSCAN" merge --format json -o "$T/refused.json" "$@"
  assert_rc 2 "$what: exit 2"
  assert_eq 1 "$(wc -l <"$ERR" | tr -d ' ')" "$what: one line on stderr" "$(head -c 300 "$ERR")"
  assert_match "$ERR" "^dtscan: error: .*$pattern" "$what: says why"
  [ ! -e "$T/refused.json" ] && pass || fail "$what: no report written"
}
refused "a missing shard" "shard 2/3 missing" shard-1.jsonl shard-3.jsonl
refused "a shard twice" "shard 1/3 is given twice" shard-1.jsonl shard-1.jsonl shard-2.jsonl shard-3.jsonl
refused "shards and an unsharded report" "not a shard" shard-1.jsonl shard-2.jsonl shard-3.jsonl single.jsonl
refused "the same repositories twice" "more than one report" single.jsonl single.jsonl
(cd "$T/org/live" && "$DTSCAN" git --format jsonl --fail-on never -o "$T/git.jsonl")
refused "an audit report and a git report" "is not an audit report, 'single.jsonl' is" single.jsonl git.jsonl
head -n 1 "$T/shard-1.jsonl" >"$T/killed.jsonl"
refused "a shard without its summary line" "no summary line" killed.jsonl shard-2.jsonl shard-3.jsonl
size=$(wc -c <"$T/shard-1.jsonl")
head -c $((size - 30)) "$T/shard-1.jsonl" >"$T/cut.jsonl"
refused "a shard cut inside its last line" "line [0-9]+: not JSON" cut.jsonl shard-2.jsonl shard-3.jsonl
printf '{"rule_id": 5}\n' >"$T/odd.jsonl"
refused "a line that is not a dtscan finding" "line 1: not a dtscan jsonl line" odd.jsonl
refused "a report that does not exist" "cannot read report" nope.jsonl
run "$DTSCAN" merge
assert_rc 2 "merge without a report: exit 2"

# A secret in a report never reaches a message: a cut line ending inside a --show-secrets value.
secret_tok=$(fake '@@dt0c01@@' shard-secret)
printf '{"rule_id":"dynatrace-token","secret":"%s' "$secret_tok" >"$T/secret-cut.jsonl"
run "$DTSCAN" merge "$T/secret-cut.jsonl"
assert_rc 2 "a cut line holding a secret: exit 2"
assert_file_lacks "$ERR" "$(secret_of "$secret_tok")" "the error message does not quote the line"

# --- --shard usage errors ---------------------------------------------------------------------------------
for bad in 0/3 4/3 1/0 3 a/b 1/3x; do
  run "$DTSCAN" audit --shard "$bad" "$A"
  assert_rc 2 "--shard $bad: exit 2"
done

# --- an interrupted shard: the merge is marked interrupted and exits 130 ---------------------------------
sed 's/"interrupted":false/"interrupted":true/' "$T/shard-2.jsonl" >"$T/shard-2-int.jsonl"
run_in "$T" "$DTSCAN" merge --format json -o "$T/int.json" shard-1.jsonl shard-2-int.jsonl shard-3.jsonl
assert_rc 130 "an interrupted shard: exit 130"
assert_file_contains "$T/int.json" '"interrupted": true' "an interrupted shard: the merged report says so"
assert_file_contains "$ERR" "interrupted" "an interrupted shard: said on stderr"

finish
