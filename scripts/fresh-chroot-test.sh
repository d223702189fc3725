#!/usr/bin/env bash
# Runs the README's commands (`make test`, then `make scan DIR=corpus/docker`) in a fresh
# `debootstrap --variant=minbase bookworm` chroot with only git and make added: the newcomer's machine.
# A green CI on a prepared machine can hide a missing install step; this cannot. Run as root.
# Usage: scripts/fresh-chroot-test.sh [CHROOT_DIR]   (default /var/tmp/dtscan-fresh-chroot; the base
# system is kept there between runs, the checkout and everything apt installed for it are not).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${1:-/var/tmp/dtscan-fresh-chroot}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "$0: needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }

base="$root/base.tar"
if [ ! -f "$base" ]; then
  rm -rf "$root/build-base"
  mkdir -p "$root"
  debootstrap --variant=minbase bookworm "$root/build-base" "$mirror"
  tar -C "$root/build-base" -cf "$base" .
  rm -rf "$root/build-base"
fi

sys="$root/sys"
cleanup() {
  for m in dev/pts dev proc; do umount "$sys/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$sys"
mkdir -p "$sys"
tar -C "$sys" -xf "$base"

# What a machine on this network has that debootstrap does not copy: name resolution, the apt sources
# the host uses (a mirror or snapshot), and any local CA the host trusts (a TLS-inspecting proxy).
cp /etc/resolv.conf "$sys/etc/resolv.conf"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  rm -f "$sys/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/debian.sources "$sys/etc/apt/sources.list.d/"
fi
mkdir -p "$sys/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$sys/usr/local/share/ca-certificates/" 2>/dev/null || true

mount --bind /proc "$sys/proc"
mount --bind /dev "$sys/dev"
mount -t devpts devpts "$sys/dev/pts"

in_chroot() { chroot "$sys" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb "$@"; }
in_chroot sh -c 'apt-get update -q && apt-get install -y -q git make' >"$root/apt.log" 2>&1 ||
  { echo "$0: installing git and make failed; see $root/apt.log" >&2; exit 1; }
git clone -q "$repo" "$sys/root/dtscan"
commit=$(git -C "$sys/root/dtscan" rev-parse --short HEAD)

start=$SECONDS
status=0
in_chroot bash -c 'cd /root/dtscan && make test && make scan DIR=corpus/docker' || status=$?
echo "fresh-chroot-test: exit $status after $((SECONDS - start)) s (commit $commit)"
exit "$status"
