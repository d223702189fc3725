#!/usr/bin/env bash
# The hooks of .pre-commit-hooks.yaml run by the real pre-commit framework on real commits (SPEC §6): a
# staged token blocks the commit and is shown without its secret; clean commits, deletions and tokens
# left unstaged pass; `git commit -a` and `git commit PATH` (which hand the hook a temporary index in
# GIT_INDEX_FILE) are scanned too; `pre-commit run --all-files` finds a leak committed earlier. The
# self-contained hook (`dtscan`, and its old id `dtscan-build`) builds once from its checkout, even when
# two repositories commit at the same time. No network: the hook repository is a local one.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v pre-commit >/dev/null 2>&1; then
  fail "pre-commit is not on PATH: install the Debian package pre-commit (scripts/install-deps.sh test)"
  finish
fi

# --- isolation: no state in ~/.cache, no user or system git config (hooksPath, signing), no GIT_* leaking in
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^GIT_' || true)
export HOME=$T/home PRE_COMMIT_HOME=$T/pre-commit-home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
DTSCAN=$(abs "$DTSCAN")
DTSCAN_FAKE=$(abs "$DTSCAN_FAKE")
SOURCE_DIR=$(cd "$SOURCE_DIR" && pwd)
ORIG_PATH=$PATH

new_repo() { # DIR
  git -c init.defaultBranch=main init -q "$1"
  git -C "$1" config user.email e2e@example.invalid
  git -C "$1" config user.name e2e
  git -C "$1" config commit.gpgsign false
}

# --- the hook repository -------------------------------------------------------------------------
# pre-commit clones `repo:` at `rev:`, so uncommitted changes in SOURCE_DIR would be invisible to it: the
# hooks come from a commit of the source tree as it is now (tracked and untracked, not ignored files).
HOOKS=$T/hook-repo
mkdir -p "$HOOKS"
list_sources() {
  if git -C "$SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$SOURCE_DIR" ls-files -z -co --exclude-standard
  else
    (cd "$SOURCE_DIR" && find . -name .git -prune -o \( -type f -o -type l \) -print0)
  fi | while IFS= read -r -d '' f; do
    f=${f#./}
    case "/$f" in /build*/* | */node_modules/* | /.pre-commit-build/*) continue ;; esac
    if [ -e "$SOURCE_DIR/$f" ] || [ -L "$SOURCE_DIR/$f" ]; then printf '%s\0' "$f"; fi
  done
}
list_sources | tar -C "$SOURCE_DIR" -cf - --null -T - | tar -C "$HOOKS" -xf -
new_repo "$HOOKS"
git -C "$HOOKS" add -A
git -C "$HOOKS" commit -q -m "dtscan hooks under test"
REV=$(git -C "$HOOKS" rev-parse HEAD)
if [ -f "$HOOKS/.pre-commit-hooks.yaml" ] && [ -x "$HOOKS/scripts/pre-commit-build.sh" ]; then pass; else
  fail "hook repository has .pre-commit-hooks.yaml and an executable scripts/pre-commit-build.sh"
fi

# write_config REPO HOOK_ID [EXTRA_YAML_LINE]
write_config() {
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' "$HOOKS" "$REV" "$2" >"$1/.pre-commit-config.yaml"
  if [ -n "${3:-}" ]; then printf '        %s\n' "$3" >>"$1/.pre-commit-config.yaml"; fi
}

# project REPO HOOK_ID [EXTRA]: a new repository with the hook installed and its config staged.
project() {
  new_repo "$1"
  write_config "$@"
  RC=0
  (cd "$1" && pre-commit install) >"$OUT" 2>"$ERR" || RC=$?
  assert_rc 0 "pre-commit install in $(basename "$1")"
  git -C "$1" add .pre-commit-config.yaml
}

# commit_in REPO GIT_COMMIT_ARGS...: output (stdout and stderr) in $OUT, status in $RC, HEAD before in $HEAD0.
commit_in() {
  local repo=$1
  shift
  HEAD0=$(git -C "$repo" rev-parse -q --verify HEAD || true)
  RC=0
  git -C "$repo" commit -q "$@" >"$OUT" 2>&1 || RC=$?
  : >"$ERR"
}
head_of() { git -C "$1" rev-parse -q --verify HEAD || true; }

assert_rejected() { # REPO WHAT
  if [ "$RC" -ne 0 ]; then pass; else fail "$2: the commit was not rejected" "$(head -c 1500 "$OUT")"; fi
  assert_eq "$HEAD0" "$(head_of "$1")" "$2: no commit was made"
  # Undo a wrongly accepted commit (index back to HEAD0, working tree kept) so the next cases still test.
  if [ -n "$HEAD0" ] && [ "$HEAD0" != "$(head_of "$1")" ]; then git -C "$1" reset -q "$HEAD0"; fi
  assert_match "$OUT" '\.Failed$' "$2: pre-commit reports the hook as failed"
}

assert_committed() { # REPO WHAT
  if [ "$RC" -eq 0 ]; then pass; else fail "$2: the commit was rejected (status $RC)" "$(head -c 1500 "$OUT")"; fi
  if [ "$HEAD0" != "$(head_of "$1")" ]; then pass; else fail "$2: HEAD did not move"; fi
}

# token_in FILE: the one dt0c01 token in FILE (generated at test time).
token_in() { grep -oE 'dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}' "$1" | head -n 1; }

# assert_finding_shown WHAT TOKEN PATH:LINE: the finding is in $OUT, its secret part is not.
assert_finding_shown() {
  assert_file_contains "$OUT" "dynatrace-token ${2%.*}" "$1: rule id and token id shown"
  assert_file_contains "$OUT" "$3:" "$1: path (relative to the repository root) and staged line shown"
  assert_file_lacks "$OUT" "${2##*.}" "$1: the secret part is not shown"
}

# --- hook `dtscan-system` (language: system, the dtscan on PATH) ---------------------------------
mkdir -p "$T/bin"
ln -s "$DTSCAN" "$T/bin/dtscan"
export PATH="$T/bin:$ORIG_PATH"
P=$T/project
project "$P" dtscan-system

commit_in "$P" -m "pre-commit config"
assert_committed "$P" "first commit (no HEAD yet), clean"
assert_match "$OUT" '^dtscan \(Dynatrace tokens\)\.+Passed$' "first commit: the dtscan-system hook ran and passed"

# (a) a staged token with an environment URL in the same file: critical, the commit is refused.
printf 'DT_ENV_URL=https://abc12345.live.dynatrace.com\nexport DT_API_TOKEN=@@dt0c01@@\n' |
  fake_file "$P/deploy/env.sh" staged-token
token=$(token_in "$P/deploy/env.sh")
[ -n "$token" ] || fail "dtscan-fake produced a dt0c01 token"
git -C "$P" add deploy/env.sh
commit_in "$P" -m "leak"
assert_rejected "$P" "staged token"
assert_finding_shown "staged token" "$token" "deploy/env.sh:2"
assert_file_contains "$OUT" "CRITICAL" "staged token with an environment URL is critical"

# The same token staged while the working copy no longer has it: still refused (the index is committed).
# shellcheck disable=SC2016 # a literal command substitution, not a secret
printf 'DT_ENV_URL=https://abc12345.live.dynatrace.com\nexport DT_API_TOKEN="$(cat /run/secrets/dt)"\n' >"$P/deploy/env.sh"
commit_in "$P" -m "leak, fixed only in the working tree"
assert_rejected "$P" "token staged, working copy fixed"
assert_finding_shown "token staged, working copy fixed" "$token" "deploy/env.sh:2"
assert_file_lacks "$P/deploy/env.sh" "$token" "the working copy is left as it was"
git -C "$P" reset -q -- deploy/env.sh
rm -r "$P/deploy"

# (b) a clean file commits.
# shellcheck disable=SC2016 # a literal variable reference, not a secret
printf 'curl -H "Authorization: Api-Token ${DT_API_TOKEN:?}" "$DT_ENV_URL/api/v2/metrics"\n' >"$P/app.sh"
git -C "$P" add app.sh
commit_in "$P" -m "clean file"
assert_committed "$P" "clean file"

# (c) staged clean, a token only in the working copy (not staged): the commit passes, the token stays unstaged.
printf 'log_level=info\n' >"$P/settings.env"
git -C "$P" add settings.env
{ printf 'log_level=info\n'; fake 'DT_API_TOKEN=@@dt0c01@@' unstaged-token; } >"$P/settings.env"
unstaged=$(token_in "$P/settings.env")
commit_in "$P" -m "settings"
assert_committed "$P" "clean staged content, token only in the working copy"
assert_eq "log_level=info" "$(git -C "$P" show HEAD:settings.env)" "the committed content is the staged one"
assert_file_contains "$P/settings.env" "$unstaged" "the unstaged token is still in the working copy"
assert_eq " M settings.env" "$(git -C "$P" status --porcelain settings.env)" "the working-copy change is still unstaged"
git -C "$P" checkout -q -- settings.env

# `git commit -a` and `git commit PATH` commit through a temporary index (GIT_INDEX_FILE): scanned too.
fake 'export DT_API_TOKEN=@@dt0c01@@' commit-a >>"$P/app.sh"
token=$(token_in "$P/app.sh")
commit_in "$P" -a -m "commit -a"
assert_rejected "$P" "git commit -a with a token in a tracked file"
assert_finding_shown "git commit -a" "$token" "app.sh:2"
commit_in "$P" -m "commit PATH" -- app.sh
assert_rejected "$P" "git commit PATH with a token in that file"
assert_finding_shown "git commit PATH" "$token" "app.sh:2"
git -C "$P" checkout -q -- app.sh

# Removing a leaked file is never blocked (deleted paths are not scanned); an empty commit passes.
printf 'DT_ENV_URL=https://abc12345.live.dynatrace.com\nexport DT_API_TOKEN=@@dt0c01@@\n' |
  fake_file "$P/leaked.sh" leaked
git -C "$P" add leaked.sh
git -C "$P" commit -q --no-verify -m "leak that got past the hook"
git -C "$P" rm -q leaked.sh
commit_in "$P" -m "remove the leak"
assert_committed "$P" "deleting a file that holds a token"
commit_in "$P" --allow-empty -m "empty"
assert_committed "$P" "empty commit (nothing staged)"

# `pre-commit run --all-files` (a CI job, or a first run on an old repository) passes every tracked file:
# a leak committed past the hook fails it; an untracked file is not pre-commit's to pass.
printf 'export DT_API_TOKEN=@@dt0c01@@\n' | fake_file "$P/old/leak.sh" all-files
token=$(token_in "$P/old/leak.sh")
git -C "$P" add old/leak.sh
git -C "$P" commit -q --no-verify -m "a leak committed with --no-verify"
RC=0
(cd "$P" && pre-commit run) >"$OUT" 2>&1 || RC=$?
assert_eq 0 "$RC" "pre-commit run with nothing staged: passes (nothing to commit)"
RC=0
(cd "$P" && pre-commit run --all-files) >"$OUT" 2>&1 || RC=$?
if [ "$RC" -ne 0 ]; then pass; else fail "pre-commit run --all-files: a committed leak fails it" "$(head -c 1500 "$OUT")"; fi
assert_finding_shown "pre-commit run --all-files" "$token" "old/leak.sh:1"
RC=0
(cd "$P" && pre-commit run --files app.sh) >"$OUT" 2>&1 || RC=$?
assert_eq 0 "$RC" "pre-commit run --files app.sh: only that file, clean"
RC=0
(cd "$P" && pre-commit run --files old/leak.sh) >"$OUT" 2>&1 || RC=$?
if [ "$RC" -ne 0 ]; then pass; else fail "pre-commit run --files old/leak.sh: fails on the leak"; fi
git -C "$P" rm -q old/leak.sh
commit_in "$P" -m "remove the old leak"
assert_committed "$P" "removing the old leak"
RC=0
(cd "$P" && pre-commit run --all-files) >"$OUT" 2>&1 || RC=$?
assert_eq 0 "$RC" "pre-commit run --all-files after the removal: passes"

# --- hook `dtscan` (language: script): built from the hook checkout on first use ------------------
# No dtscan on PATH. Two repositories make their first commit at the same time, one with the hook's id
# `dtscan`, one with its old id `dtscan-build`: one build (they share the checkout), both pass.
export PATH=$ORIG_PATH
B1=$T/build-1
B2=$T/build-2
project "$B1" dtscan "verbose: true"
project "$B2" dtscan-build "verbose: true"
build_commit() { # REPO: first commit in the background, output in REPO.out, status in REPO.rc
  local rc=0
  git -C "$1" commit -q -m "pre-commit config" >"$1.out" 2>&1 || rc=$?
  echo "$rc" >"$1.rc"
}
start=$(date +%s)
build_commit "$B1" &
pid1=$!
build_commit "$B2" &
pid2=$!
wait "$pid1" "$pid2"
build_seconds=$(($(date +%s) - start))
for b in "$B1" "$B2"; do
  if [ "$(cat "$b.rc")" = 0 ]; then pass; else fail "dtscan-build: first commit in $(basename "$b")" "$(tail -c 1500 "$b.out")"; fi
  assert_match "$b.out" '^dtscan \(Dynatrace tokens, built from source\)\.+Passed$' "dtscan-build ran and passed in $(basename "$b")"
done
assert_eq 1 "$(($(count_of "$B1.out" "building dtscan from source") + $(count_of "$B2.out" "building dtscan from source")))" \
  "dtscan-build: built exactly once for two concurrent first uses"
built=$(find "$PRE_COMMIT_HOME" -path '*/.pre-commit-build/bin/dtscan' -type f -perm -u+x | head -n 1)
if [ -n "$built" ]; then pass; else fail "dtscan-build: binary cached in the hook checkout"; fi
if [ -n "$built" ] && [ ! -e "$(dirname "$(dirname "$built")")/build" ]; then pass; else
  fail "dtscan-build: the object files are removed after the build"
fi

printf 'DT_ENV_URL=https://abc12345.live.dynatrace.com\nexport DT_API_TOKEN=@@dt0c01@@\n' |
  fake_file "$B1/ci/deploy.sh" build-hook-token
token=$(token_in "$B1/ci/deploy.sh")
git -C "$B1" add ci/deploy.sh
commit_in "$B1" -m "leak"
assert_rejected "$B1" "dtscan-build: staged token"
assert_finding_shown "dtscan-build: staged token" "$token" "ci/deploy.sh:2"
assert_file_lacks "$OUT" "building dtscan" "dtscan-build: no second build"
printf 'echo deploy\n' >"$B1/ci/deploy.sh"
git -C "$B1" add ci/deploy.sh
commit_in "$B1" -m "clean"
assert_committed "$B1" "dtscan-build: clean file"

printf 'test_precommit: dtscan-build first use took %ds\n' "$build_seconds"
finish
