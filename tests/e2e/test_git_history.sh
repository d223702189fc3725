#!/usr/bin/env bash
# `dtscan git` (SPEC §6, git contract): every unique blob reachable from any ref, once, named by the commit
# that introduced it; bare repositories; `--range A..B` as the pull-request gate that fails on new leaks
# only; fatal errors; byte-identical output for any thread count; tags to blobs and trees, shallow clones,
# submodules, big blobs, --exclude/--max-file-size and SARIF in git mode.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tok_gone=$(fake '@@dt0c01@@' gh-gone)
tid_gone=$(tid_of "$tok_gone")
tok_shared=$(fake '@@dt0c01@@' gh-shared)
tid_shared=$(tid_of "$tok_shared")
tok_feat=$(fake '@@dt0c01@@' gh-feat)
tid_feat=$(tid_of "$tok_feat")
tok_tag=$(fake '@@dt0c01@@' gh-tag)
tid_tag=$(tid_of "$tok_tag")
tok_light=$(fake '@@dt0c01@@' gh-light)
tid_light=$(tid_of "$tok_light")
tok_moved=$(fake '@@dt0c01@@' gh-moved)
tid_moved=$(tid_of "$tok_moved")
tok_stash=$(fake '@@dt0c01@@' gh-stash)
tid_stash=$(tid_of "$tok_stash")
tok_det=$(fake '@@dt0c01@@' gh-det)
tid_det=$(tid_of "$tok_det")
tok_old=$(fake '@@dt0c01@@' gh-old)
tid_old=$(tid_of "$tok_old")
tok_new=$(fake '@@dt0c01@@' gh-new)
tid_new=$(tid_of "$tok_new")
tok_main2=$(fake '@@dt0c01@@' gh-main2)
tid_main2=$(tid_of "$tok_main2")
tok_prx=$(fake '@@dt0c01@@' gh-prx)
tid_prx=$(tid_of "$tok_prx")
tok_v1=$(fake '@@dt0c01@@' gh-v1)
tid_v1=$(tid_of "$tok_v1")
tok_v2=$(fake '@@dt0c01@@' gh-v2)
tid_v2=$(tid_of "$tok_v2")

# --- history of one repository -------------------------------------------------------------------------
H="$T/hist"
mkrepo "$H"
printf 'readme\n' >"$H/README.md"
mkdir -p "$H/deploy"
printf '# shared\nexport DT_API_TOKEN=%s\n' "$tok_shared" >"$H/deploy/shared.env"
commit_all "$H" "c1: readme and a long-lived leak"
c1=$(rev "$H" HEAD)
mkdir -p "$H/app"
printf 'one\ntwo\nDT_API_TOKEN=%s\nfour\n' "$tok_gone" >"$H/app/config.env"
commit_all "$H" "c2: a leak"
c2=$(rev "$H" HEAD)
printf 'readme 2\n' >"$H/README.md"
commit_all "$H" "c3: unrelated"
git -C "$H" rm -q app/config.env
commit_all "$H" "c4: leak deleted"
# The same blob under a second path: one blob, one finding.
cp "$H/deploy/shared.env" "$H/deploy/copy.env"
commit_all "$H" "c5: copy of the shared file"
# A file renamed later: the introducing commit and the path it had then.
printf 'DT_API_TOKEN=%s\n' "$tok_moved" >"$H/old-name.env"
commit_all "$H" "c6: leak under its first name"
c6=$(rev "$H" HEAD)
git -C "$H" mv old-name.env new-name.env
commit_all "$H" "c7: renamed"
# Another branch, never merged.
git -C "$H" checkout -q -b feature "$c1"
printf 'a\nDT_API_TOKEN=%s\n' "$tok_feat" >"$H/feature.env"
commit_all "$H" "f1: leak on a branch"
f1=$(rev "$H" HEAD)
# Commits reachable only from tags (annotated and lightweight), their branch deleted.
git -C "$H" checkout -q --orphan release
git -C "$H" rm -rq --cached . && git -C "$H" clean -fdq
printf 'DT_API_TOKEN=%s\n' "$tok_tag" >"$H/release.env"
commit_all "$H" "r1: leak only in a tag"
r1=$(rev "$H" HEAD)
git -C "$H" tag -a -m "annotated" v1.0 "$r1"
printf 'x\nDT_API_TOKEN=%s\n' "$tok_light" >"$H/release.env"
commit_all "$H" "r2: leak only in a lightweight tag"
r2=$(rev "$H" HEAD)
git -C "$H" tag v1.1 "$r2"
git -C "$H" checkout -q main
git -C "$H" branch -q -D release feature
git -C "$H" tag feature-tip "$f1"

run "$DTSCAN" git --format jsonl "$H"
assert_rc 1 "git history: exit 1"
cp "$OUT" "$T/hist.jsonl"
assert_eq 1 "$(count_tid "$OUT" "$tid_gone")" "deleted leak found once"
assert_eq "$c2" "$(jf "$OUT" "$tid_gone" commit)" "deleted leak: commit is the one that added it"
assert_eq "app/config.env:3" "$(where "$OUT" "$tid_gone")" "deleted leak: path and line it had"
assert_eq 1 "$(count_tid "$OUT" "$tid_shared")" "blob in every commit, two paths, a branch and tags: reported once"
assert_eq "$c1 deploy/shared.env" "$(jf "$OUT" "$tid_shared" commit) $(jf "$OUT" "$tid_shared" path)" "long-lived blob: the root commit and its first path"
assert_eq 1 "$(count_tid "$OUT" "$tid_moved")" "renamed blob reported once"
assert_eq "$c6 old-name.env" "$(jf "$OUT" "$tid_moved" commit) $(jf "$OUT" "$tid_moved" path)" "renamed blob: introducing commit and the path it had there"
assert_eq "$f1 feature.env:2" "$(jf "$OUT" "$tid_feat" commit) $(where "$OUT" "$tid_feat")" "leak on an unmerged branch (now only a tag)"
assert_eq "$r1 release.env:1" "$(jf "$OUT" "$tid_tag" commit) $(where "$OUT" "$tid_tag")" "leak reachable only from an annotated tag"
assert_eq "$r2 release.env:2" "$(jf "$OUT" "$tid_light" commit) $(where "$OUT" "$tid_light")" "leak reachable only from a lightweight tag"
assert_eq 6 "$(nfindings "$OUT")" "git history: six findings, no duplicates"
assert_match "$OUT" '"commit":"[0-9a-f]{40}"' "git history: commit is 40 hex"
for s in gone shared feat tag light moved; do
  t="tok_$s"
  assert_file_lacks "$OUT" "$(secret_of "${!t}")" "git history jsonl: no secret part ($s)"
done

run "$DTSCAN" git --format json "$H"
assert_rc 1 "git history --format json"
assert_file_contains "$OUT" "\"commit\": \"$c2\"" "git json: commit field"
assert_file_contains "$OUT" '"path": "app/config.env"' "git json: path field"
assert_file_contains "$OUT" '"schema": "dtscan/report/v1"' "git json: schema"
cp "$OUT" "$T/hist-j0.json"

# Default REPO is ".".
run_in "$H" "$DTSCAN" git --format json
assert_rc 1 "git with no REPO argument scans '.'"
if cmp -s "$T/hist-j0.json" "$OUT"; then pass; else fail "git with no REPO: the same report as 'git REPO'" "$(diff "$T/hist-j0.json" "$OUT" | head -n 10)"; fi

# -j1 and -j2 give byte-identical reports.
run "$DTSCAN" git --format json -j 1 "$H"
cp "$OUT" "$T/hist-j1.json"
run "$DTSCAN" git --format json -j 2 "$H"
cp "$OUT" "$T/hist-j2.json"
if cmp -s "$T/hist-j1.json" "$T/hist-j2.json" && cmp -s "$T/hist-j1.json" "$T/hist-j0.json"; then pass; else
  fail "git: -j1, -j2 and the default give byte-identical json" "$(diff "$T/hist-j1.json" "$T/hist-j2.json" | head -n 10)"
fi
run "$DTSCAN" git --no-color -j 3 "$H"
assert_match "$OUT" "^app/config\\.env:3:14: HIGH dynatrace-token $tid_gone " "git text report line"

# --- a bare clone gives the same findings --------------------------------------------------------------
git clone -q --bare "$H" "$T/hist.git"
run "$DTSCAN" git --format json "$T/hist.git"
assert_rc 1 "bare repository: exit 1"
if cmp -s "$T/hist-j0.json" "$OUT"; then pass; else fail "bare clone: the same json report, byte for byte" "$(diff "$T/hist-j0.json" "$OUT" | head -n 10)"; fi
run "$DTSCAN" git --format jsonl "$T/hist.git"
assert_eq "$(findings_only "$T/hist.jsonl" | sort)" "$(findings_only "$OUT" | sort)" "bare clone jsonl: the same findings (in any order)"
run_in "$T/hist.git" "$DTSCAN" git --format jsonl
assert_rc 1 "bare repository as the current directory"
assert_eq 6 "$(nfindings "$OUT")" "bare repository as the current directory: six findings"

# --- HEAD and refs/* beyond branches and tags ----------------------------------------------------------
printf 'DT_API_TOKEN=%s\n' "$tok_stash" >"$H/wip.env"
git -C "$H" add wip.env
git -C "$H" stash -q
git -C "$H" checkout -q --detach main
printf 'DT_API_TOKEN=%s\n' "$tok_det" >"$H/detached.env"
commit_all "$H" "d1: on a detached HEAD"
d1=$(rev "$H" HEAD)
run "$DTSCAN" git --format jsonl "$H"
assert_eq 1 "$(count_tid "$OUT" "$tid_det")" "commit only reachable from a detached HEAD: found"
assert_eq "$d1" "$(jf "$OUT" "$tid_det" commit)" "detached HEAD: commit"
assert_eq 1 "$(count_tid "$OUT" "$tid_stash")" "blob only in refs/stash: found"
git -C "$H" checkout -q main

# --- not a repository, bad ranges ----------------------------------------------------------------------
mkdir -p "$T/plain"
printf 'DT_API_TOKEN=%s\n' "$tok_gone" >"$T/plain/a.env"
if git -C "$T/plain" rev-parse --git-dir >/dev/null 2>&1; then
  skip "not a repository: $T is inside a git repository"
else
  run "$DTSCAN" git "$T/plain"
  expect_fatal "git on a plain directory"
  run_in "$T/plain" "$DTSCAN" git
  expect_fatal "git with no REPO outside any repository"
fi
run "$DTSCAN" git "$T/no-such-dir"
expect_fatal "git on a missing directory"
run "$DTSCAN" git --range main..no-such-branch "$H"
expect_fatal "--range with an unknown head revision"
run "$DTSCAN" git --range no-such-base..main "$H"
expect_fatal "--range with an unknown base revision"
run "$DTSCAN" git --range "$(printf '%040d' 0)..main" "$H"
expect_fatal "--range with a missing object id"

# --- --range: the pull-request gate --------------------------------------------------------------------
P="$T/pr"
mkrepo "$P"
printf 'readme\n' >"$P/README.md"
printf 'DT_API_TOKEN=%s\n' "$tok_old" >"$P/legacy.env"
commit_all "$P" "base with an old leak"
# pr-new: adds a new leak.
git -C "$P" checkout -q -b pr-new main
mkdir -p "$P/svc"
printf 'a\nb\nDT_API_TOKEN=%s\n' "$tok_new" >"$P/svc/new.env"
commit_all "$P" "pr: new leak"
n1=$(rev "$P" HEAD)
printf 'readme, pr\n' >"$P/README.md"
commit_all "$P" "pr: unrelated"
run "$DTSCAN" git --format jsonl --range main..pr-new "$P"
assert_rc 1 "--range main..pr-new: a new leak fails"
assert_eq "svc/new.env:3" "$(paths_of "$OUT"):$(jf "$OUT" "$tid_new" line)" "--range: only the new leak is reported"
assert_eq 0 "$(count_tid "$OUT" "$tid_old")" "--range: the base's old leak is not reported"
assert_eq "$n1" "$(jf "$OUT" "$tid_new" commit)" "--range: commit of the new leak"
run "$DTSCAN" git --format jsonl --range "$(rev "$P" main)..$(rev "$P" pr-new)" "$P"
assert_eq "svc/new.env" "$(paths_of "$OUT")" "--range with commit ids"
run "$DTSCAN" git --format jsonl "$P"
assert_eq 2 "$(nfindings "$OUT")" "fixture: without --range both leaks are found"

# pr-clean: edits only unrelated files (including the leaky file's neighbour).
git -C "$P" checkout -q -b pr-clean main
printf 'readme, clean pr\n' >"$P/README.md"
printf 'docs\n' >"$P/docs.md"
commit_all "$P" "pr: docs only"
run "$DTSCAN" git --format jsonl --range main..pr-clean "$P"
assert_rc 0 "--range main..pr-clean: exit 0 although the base has a leak"
assert_eq 0 "$(nfindings "$OUT")" "--range main..pr-clean: no finding"
# main moves on with another leak; merging main into the PR does not bring main's leaks into the range.
git -C "$P" checkout -q main
printf 'DT_API_TOKEN=%s\n' "$tok_main2" >"$P/later.env"
commit_all "$P" "main: another leak"
git -C "$P" checkout -q pr-clean
git -C "$P" merge -q --no-ff --no-edit main
assert_eq 3 "$(git -C "$P" rev-list --parents -n 1 HEAD | wc -w | tr -d ' ')" "fixture: HEAD of pr-clean is a merge"
run "$DTSCAN" git --format jsonl --range main..pr-clean "$P"
assert_rc 0 "--range after merging main into the PR: exit 0"
assert_eq 0 "$(nfindings "$OUT")" "--range after merging main: main's leaks are not in the range"
assert_eq 0 "$(count_tid "$OUT" "$tid_main2")" "--range after merging main: main's new leak (brought in by the merge) not reported"
# ... but a leak added by the PR side of a merge still is.
printf 'DT_API_TOKEN=%s\n' "$tok_prx" >"$P/pr-side.env"
commit_all "$P" "pr: leak after the merge"
run "$DTSCAN" git --format jsonl --range main..pr-clean "$P"
assert_rc 1 "--range: a PR leak after a merge of main"
assert_eq "pr-side.env" "$(paths_of "$OUT")" "--range after merge: only the PR's own leak"
assert_eq "$(rev "$P" pr-clean)" "$(jf "$OUT" "$tid_prx" commit)" "--range after merge: commit of the PR's leak"
# A leak added and removed inside the PR is still a leak: it is in the pushed history.
git -C "$P" checkout -q -b pr-oops main
printf 'DT_API_TOKEN=%s\n' "$tok_gone" >"$P/oops.env"
commit_all "$P" "pr: oops"
o1=$(rev "$P" HEAD)
git -C "$P" rm -q oops.env
commit_all "$P" "pr: remove oops"
run "$DTSCAN" git --format jsonl --range main..pr-oops "$P"
assert_rc 1 "--range: leak added then removed inside the PR still fails"
assert_eq "$o1 oops.env" "$(jf "$OUT" "$tid_gone" commit) $(jf "$OUT" "$tid_gone" path)" "--range: added-then-removed leak: its commit and path"
# An empty range.
run "$DTSCAN" git --format jsonl --range main..main "$P"
assert_rc 0 "--range main..main: nothing to scan, exit 0"
assert_eq 0 "$(nfindings "$OUT")" "--range main..main: no finding"
# --range on the bare clone.
git clone -q --bare "$P" "$T/pr.git"
run "$DTSCAN" git --format jsonl --range main..pr-new "$T/pr.git"
assert_rc 1 "--range on a bare repository"
assert_eq "svc/new.env" "$(paths_of "$OUT")" "--range on a bare repository: only the new leak"

# --- tags, --exclude, --max-file-size, SARIF -----------------------------------------------------------
V="$T/tags"
mkrepo "$V"
mkdir -p "$V/vendor/x" "$V/docs"
printf 'DT_API_TOKEN=%s\n' "$tok_v1" >"$V/docs/one.env"
commit_all "$V" "v1"
git -C "$V" tag -a -m "release 1" v1
printf 'DT_API_TOKEN=%s\n' "$tok_v2" >"$V/vendor/x/two.env"
{ printf 'DT_API_TOKEN=%s\n' "$tok_new"; head -c 3000 /dev/zero | tr '\0' '#'; printf '\n'; } >"$V/docs/big.log"
commit_all "$V" "v2"
git -C "$V" tag -a -m "release 2" v2
run "$DTSCAN" git --format jsonl --range v1..v2 "$V"
assert_rc 1 "--range between two annotated tags"
assert_eq "docs/big.log vendor/x/two.env" "$(paths_of "$OUT")" "--range v1..v2: only what v2 added"
assert_eq "0 $(rev "$V" v2)" "$(count_tid "$OUT" "$tid_v1") $(jf "$OUT" "$tid_v2" commit)" "--range v1..v2: commit is the peeled commit of v2, v1's leak left out"
run "$DTSCAN" git --format jsonl --exclude vendor --exclude 'docs/*.log' "$V"
assert_eq "docs/one.env" "$(paths_of "$OUT")" "git --exclude: a directory name and an anchored glob"
assert_eq "$(rev "$V" v1)" "$(jf "$OUT" "$tid_v1" commit)" "git --exclude: commit of the remaining finding"
run "$DTSCAN" git --format jsonl --max-file-size 1000 "$V"
assert_eq "docs/one.env vendor/x/two.env" "$(paths_of "$OUT")" "git --max-file-size skips the big blob"
run "$DTSCAN" git --format sarif -o "$T/git.sarif" "$H"
assert_rc 1 "git --format sarif"
assert_file_contains "$T/git.sarif" '"uri": "app/config.env"' "git sarif: relative uri of the path in its commit"
if [ -s "$T/git.sarif" ] && "$VALIDATE_SARIF" "$T/git.sarif" >"$T/validate.txt" 2>&1; then pass; else
  fail "git mode: SARIF does not validate" "$(tail -n 5 "$T/validate.txt")"
fi

# --- chunk boundary inside a big blob ------------------------------------------------------------------
Z="$T/bigblob"
mkrepo "$Z"
awk 'BEGIN { l = sprintf("%999s", ""); for (i = 0; i < 1100; i++) print l }' >"$Z/big.txt"
printf '%s' "$tok_det" | dd of="$Z/big.txt" bs=1 seek=$((1048576 - 40)) conv=notrunc status=none
commit_all "$Z" "big blob"
run_in "$Z" "$DTSCAN" scan --format jsonl .
want_big=$(where "$OUT" "$tid_det"):$(jf "$OUT" "$tid_det" column)
run "$DTSCAN" git --format jsonl "$Z"
assert_eq "$want_big" "$(where "$OUT" "$tid_det"):$(jf "$OUT" "$tid_det" column)" "token across the 1 MiB chunk boundary of a blob: found once, where scan finds it"
assert_eq 1 "$(count_tid "$OUT" "$tid_det")" "token across a chunk boundary of a blob: one finding"

# --- submodules and symbolic links in history ----------------------------------------------------------
S="$T/subproj"
mkrepo "$S"
printf 'DT_API_TOKEN=%s\n' "$tok_stash" >"$S/inside.env"
commit_all "$S" "sub"
U="$T/superproj"
mkrepo "$U"
printf 'top\n' >"$U/README.md"
commit_all "$U" "init"
git -C "$U" -c protocol.file.allow=always submodule add -q "$S" lib/sub
commit_all "$U" "add a submodule"
run "$DTSCAN" git --format jsonl "$U"
assert_rc 0 "history with a gitlink: no crash, submodule not descended"
assert_eq 0 "$(nfindings "$OUT")" "history with a gitlink: nothing from the submodule"

# --- refs that point at a blob or a tree, not a commit -------------------------------------------------
# `git push --tags` publishes them: the blob is reachable from a ref, so it is scanned.
O="$T/objtags"
mkrepo "$O"
printf 'x\n' >"$O/README.md"
commit_all "$O" "init"
blob=$(printf 'DT_API_TOKEN=%s\n' "$tok_old" | git -C "$O" hash-object -w --stdin)
git -C "$O" tag blob-tag "$blob"
tree=$(printf '100644 blob %s\tin-tree.env\n' "$(printf 'K=%s\n' "$tok_prx" | git -C "$O" hash-object -w --stdin)" | git -C "$O" mktree)
git -C "$O" tag -a -m "a tree" tree-tag "$tree"
run "$DTSCAN" git --format jsonl "$O"
assert_rc 1 "refs to a blob and to a tree: exit 1"
assert_eq 1 "$(count_tid "$OUT" "$tid_old")" "blob reachable only from a tag that points at it: found"
assert_eq 1 "$(count_tid "$OUT" "$tid_prx")" "blob reachable only through a tag that points at a tree: found"

# --- shallow clones (CI checkouts) ---------------------------------------------------------------------
git clone -q --depth 1 "file://$H" "$T/shallow1"
run "$DTSCAN" git --format jsonl "$T/shallow1"
assert_rc 1 "shallow clone (--depth 1): scanned, not an error"
# The one commit holds the blob at two paths (shared.env and its copy); either is where it came in.
assert_match <(printf '%s\n' "$(jf "$OUT" "$tid_shared" commit) $(jf "$OUT" "$tid_shared" path)") "^$(rev "$T/shallow1" HEAD) deploy/(shared|copy)\.env\$" "shallow clone: a blob older than the cut is attributed to the shallow commit"
git clone -q --depth 2 --branch pr-new "file://$P" "$T/shallow2"
run "$DTSCAN" git --format jsonl --range HEAD~1..HEAD "$T/shallow2"
assert_rc 0 "shallow clone (--depth 2): --range HEAD~1..HEAD"
run "$DTSCAN" git --format jsonl --range HEAD~2..HEAD "$T/shallow2"
expect_fatal "shallow clone: --range reaching past the cut is an unknown revision"
run "$DTSCAN" git --range main "$P"
expect_fatal "--range without '..'"

# --- a tree object that cannot be read (partial clone, corrupt repository): a warning, not the end ---------
M="$T/missing-tree"
mkrepo "$M"
mkdir -p "$M/lost" "$M/kept"
printf 'DT_API_TOKEN=%s\n' "$tok_old" >"$M/lost/a.env"
printf 'DT_API_TOKEN=%s\n' "$tok_new" >"$M/kept/b.env"
commit_all "$M" "two directories"
lost_tree=$(git -C "$M" rev-parse HEAD:lost)
rm -f "$M/.git/objects/${lost_tree:0:2}/${lost_tree:2}"
run "$DTSCAN" git --format json "$M"
assert_rc 1 "missing tree: the rest of the history is still scanned"
assert_file_contains "$OUT" "$(tid_of "$tok_new")" "missing tree: the readable directory's token"
assert_file_contains "$ERR" "$lost_tree" "missing tree: a warning names the tree"
assert_eq 1 "$(json_num "$OUT" errors)" "missing tree: counted in errors"

finish
