#!/usr/bin/env bash
# Regenerates the fuzz_index seeds (tests/fuzz/corpus/fuzz_index/index-*): small git index files made by
# the real git command in each state the parser handles (versions 2, 3 and 4, cache-tree, intent-to-add,
# conflict stages, long paths, split index, sparse index, untracked cache). The committed files are its
# output; rerun it only to refresh them. Usage: tests/fuzz/make-index-seeds.sh [DEST_DIR]
set -euo pipefail
dest="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/corpus/fuzz_index}" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$work" GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
git config --global user.email fuzz@example.invalid
git config --global user.name fuzz
git config --global init.defaultBranch main

repo() { # repo NAME: a fresh repository with a few files, a directory tree and a commit
  rm -rf "$work/$1" && mkdir -p "$work/$1" && cd "$work/$1"
  git init -q .
  mkdir -p src/lib docs
  echo one >a.txt; echo two >src/b.txt; echo three >src/lib/c.txt; echo four >docs/d.md
  git add . && git commit -q -m init
}
save() { cp .git/index "$dest/index-$1"; }

repo v2; save v2-cache-tree
echo changed >src/b.txt; git add src/b.txt; save v2-invalidated-tree
echo new >new.txt; git add -N new.txt; save v3-intent-to-add

repo v4; git update-index --index-version 4; echo x >src/lib/e.txt; git add .; save v4-prefix-compressed

repo long; c=$(printf 'd%.0s' {1..200}); p=$(printf "$c/%.0s" {1..20})long.txt # a path over 4095 bytes
mkdir -p "$(dirname "$p")"; echo long >"$p"; git add .; save v2-long-path

repo conflict; git checkout -q -b side; echo side >a.txt; git commit -q -am side
git checkout -q main; echo main >a.txt; git commit -q -am main; git merge -q side >/dev/null 2>&1 || true
save v2-conflict-stages

repo split; git update-index --split-index; echo y >src/b.txt; git add .; save split-link
cp .git/sharedindex.* "$dest/index-split-shared" 2>/dev/null || true

repo sparse; git sparse-checkout init --cone --sparse-index >/dev/null 2>&1 && git sparse-checkout set src >/dev/null 2>&1 &&
  save sparse-dir-entries || true

repo untracked; git config core.untrackedCache true; echo u >untracked.txt; git status --porcelain >/dev/null; git update-index --untracked-cache
git status --porcelain >/dev/null; save v2-untracked-cache
ls -la "$dest"
