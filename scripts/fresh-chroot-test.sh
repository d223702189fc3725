#!/usr/bin/env bash
# Runs the README's commands (`make test`, then `make scan DIR=corpus/docker`) in a fresh
# `debootstrap --variant=minbase bookworm` chroot with only git and make added: the newcomer's machine.
# A green CI on a prepared machine can hide a missing install step; this cannot. Run as root.
# Usage: scripts/fresh-chroot-test.sh [CHROOT_DIR]   (default /var/tmp/dtscan-fresh-chroot; the base
# system is cached in DTSCAN_CHROOT_BASE between runs (scripts/chroot-lib.sh), the checkout and
# everything apt installed for it are not).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${1:-/var/tmp/dtscan-fresh-chroot}
# shellcheck source=scripts/chroot-lib.sh
source "$repo/scripts/chroot-lib.sh"
chroot_require_root "$0"
chroot_make "$root/sys"

in_chroot sh -c 'apt-get update -q && apt-get install -y -q git make' >"$root/apt.log" 2>&1 ||
  { echo "$0: installing git and make failed; see $root/apt.log" >&2; exit 1; }
git clone -q "$repo" "$CHROOT_SYS/root/dtscan"
commit=$(git -C "$CHROOT_SYS/root/dtscan" rev-parse --short HEAD)

start=$SECONDS
status=0
in_chroot bash -c 'cd /root/dtscan && make test && make scan DIR=corpus/docker' || status=$?
echo "fresh-chroot-test: exit $status after $((SECONDS - start)) s (commit $commit)"
exit "$status"
