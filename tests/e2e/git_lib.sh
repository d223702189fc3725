# Helpers for the end-to-end tests that build real git repositories with the `git` command (staged, git
# history, baselines, config). Source it after lib.sh: it needs $T.
# shellcheck shell=bash

if ! command -v git >/dev/null 2>&1; then
  echo "e2e: git is not installed" >&2
  exit 2
fi

# The user's and the system's git configuration, and a surrounding hook's environment, must not leak in.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
  GIT_CONFIG GIT_CONFIG_GLOBAL GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_NAMESPACE GIT_PREFIX \
  GIT_COMMON_DIR GIT_CEILING_DIRECTORIES
export HOME="$T"
export XDG_CONFIG_HOME="$T/.xdg"
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="dtscan e2e" GIT_AUTHOR_EMAIL="e2e@example.invalid"
export GIT_COMMITTER_NAME="dtscan e2e" GIT_COMMITTER_EMAIL="e2e@example.invalid"
export GIT_TERMINAL_PROMPT=0 GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no
cat >"$T/.gitconfig" <<'EOF'
[init]
	defaultBranch = main
[advice]
	detachedHead = false
[core]
	autocrlf = false
[commit]
	gpgsign = false
[tag]
	gpgsign = false
EOF

# mkrepo DIR: a new repository with branch main and no commit.
mkrepo() { git init -q -b main "$1"; }

# readme_repo DIR: a new repository (and its directories) with one clean commit of a README.
readme_repo() {
  mkdir -p "$1"
  mkrepo "$1"
  printf '# %s\n' "$(basename "$1")" >"$1/README.md"
  commit_all "$1" "init"
}

# commit_all DIR MESSAGE: stages everything in the work tree and commits it.
commit_all() {
  git -C "$1" add -A
  git -C "$1" commit -q --allow-empty -m "$2"
}

# git_gc DIR: `git gc --prune=now`. git repack runs pack-objects with /dev/null as its revision list on
# stdin; where /dev/null is a regular file (some sandboxes) it holds stale output, which git then reads
# as revisions ("bad revision 'Auto-merging ...'"), so empty it first.
git_gc() {
  [ -c /dev/null ] || : >/dev/null
  git -C "$1" gc -q --prune=now
}

# rev DIR REV: the 40-hex commit id of REV.
rev() { git -C "$1" rev-parse --verify -q "$2^{commit}"; }

# run_in DIR CMD...: like `run`, with DIR as the current directory.
# shellcheck disable=SC2034 # RC is read by the tests and lib.sh
run_in() {
  local dir=$1
  shift
  RC=0
  (cd "$dir" && exec "$@") >"$OUT" 2>"$ERR" || RC=$?
}

# tid_of TOKEN: the token identifier (prefix and public part) of a three-part token.
tid_of() { printf '%s' "$1" | cut -d. -f1,2; }
# secret_of TOKEN: the secret (third) part of a three-part token.
secret_of() { printf '%s' "$1" | cut -d. -f3; }

# jf FILE TOKEN_ID FIELD: FIELD's value in the first jsonl finding line that has TOKEN_ID (quotes removed).
jf() { { grep -F "\"token_id\":\"$2\"" "$1" | head -n 1 | grep -oE "\"$3\":(\"[^\"]*\"|[^,}]*)" | head -n 1 | cut -d: -f2- | tr -d '"'; } || true; }

# where FILE TOKEN_ID: "path:line" of a token's first finding in a jsonl report.
where() { printf '%s:%s' "$(jf "$1" "$2" path)" "$(jf "$1" "$2" line)"; }

# count_tid FILE TOKEN_ID: how many findings (jsonl lines) name TOKEN_ID.
count_tid() { { grep -cF "\"token_id\":\"$2\"" "$1" || true; } | tr -d ' '; }

# nfindings FILE: findings in a jsonl report (every line but the summary).
nfindings() { { grep -c '^{"rule_id":' "$1" || true; } | tr -d ' '; }

# paths_of FILE: the sorted, space-separated paths of the findings of a jsonl report.
paths_of() { { grep -oE '^\{"rule_id":.*"path":"[^"]*"' "$1" | grep -oE '"path":"[^"]*"$' | cut -d: -f2- | tr -d '"'; } | sort | tr '\n' ' ' | sed 's/ $//' || true; }

# findings_only FILE: the finding lines of a jsonl report, without the summary.
findings_only() { grep '^{"rule_id":' "$1" || true; }

# expect_fatal WHAT: the last `run` exited 2 with exactly one 'dtscan: error: ' line on stderr and no stdout.
expect_fatal() {
  assert_rc 2 "$1"
  assert_empty "$OUT" "$1: nothing on stdout"
  assert_eq 1 "$(wc -l <"$ERR" | tr -d ' ')" "$1: exactly one line on stderr (got: $(head -c 400 "$ERR"))"
  if [ "$(head -c 15 "$ERR")" == "dtscan: error: " ]; then pass; else fail "$1: stderr starts with 'dtscan: error: '" "$(head -c 400 "$ERR")"; fi
}
