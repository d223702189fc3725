#!/usr/bin/env bash
# Installs the .deb as a user would, on a machine that never saw the source: builds it (`make package`
# on this host), makes a fresh `debootstrap --variant=minbase bookworm` chroot, runs
# `apt-get install -y ./dtscan_<version>_<arch>.deb` there (apt fetches the Depends that dpkg-shlibdeps
# computed), then `dtscan version` and a scan of a file with a fake token (expected: exit 1, the finding,
# no secret in the output). Manual / CI-optional (root, network, minutes), not a ctest test.
# Usage: scripts/deb-chroot-test.sh [CHROOT_DIR]   (default /var/tmp/dtscan-deb-chroot; BUILD_DIR as
# for make, default build).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${1:-/var/tmp/dtscan-deb-chroot}
build_dir=${BUILD_DIR:-build}
case $build_dir in /*) ;; *) build_dir="$repo/$build_dir" ;; esac
# shellcheck source=scripts/chroot-lib.sh
source "$repo/scripts/chroot-lib.sh"
chroot_require_root "$0"

start=$SECONDS
make -C "$repo" package BUILD_DIR="$build_dir" >"${TMPDIR:-/tmp}/dtscan-deb-package.log" 2>&1 ||
  { echo "$0: make package failed; see ${TMPDIR:-/tmp}/dtscan-deb-package.log" >&2; exit 1; }
version=$("$build_dir/dtscan" version | sed -n 's/^dtscan //p')
deb=$(ls "$build_dir"/dtscan_"${version}"_*.deb)
echo "deb-chroot-test: built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start)) s"
depends=$(dpkg-deb -f "$deb" Depends)
echo "deb-chroot-test: Depends: $depends"
# The package names of Depends, one per line ("libc6 (>= 2.34), ..." -> "libc6").
depends_names=$(tr ',|' '\n' <<<"$depends" | awk '{ print $1 }')
# Every library the binary links directly (its NEEDED entries) must come from a package in Depends.
missing=()
for lib in $(objdump -p "$build_dir/dtscan" | awk '$1 == "NEEDED" { print $2 }'); do
  # awk reads to the end: an early exit would kill ldconfig with SIGPIPE, which pipefail makes fatal.
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null || true)
  pkg=${pkg%%:*}
  if [ -z "$pkg" ] || ! grep -qxF "$pkg" <<<"$depends_names"; then missing+=("$lib (${pkg:-no package})"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deb-chroot-test: FAIL: Depends lacks the package of: ${missing[*]}" >&2
  exit 1
fi
echo "deb-chroot-test: Depends covers every NEEDED library of the binary"

start=$SECONDS
chroot_make "$root/sys"
echo "deb-chroot-test: fresh bookworm minbase chroot in $((SECONDS - start)) s"
cp "$deb" "$CHROOT_SYS/root/"
# shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
before=$(in_chroot dpkg-query -W -f='${Package}\n' | wc -l)

start=$SECONDS
if ! in_chroot sh -c "cd /root && apt-get update -q && apt-get install -y -q ./$(basename "$deb")" >"$root/apt.log" 2>&1; then
  echo "$0: apt-get install ./$(basename "$deb") failed; see $root/apt.log" >&2
  tail -n 20 "$root/apt.log" >&2
  exit 1
fi
# shellcheck disable=SC2016
after=$(in_chroot dpkg-query -W -f='${Package}\n' | wc -l)
echo "deb-chroot-test: apt-get install ./$(basename "$deb"): $((after - before)) packages installed" \
  "(dtscan and its dependencies) in $((SECONDS - start)) s"

status=0
fail() { echo "deb-chroot-test: FAIL: $*" >&2; status=1; }
out=$(in_chroot dtscan version) || fail "dtscan version exits $?"
[ "$out" = "dtscan $version" ] || fail "dtscan version prints '$out', expected 'dtscan $version'"
echo "deb-chroot-test: $out"
[ "$(in_chroot sh -c 'command -v dtscan')" = /usr/bin/dtscan ] || fail "dtscan is not /usr/bin/dtscan"
for f in /usr/share/man/man1/dtscan.1 /usr/share/bash-completion/completions/dtscan \
  /usr/share/zsh/vendor-completions/_dtscan /usr/share/doc/dtscan/README.md; do
  [ -f "$CHROOT_SYS$f" ] || fail "$f is not installed"
done

# The fake token is made here by the build's dtscan-fake: the chroot has only the package.
mkdir -p "$CHROOT_SYS/root/leak"
printf 'DT_API_TOKEN=@@dt0c01@@\n' | "$build_dir/dtscan-fake" --seed deb-chroot >"$CHROOT_SYS/root/leak/deploy.env"
token=$(sed -n 's/^DT_API_TOKEN=//p' "$CHROOT_SYS/root/leak/deploy.env")
rc=0
report=$(in_chroot sh -c 'cd /root/leak && dtscan scan deploy.env' 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "dtscan scan of a file with a fake token exits $rc, expected 1"
grep -qE '^deploy\.env:1:[0-9]+: (HIGH|CRITICAL) dynatrace-token ' <<<"$report" || fail "no finding reported: $report"
! grep -qF "$token" <<<"$report" || fail "the report prints the secret"
echo "deb-chroot-test: dtscan scan deploy.env: exit $rc; $(grep -c ' dynatrace-token ' <<<"$report") finding"

echo "deb-chroot-test: $([ "$status" -eq 0 ] && echo PASS || echo FAIL)"
exit "$status"
