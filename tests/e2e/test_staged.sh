#!/usr/bin/env bash
# `dtscan staged` (SPEC §6, git contract): what the pre-commit hook sees is the INDEX, never the work tree.
# Real repositories built with git: first commit, subdirectories, --repo, worktrees, submodules, deletions,
# renames, binary blobs, odd names, inline dtscan:allow, the nothing-staged and not-a-repository paths, the
# index a hook is handed (GIT_INDEX_FILE, `git commit -a`, `git commit PATH`) and the index formats git
# writes (version 4, split, sparse).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tok1=$(fake '@@dt0c01@@' st-1)
tok2=$(fake '@@dt0c01@@' st-2)
tok3=$(fake '@@dt0c01@@' st-3)
tok4=$(fake '@@dt0c01@@' st-4)
tok5=$(fake '@@dt0c01@@' st-5)
tid1=$(tid_of "$tok1")
tid2=$(tid_of "$tok2")
tid3=$(tid_of "$tok3")
tid4=$(tid_of "$tok4")
tid5=$(tid_of "$tok5")

# --- a fresh repository: no commit yet -----------------------------------------------------------------
R="$T/repo"
mkrepo "$R"
run_in "$R" "$DTSCAN" staged
assert_rc 0 "fresh repository, nothing staged: exit 0"
assert_file_contains "$ERR" "dtscan: nothing staged to scan" "fresh repository, nothing staged: message on stderr"

printf 'hello\n' >"$R/README.md"
printf '# settings\nDT_API_TOKEN=%s\n' "$tok1" >"$R/first.env"
git -C "$R" add README.md first.env
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 1 "first commit (no HEAD yet): staged token found"
assert_eq "first.env:2" "$(where "$OUT" "$tid1")" "first commit: path and line of the staged token"
assert_eq "null" "$(jf "$OUT" "$tid1" commit)" "staged finding: commit is null"
assert_eq 2 "$(json_num "$OUT" files_scanned)" "first commit: both staged files scanned"
commit_all "$R" "initial"

# --- nothing staged ------------------------------------------------------------------------------------
run_in "$R" "$DTSCAN" staged
assert_rc 0 "nothing staged: exit 0"
assert_eq "dtscan: nothing staged to scan" "$(cat "$ERR")" "nothing staged: exactly the message on stderr"
run_in "$R" "$DTSCAN" staged --quiet
assert_rc 0 "nothing staged --quiet: exit 0"
assert_empty "$ERR" "nothing staged --quiet: stderr empty"
# A token only in the work tree (not staged at all) is not the pre-commit hook's business.
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$R/untracked.env"
printf 'hello\nDT_API_TOKEN=%s\n' "$tok2" >"$R/README.md"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 0 "token only in unstaged/untracked files: exit 0"
assert_eq 0 "$(nfindings "$OUT")" "token only in unstaged/untracked files: no finding"
assert_file_contains "$ERR" "nothing staged to scan" "token only in unstaged files: still nothing staged"
git -C "$R" checkout -q -- README.md
rm -f "$R/untracked.env"

# --- staged clean, work tree dirty: the work-tree file is never read ----------------------------------
printf 'hello\nworld\n' >"$R/README.md"
git -C "$R" add README.md
printf 'DT_API_TOKEN=%s\nhello\nworld\n' "$tok2" >"$R/README.md"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 0 "staged version clean, work-tree version leaks: exit 0"
assert_eq 0 "$(count_tid "$OUT" "$tid2")" "work-tree-only token not reported"
assert_eq 1 "$(json_num "$OUT" files_scanned)" "the staged README.md is scanned (once)"
git -C "$R" reset -q
git -C "$R" checkout -q -- README.md

# --- staged token, work tree has more lines above it (and no token at all) ---------------------------
mkdir -p "$R/conf"
printf 'a=1\nb=2\nDT_API_TOKEN=%s\nc=3\n' "$tok3" >"$R/conf/app.env"
git -C "$R" add conf/app.env
printf 'x\nx\nx\nx\nx\na=1\nb=2\nDT_API_TOKEN=%s\nc=3\n' "$tok3" >"$R/conf/app.env"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 1 "staged token: exit 1"
assert_eq "conf/app.env:3" "$(where "$OUT" "$tid3")" "staged token reported at its line in the STAGED content (work tree has it at 8)"
run_in "$R" "$DTSCAN" scan --format jsonl conf
assert_eq "conf/app.env:8" "$(where "$OUT" "$tid3")" "fixture check: the work-tree copy has the token at line 8"
printf 'nothing here\n' >"$R/conf/app.env"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 1 "staged token, token already removed from the work tree: still exit 1"
assert_eq "conf/app.env:3" "$(where "$OUT" "$tid3")" "staged token found though the work tree no longer has it"

# --- the other formats ---------------------------------------------------------------------------------
run_in "$R" "$DTSCAN" staged --format json
assert_rc 1 "staged --format json"
assert_file_contains "$OUT" '"path": "conf/app.env"' "staged json: path relative to the repository root"
assert_file_contains "$OUT" '"line": 3' "staged json: line of the staged content"
assert_file_contains "$OUT" '"commit": null' "staged json: commit is null"
assert_file_lacks "$OUT" "$(secret_of "$tok3")" "staged json: no secret part"
run_in "$R" "$DTSCAN" staged --no-color
assert_rc 1 "staged --format text"
assert_match "$OUT" "^conf/app\\.env:3:14: HIGH dynatrace-token $tid3 \\(well-formed\\)\$" "staged text: path:line:column line"
run_in "$R" "$DTSCAN" staged --format sarif -o "$T/staged.sarif"
assert_rc 1 "staged --format sarif -o"
assert_file_contains "$T/staged.sarif" '"uri": "conf/app.env"' "staged sarif: relative artifact uri"

# --- from a subdirectory, and --repo -------------------------------------------------------------------
mkdir -p "$R/src/deep/er"
printf 'x\n' >"$R/src/deep/er/here.txt"
run_in "$R/src/deep/er" "$DTSCAN" staged --format jsonl
assert_rc 1 "run from a subdirectory: repository discovered upward"
assert_eq "conf/app.env:3" "$(where "$OUT" "$tid3")" "run from a subdirectory: path relative to the repository root"
run_in "$T" "$DTSCAN" staged --format jsonl --repo "$R"
assert_rc 1 "--repo DIR from outside the repository"
assert_eq "conf/app.env:3" "$(where "$OUT" "$tid3")" "--repo DIR: path relative to the repository root"
run_in "$R/src" "$DTSCAN" staged --format jsonl --repo ..
assert_rc 1 "--repo with a relative path"
assert_eq "conf/app.env:3" "$(where "$OUT" "$tid3")" "--repo ..: path relative to the repository root"
git -C "$R" commit -q -m "conf"
git -C "$R" checkout -q -- conf/app.env

# --- not a repository ----------------------------------------------------------------------------------
mkdir -p "$T/plain"
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$T/plain/a.env"
if git -C "$T/plain" rev-parse --git-dir >/dev/null 2>&1; then
  skip "not a repository: $T is inside a git repository"
else
  run_in "$T/plain" "$DTSCAN" staged
  expect_fatal "staged outside any repository"
  run_in "$R" "$DTSCAN" staged --repo "$T/plain"
  expect_fatal "staged --repo naming a plain directory"
  run_in "$R" "$DTSCAN" staged --repo "$T/no-such-dir"
  expect_fatal "staged --repo naming a missing directory"
fi

# --- deleted, renamed, binary, odd names ---------------------------------------------------------------
# conf/app.env (committed, with tok3) is deleted; first.env (committed, with tok1) is renamed.
git -C "$R" rm -q conf/app.env
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 0 "only a deletion staged: exit 0"
assert_eq 0 "$(nfindings "$OUT")" "staged deletion: the deleted file is not scanned"
mkdir -p "$R/settings"
git -C "$R" mv first.env settings/renamed.env
{ printf 'GIF89a\0\0\0\n'; printf 'x=%s\n' "$tok4"; } >"$R/logo.gif"
odd=$'dir with space/caf\xc3\xa9 "q".env'
mkdir -p "$R/dir with space"
printf 'k=v\nDT_API_TOKEN=%s\n' "$tok5" >"$R/$odd"
git -C "$R" add logo.gif "$odd"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 1 "deleted + renamed + binary + odd name staged"
assert_eq 0 "$(count_tid "$OUT" "$tid3")" "deleted file with a token: not reported"
assert_eq "settings/renamed.env:2" "$(where "$OUT" "$tid1")" "renamed file: token reported at the new path"
assert_eq 0 "$(count_tid "$OUT" "$tid4")" "binary staged blob: skipped"
assert_eq 1 "$(count_tid "$OUT" "$tid5")" "odd file name: found"
run_in "$R" "$DTSCAN" scan --format jsonl .
want_odd=$(grep -F "\"token_id\":\"$tid5\"" "$OUT" | grep -oE '"path":"([^"\\]|\\.)*"' | head -n 1 || true)
run_in "$R" "$DTSCAN" staged --format jsonl
got_odd=$(grep -F "\"token_id\":\"$tid5\"" "$OUT" | grep -oE '"path":"([^"\\]|\\.)*"' | head -n 1 || true)
assert_eq "$want_odd" "$got_odd" "odd file name (space, UTF-8, quote): same path as 'dtscan scan' gives, not git-quoted"
if [ -n "$want_odd" ]; then pass; else fail "fixture: dtscan scan found the odd-named file"; fi
git -C "$R" commit -q -m "rename etc"

# --- inline dtscan:allow in a staged file --------------------------------------------------------------
printf 'DT_API_TOKEN=%s # dtscan:allow\nOTHER=%s\n' "$tok2" "$tok4" >"$R/allow.env"
git -C "$R" add allow.env
printf 'DT_API_TOKEN=%s\nOTHER=%s\n' "$tok2" "$tok4" >"$R/allow.env" # the work tree lost the marker
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 1 "staged dtscan:allow: the other token still fails"
assert_eq 0 "$(count_tid "$OUT" "$tid2")" "staged dtscan:allow on the same line suppresses"
assert_eq 1 "$(count_tid "$OUT" "$tid4")" "staged dtscan:allow: only its own line"
assert_eq 1 "$(json_num "$OUT" suppressed)" "staged dtscan:allow is counted in summary.suppressed"
printf 'DT_API_TOKEN=%s # dtscan:allow\n' "$tok2" >"$R/allow.env"
git -C "$R" add allow.env
run_in "$R" "$DTSCAN" staged --format json
assert_rc 0 "staged: the only token is allowed inline: exit 0"
assert_eq 1 "$(json_num "$OUT" suppressed)" "staged json: suppressed count"
git -C "$R" commit -q -m allow

# --- a linked worktree (git worktree add) -------------------------------------------------------------
W="$T/wt"
git -C "$R" worktree add -q -b wtbranch "$W"
mkdir -p "$W/wtdir"
printf 'DT_API_TOKEN=%s\n' "$tok3" >"$W/wtdir/leak.env"
git -C "$W" add wtdir/leak.env
run_in "$W/wtdir" "$DTSCAN" staged --format jsonl
assert_rc 1 "linked worktree: its own index is scanned"
assert_eq "wtdir/leak.env:1" "$(where "$OUT" "$tid3")" "linked worktree: path relative to the worktree root"
run_in "$T" "$DTSCAN" staged --format jsonl --repo "$W"
assert_rc 1 "linked worktree via --repo"
assert_eq "wtdir/leak.env:1" "$(where "$OUT" "$tid3")" "linked worktree via --repo: path"
run_in "$R" "$DTSCAN" staged --format jsonl
assert_rc 0 "main worktree: the linked worktree's index is not its index"
assert_eq 0 "$(count_tid "$OUT" "$tid3")" "main worktree: no finding from the other worktree"

# --- a submodule: the gitlink is skipped, the submodule not descended ---------------------------------
S="$T/subproject"
mkrepo "$S"
printf 'DT_API_TOKEN=%s\n' "$tok5" >"$S/inside.env"
commit_all "$S" "sub"
P="$T/super"
mkrepo "$P"
printf 'super\n' >"$P/README.md"
commit_all "$P" "init"
git -C "$P" -c protocol.file.allow=always submodule add -q "$S" vendor/sub
printf 'DT_API_TOKEN=%s\n' "$tok1" >"$P/top.env"
git -C "$P" add top.env
assert_eq "160000" "$(git -C "$P" ls-files -s vendor/sub | cut -d' ' -f1)" "fixture: vendor/sub is a staged gitlink"
run_in "$P" "$DTSCAN" staged --format jsonl
assert_rc 1 "submodule staged: no crash, the top-level token fails"
assert_eq "top.env" "$(paths_of "$OUT")" "submodule staged: only top.env reported (gitlink skipped, not descended)"
assert_file_lacks "$ERR" "error" "submodule staged: no error on stderr"
git -C "$P" commit -q -m "add submodule"
# The submodule's own index is its own business: staged there, it is found with paths inside it.
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$P/vendor/sub/new.env"
git -C "$P/vendor/sub" add new.env
run_in "$P" "$DTSCAN" staged --format jsonl
assert_rc 0 "superproject: a change staged inside the submodule is not the superproject's index"
assert_eq 0 "$(nfindings "$OUT")" "superproject: nothing from the submodule's index"
run_in "$P/vendor/sub" "$DTSCAN" staged --format jsonl
assert_rc 1 "inside the submodule: its own index is scanned"
assert_eq "new.env:1" "$(where "$OUT" "$tid2")" "inside the submodule: path relative to the submodule root"

# --- the index a hook is given: GIT_INDEX_FILE, `git commit -a`, `git commit PATH` ----------------------
K="$T/hooked"
mkrepo "$K"
printf 'one\n' >"$K/app.sh"
printf 'two\n' >"$K/other.sh"
commit_all "$K" "init"
printf 'one\nDT_API_TOKEN=%s\n' "$tok1" >"$K/app.sh"
cp "$K/.git/index" "$T/alt-index"
GIT_INDEX_FILE="$T/alt-index" git -C "$K" add app.sh
run_in "$K" env GIT_INDEX_FILE="$T/alt-index" "$DTSCAN" staged --format jsonl
assert_rc 1 "GIT_INDEX_FILE names the index to scan"
assert_eq "app.sh:2" "$(where "$OUT" "$tid1")" "GIT_INDEX_FILE: the token staged in that index"
run_in "$K" "$DTSCAN" staged --format jsonl
assert_rc 0 "fixture: the default index has nothing staged"
printf '#!/bin/sh\nexec "%s" staged --no-color\n' "$DTSCAN" >"$K/.git/hooks/pre-commit"
chmod +x "$K/.git/hooks/pre-commit"
head_before=$(rev "$K" HEAD)
run git -C "$K" commit -q -a -m "commit -a with a leak"
if [ "$RC" -ne 0 ] && [ "$(rev "$K" HEAD)" == "$head_before" ]; then pass; else
  fail "plain pre-commit hook rejects 'git commit -a' with a token in a tracked file (hook sees GIT_INDEX_FILE=.git/index.lock)" "exit $RC; $(head -c 300 "$ERR")"
  git -C "$K" reset -q --soft "$head_before"
fi
git -C "$K" reset -q
run git -C "$K" commit -q -m "commit PATH with a leak" -- app.sh
if [ "$RC" -ne 0 ] && [ "$(rev "$K" HEAD)" == "$head_before" ]; then pass; else
  fail "plain pre-commit hook rejects 'git commit PATH' with a token in PATH (temporary index in GIT_INDEX_FILE)" "exit $RC; $(head -c 300 "$ERR")"
  git -C "$K" reset -q --soft "$head_before"
fi
git -C "$K" reset -q
git -C "$K" checkout -q -- app.sh
printf 'two, edited\n' >"$K/other.sh"
run git -C "$K" commit -q -a -m "clean commit -a"
assert_rc 0 "plain pre-commit hook lets a clean 'git commit -a' through"
# git add -N (intent to add): nothing of the file is staged yet, and the work tree is not read.
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$K/ita.env"
git -C "$K" add -N ita.env
run_in "$K" "$DTSCAN" staged --format jsonl
assert_rc 0 "intent-to-add file: its work-tree token is not staged"
assert_eq 0 "$(count_tid "$OUT" "$tid2")" "intent-to-add file: not reported"
git -C "$K" rm -q --cached ita.env
rm "$K/ita.env"
# CRLF line ends, --exclude and --max-file-size on staged content.
mkdir -p "$K/gen/deep"
printf 'a\r\nb\r\nDT_API_TOKEN=%s\r\n' "$tok3" >"$K/crlf.env"
printf 'DT_API_TOKEN=%s\n' "$tok4" >"$K/gen/deep/out.env"
printf 'DT_API_TOKEN=%s\n' "$tok5" >"$K/build.log"
git -C "$K" add crlf.env gen build.log
run_in "$K" "$DTSCAN" staged --format jsonl --exclude '*.log' --exclude 'gen/deep/*.env'
assert_rc 1 "staged --exclude"
assert_eq "crlf.env:3" "$(paths_of "$OUT"):$(jf "$OUT" "$tid3" line)" "staged --exclude: only crlf.env left, token on line 3 of CRLF text"
run_in "$K" "$DTSCAN" staged --format jsonl --max-file-size 115
assert_eq "build.log gen/deep/out.env" "$(paths_of "$OUT")" "staged --max-file-size skips the bigger staged blob"
# Index formats git writes: version 4, split index, sparse index.
git -C "$K" update-index --index-version 4
run_in "$K" "$DTSCAN" staged --format jsonl
assert_rc 1 "index version 4"
assert_eq 3 "$(nfindings "$OUT")" "index version 4: every staged token"
git -C "$K" update-index --index-version 2
git -C "$K" update-index --split-index
run_in "$K" "$DTSCAN" staged --format jsonl
assert_rc 1 "split index (core.splitIndex / update-index --split-index)"
assert_eq 3 "$(nfindings "$OUT")" "split index: every staged token"
git -C "$K" update-index --no-split-index
git -C "$K" commit -q --no-verify -m "more"
if git -C "$K" sparse-checkout init --cone --sparse-index >/dev/null 2>&1 && git -C "$K" sparse-checkout set gen >/dev/null 2>&1; then
  printf 'DT_API_TOKEN=%s\n' "$tok1" >"$K/gen/sparse.env"
  git -C "$K" add gen/sparse.env
  run_in "$K" "$DTSCAN" staged --format jsonl
  assert_rc 1 "sparse index (sparse-checkout --sparse-index)"
  assert_eq "gen/sparse.env" "$(paths_of "$OUT")" "sparse index: the staged token"
else
  skip "sparse index: this git cannot make one"
fi

# --- a bare repository has no index to commit from -----------------------------------------------------
git clone -q --bare "$K" "$T/hooked.git"
run_in "$T" "$DTSCAN" staged --repo "$T/hooked.git"
expect_fatal "staged --repo naming a bare repository"

# --- an unborn branch in a repository that has commits (git checkout --orphan) -------------------------
Y="$T/orphan"
mkrepo "$Y"
printf 'DT_API_TOKEN=%s\n' "$tok4" >"$Y/kept.env"
commit_all "$Y" "one"
git -C "$Y" checkout -q --orphan fresh
run_in "$Y" "$DTSCAN" staged --format jsonl
assert_rc 1 "orphan branch: the whole index is new against the empty tree"
assert_eq "kept.env:1" "$(where "$OUT" "$tid4")" "orphan branch: the index's token"

# --- GIT_DIR and GIT_WORK_TREE (the hook of `git --git-dir=... --work-tree=... commit`) ------------------
Z="$T/separate"
mkrepo "$Z"
printf 'DT_API_TOKEN=%s\n' "$tok4" >"$Z/env.sh"
git -C "$Z" add env.sh
mkdir -p "$T/elsewhere"
RC=0
(cd "$T/elsewhere" && GIT_DIR="$Z/.git" GIT_WORK_TREE="$Z" "$DTSCAN" staged --format jsonl >"$OUT" 2>"$ERR") || RC=$?
assert_rc 1 "GIT_DIR and GIT_WORK_TREE name the repository, not the current directory"
assert_eq "env.sh:1" "$(where "$OUT" "$tid4")" "GIT_DIR: the staged token"
RC=0
(cd "$T/elsewhere" && GIT_DIR="$T/no-such-dir" "$DTSCAN" staged >"$OUT" 2>"$ERR") || RC=$?
expect_fatal "GIT_DIR naming no repository"

# --- staged PATH...: the index content of the named files, changed or not (pre-commit's file names) --
F="$T/named"
mkrepo "$F"
mkdir -p "$F/old" "$F/src"
printf 'DT_API_TOKEN=%s\n' "$tok4" >"$F/old/leak.env"
printf 'clean\n' >"$F/src/app.txt"
git -C "$F" add . && git -C "$F" commit -q -m "a leak committed earlier"
run_in "$F" "$DTSCAN" staged --format jsonl
assert_rc 0 "staged without PATH: the committed leak is not staged"
run_in "$F" "$DTSCAN" staged --format jsonl old/leak.env src/app.txt
assert_rc 1 "staged PATH: an unchanged tracked file is scanned from the index"
assert_eq "old/leak.env:1" "$(where "$OUT" "$tid4")" "staged PATH: the committed leak, with its repository path"
run_in "$F" "$DTSCAN" staged --format jsonl src/app.txt
assert_rc 0 "staged PATH: only the named file"
run_in "$F" "$DTSCAN" staged --format jsonl old
assert_eq "old/leak.env:1" "$(where "$OUT" "$tid4")" "staged DIR: every index entry below it"
run_in "$F/src" "$DTSCAN" staged --format jsonl ../old/leak.env
assert_eq "old/leak.env:1" "$(where "$OUT" "$tid4")" "staged PATH from a subdirectory: relative to the current directory"
printf 'DT_API_TOKEN=%s\n' "$tok3" >"$F/src/app.txt"
run_in "$F" "$DTSCAN" staged --format jsonl src/app.txt
assert_rc 0 "staged PATH: the index content, not the working tree's"
printf 'DT_API_TOKEN=%s\n' "$tok3" >"$F/untracked.env"
run_in "$F" "$DTSCAN" staged --format jsonl untracked.env
assert_rc 0 "staged PATH: an untracked file is not scanned"
assert_file_contains "$ERR" "'untracked.env' is not in the index" "staged PATH: an untracked file is a one-line warning"
run_in "$F" "$DTSCAN" staged --format jsonl --exclude old old/leak.env
assert_rc 0 "staged PATH: --exclude still applies"
run_in "$F" "$DTSCAN" staged --format jsonl /etc/hostname
expect_fatal "staged PATH outside the work tree"
assert_file_contains "$ERR" "outside the repository" "staged PATH outside the work tree: says so"
git -C "$F" checkout -q -- src/app.txt

finish
