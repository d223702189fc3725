# Shared by scripts/fresh-chroot-test.sh and scripts/deb-chroot-test.sh (sourced, as root): a fresh
# `debootstrap --variant=minbase bookworm` system for one test run. The debootstrap result is cached as
# a tarball (DTSCAN_CHROOT_BASE) and unpacked anew each run, so nothing of a previous run survives.
# Exit status 3 means the chroot itself could not be made (debootstrap or a mount failed: no archive,
# no privileges), as opposed to a failed test (1); .ci/run reports the first as skipped.
# shellcheck shell=bash

DTSCAN_CHROOT_BASE=${DTSCAN_CHROOT_BASE:-/var/tmp/dtscan-bookworm-minbase.tar}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

chroot_require_root() { # SCRIPT_NAME
  [ "$(id -u)" -eq 0 ] || { echo "$1: run as root (debootstrap, chroot)" >&2; exit 2; }
  command -v debootstrap >/dev/null || { echo "$1: needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }
}

chroot_umount() {
  local m
  for m in dev/pts dev proc; do umount "$CHROOT_SYS/$m" 2>/dev/null || true; done
}

# chroot_base: the cached debootstrap tarball (DTSCAN_CHROOT_BASE), made once.
chroot_base() {
  [ -f "$DTSCAN_CHROOT_BASE" ] && return 0
  local build="$DTSCAN_CHROOT_BASE.build"
  rm -rf "$build"
  mkdir -p "$(dirname "$DTSCAN_CHROOT_BASE")"
  echo "chroot-lib: debootstrap --variant=minbase bookworm (once; log in $DTSCAN_CHROOT_BASE.log)" >&2
  debootstrap --variant=minbase bookworm "$build" "$DEBIAN_MIRROR" >"$DTSCAN_CHROOT_BASE.log" 2>&1 ||
    { tail -n 20 "$DTSCAN_CHROOT_BASE.log" >&2; echo "chroot-lib: debootstrap failed" >&2; exit 3; }
  tar -C "$build" -cf "$DTSCAN_CHROOT_BASE.tmp" .
  mv "$DTSCAN_CHROOT_BASE.tmp" "$DTSCAN_CHROOT_BASE"
  rm -rf "$build"
}

# chroot_unpack DIR: a fresh copy of the base system in DIR (removed first) with what a machine on this
# network has that debootstrap does not copy: name resolution, the apt sources the host uses (a mirror
# or snapshot), and any local CA the host trusts (a TLS-inspecting proxy). No mounts.
chroot_unpack() {
  local dir=$1
  chroot_base
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -C "$dir" -xf "$DTSCAN_CHROOT_BASE"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    rm -f "$dir/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/"
  fi
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
}

# chroot_make DIR: a fresh system in DIR (chroot_unpack) with /proc, /dev and /dev/pts mounted; sets
# CHROOT_SYS and an EXIT trap that unmounts them.
chroot_make() {
  CHROOT_SYS=$1
  trap chroot_umount EXIT
  chroot_umount
  chroot_unpack "$CHROOT_SYS"
  if ! { mount --bind /proc "$CHROOT_SYS/proc" && mount --bind /dev "$CHROOT_SYS/dev" &&
    mount -t devpts devpts "$CHROOT_SYS/dev/pts"; }; then
    echo "chroot-lib: cannot mount /proc and /dev in the chroot" >&2
    exit 3
  fi
}

# in_chroot CMD...: runs CMD in the system with a clean environment.
in_chroot() { chroot "$CHROOT_SYS" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb "$@"; }
