#!/usr/bin/env bash
# Installs the Debian 12 packages that dtscan needs for one job (build, test, bench, fuzz, format, package),
# starting from a minimal Debian (debootstrap minbase + git + make). Idempotent: installs only what is missing.
set -euo pipefail

usage() { echo "usage: $0 [build|test|bench|fuzz|format|package]..." >&2; exit 2; }

# Boost.Filesystem (named in DESIGN.md) is not needed: the walker uses POSIX directory reads directly.
build_pkgs=(g++ cmake ninja-build pkg-config libre2-dev libgit2-dev zlib1g-dev libfmt-dev nlohmann-json3-dev doctest-dev libcurl4-openssl-dev libsqlite3-dev ca-certificates)
# nodejs + npm: the SARIF multitool (npm package; tests/tools/validate-sarif.sh runs it without ICU).
# git: assumed present on a fresh machine; listed so that a test host without it gets it.
# pre-commit: the real framework, for the end-to-end test of .pre-commit-hooks.yaml.
# python3: the fake Dynatrace tenant of the --verify test (tests/verify/fake_tenant.py); python3-yaml:
# tests/tools/action_runner.py reads action.yml. parallel: GNU parallel runs the audit shards of test_shard.
# man-db: test_install reads the installed man page with man -l. openssl: test_verify_tls makes its CA
# and server certificates. zsh: test_install syntax-checks the zsh completion.
test_pkgs=(nodejs npm git pre-commit python3 python3-yaml man-db parallel openssl zsh)
bench_pkgs=(ripgrep hyperfine time)
# clang 14 + libclang-rt-14-dev: libFuzzer and the sanitizer runtimes; llvm: llvm-symbolizer, without
# which sanitizer reports have no function names (clang only recommends it).
fuzz_pkgs=(clang libclang-rt-14-dev llvm)
format_pkgs=(clang-format)
# dpkg-dev: dpkg-shlibdeps, which computes the .deb's Depends; file: CPack finds the ELF files with it.
package_pkgs=(dpkg-dev file)

[[ $# -gt 0 ]] || set -- build
want=()
for job in "$@"; do
  case "$job" in
    build)  want+=("${build_pkgs[@]}") ;;
    test)   want+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    bench)  want+=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
    fuzz)   want+=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
    format) want+=("${format_pkgs[@]}") ;;
    package) want+=("${build_pkgs[@]}" "${package_pkgs[@]}") ;;
    -h|--help) usage ;;
    *) echo "$0: unknown job '$job'" >&2; usage ;;
  esac
done

# What is installed, including virtual packages provided by installed ones (NodeSource's nodejs
# provides npm; installing Debian's npm next to it would conflict).
installed=$(dpkg-query -W -f='${Status}\t${Package}\t${Provides}\n' 2>/dev/null \
  | awk -F'\t' '$1 == "install ok installed" {
      print $2; n = split($3, p, /, */); for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); if (p[i] != "") print p[i] } }')

missing=()
declare -A seen=()
for pkg in "${want[@]}"; do
  [[ -n "${seen[$pkg]:-}" ]] && continue
  seen[$pkg]=1
  grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "$0: missing Debian packages; as root run: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
