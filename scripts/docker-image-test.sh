#!/usr/bin/env bash
# Builds the Dockerfile with a real Docker engine and runs the image as a user would: `dtscan version`,
# the default command on a read-only bind mount with a fake token (exit 1, the finding, no secret), a git
# range on a repository owned by another user, SARIF out; and checks the image's contract (non-root uid
# 10001, ENTRYPOINT ["dtscan"], no compiler in the runtime stage). Run as root.
# Docker: the running daemon if the client reaches one; otherwise a private dockerd is started for the
# run (its own socket and data root under DTSCAN_DOCKER_ROOT) and stopped at the end.
# Base images: debian:12 and debian:12-slim when they are present or can be pulled; where Docker Hub is
# out of reach, a local stand-in for both (the minbase bookworm of scripts/chroot-lib.sh, imported), said
# loudly. Exit 3 (CI: skipped) when no Docker engine can run here.
# Usage: scripts/docker-image-test.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${DTSCAN_DOCKER_ROOT:-/var/tmp/dtscan-docker}
tag=dtscan-image-test:$$
# shellcheck source=scripts/chroot-lib.sh
source "$repo/scripts/chroot-lib.sh"
chroot_require_root "$0"
command -v docker >/dev/null || { echo "$0: needs docker (apt-get install docker.io)" >&2; exit 3; }
# The fake token and the version to compare come from this checkout's build.
[ -x "$repo/build/dtscan-fake" ] || make -C "$repo" build >/dev/null

daemon_pid=
stand_in=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  docker image rm -f "$tag" >/dev/null 2>&1 || true
  [ -z "$stand_in" ] || docker image rm -f "$stand_in" >/dev/null 2>&1 || true
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
    # The private daemon's layers and build cache go with it (about 1 GB); dockerd leaves its netns mounted.
    umount "$work/exec/netns/default" 2>/dev/null || true
    rm -rf "$work/data" "$work/exec"
  fi
  rm -rf "$work/ctx"
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || { echo "$0: no Docker daemon and no dockerd to start" >&2; exit 3; }
  mkdir -p "$work"
  export DOCKER_HOST="unix://$work/docker.sock"
  # No bridge or iptables (a sandbox may allow neither): builds and runs use the host's network.
  dockerd --host "$DOCKER_HOST" --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" \
    --bridge=none --iptables=false --ip6tables=false >"$work/dockerd.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 1
  done
  docker info >/dev/null 2>&1 ||
    { tail -n 5 "$work/dockerd.log" >&2; echo "$0: dockerd did not start (log: $work/dockerd.log)" >&2; exit 3; }
  echo "docker-image-test: started a private dockerd ($(docker info -f '{{.Driver}}') storage)"
fi

build_args=()
if ! { docker image inspect debian:12 debian:12-slim >/dev/null 2>&1 ||
  { timeout 60 docker pull -q debian:12 && timeout 60 docker pull -q debian:12-slim; } >/dev/null 2>&1; }; then
  stand_in=dtscan-image-test-base:$$
  chroot_unpack "$work/base"
  tar -C "$work/base" -c . | docker import - "$stand_in" >/dev/null
  rm -rf "$work/base"
  build_args=(--build-arg "BUILD_IMAGE=$stand_in" --build-arg "RUNTIME_IMAGE=$stand_in")
  echo "docker-image-test: NOTE: debian:12 cannot be pulled here; both stages use a local minbase bookworm" \
    "(debootstrap) in its place"
fi

start=$SECONDS
if ! docker build --network host "${build_args[@]}" -t "$tag" "$repo" >"$work/build.log" 2>&1; then
  tail -n 20 "$work/build.log" >&2
  echo "$0: docker build failed; see $work/build.log" >&2
  exit 1
fi
echo "docker-image-test: docker build in $((SECONDS - start)) s, image $(docker image inspect -f '{{.Size}}' "$tag") bytes"

status=0
fail() { echo "docker-image-test: FAIL: $*" >&2; status=1; }
run() { docker run --rm --network none "$@"; }

version=$("$repo/build/dtscan" version 2>/dev/null || true)
out=$(run "$tag" version) || fail "dtscan version exits $?"
echo "docker-image-test: $out"
[ -z "$version" ] || [ "$out" = "$version" ] || fail "the image prints '$out', the build here '$version'"
[ "$(docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$tag")" = '["dtscan"] ["scan","."]' ] ||
  fail "ENTRYPOINT/CMD are not [\"dtscan\"] [\"scan\",\".\"]"
[ "$(run --entrypoint id "$tag" -u)" = 10001 ] || fail "the image does not run as uid 10001"
! run --entrypoint sh "$tag" -c 'command -v c++ || command -v cmake' >/dev/null || fail "the runtime image holds a compiler"

# A checkout owned by root (not the image's user), with a fake token in its last commit only.
ctx="$work/ctx"
rm -rf "$ctx" && mkdir -p "$ctx"
git -C "$ctx" init -q
git -C "$ctx" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m base
printf 'DT_API_TOKEN=@@dt0c01@@\n' | "$repo/build/dtscan-fake" --seed docker-image >"$ctx/deploy.env"
git -C "$ctx" add deploy.env
git -C "$ctx" -c user.name=t -c user.email=t@example.invalid commit -q -m leak
token=$(sed -n 's/^DT_API_TOKEN=//p' "$ctx/deploy.env")

rc=0
report=$(run -v "$ctx:/src:ro" "$tag" 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "the default command (scan .) exits $rc, expected 1: $report"
grep -qE '^deploy\.env:1:[0-9]+: (HIGH|CRITICAL) dynatrace-token ' <<<"$report" || fail "scan . reports no finding: $report"
! grep -qF "$token" <<<"$report" || fail "the report prints the secret"
echo "docker-image-test: docker run -v CHECKOUT:/src:ro IMAGE: exit $rc, $(grep -c ' dynatrace-token ' <<<"$report") finding"

rc=0
sarif=$(run -v "$ctx:/src:ro" "$tag" git --range HEAD~1..HEAD --format sarif 2>"$work/git.err") || rc=$?
[ "$rc" -eq 1 ] || fail "git --range HEAD~1..HEAD exits $rc, expected 1: $(cat "$work/git.err")"
results=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"][0]["results"]))' <<<"$sarif" 2>/dev/null || echo none)
[ "$results" = 1 ] || fail "git --range --format sarif: $results results, expected 1"
! grep -qF "$token" <<<"$sarif" || fail "the SARIF prints the secret"
echo "docker-image-test: git --range HEAD~1..HEAD --format sarif on a root-owned checkout: exit $rc, $results result"

echo "docker-image-test: $([ "$status" -eq 0 ] && echo PASS || echo FAIL)"
exit "$status"
