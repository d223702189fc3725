#!/usr/bin/env bash
# Entry of the `dtscan-build` pre-commit hook (language: script): pre-commit checks this repository out
# once per rev into its cache, so the hook builds dtscan from that checkout on first use, keeps the
# binary inside it (.pre-commit-build/bin/dtscan) and then runs it with the hook's arguments. Users get a
# hook that needs no installed dtscan, only the build packages (scripts/install-deps.sh build). A lock
# makes concurrent first uses (two repositories committing at once) build once; the others wait.
# Usage: scripts/pre-commit-build.sh ARGS...   (runs: dtscan ARGS...)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$root/.pre-commit-build
bin=$state/bin/dtscan

die() {
  printf 'dtscan: %s\n' "$1" >&2
  exit 2
}

build() {
  local tool cxx="" build_dir=$state/build log=$state/build.log
  local hint="as root run: $root/scripts/install-deps.sh build"
  command -v cmake >/dev/null 2>&1 || die "cannot build dtscan: cmake not found; $hint"
  for tool in "${CXX:-}" c++ g++ clang++; do
    if [ -n "$tool" ] && command -v "$tool" >/dev/null 2>&1; then
      cxx=$tool
      break
    fi
  done
  [ -n "$cxx" ] || die "cannot build dtscan: no C++ compiler found; $hint"
  local generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

  printf 'dtscan: building dtscan from source (first use only)…\n' >&2
  rm -rf "$build_dir"
  if ! { cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release &&
    cmake --build "$build_dir" --target dtscan --parallel "$(nproc 2>/dev/null || echo 2)"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "building dtscan failed (full log: $log); missing packages? $hint"
  fi
  mkdir -p "$state/bin"
  # Copied then renamed: a binary at $bin is always complete.
  cp "$build_dir/dtscan" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  # Each rev is a fresh checkout, so the object files are never reused.
  rm -rf "$build_dir"
}

if [ ! -x "$bin" ]; then
  mkdir -p "$state"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$state/lock"
    flock 9
  fi
  [ -x "$bin" ] || build
  exec 9>&- # release the lock before scanning
fi
exec "$bin" "$@"
