#!/usr/bin/env bash
# Builds the benchmark tree: ~1 GB / ~80,000 files copied in sorted order from /usr/include and /usr/share
# (repeated under numbered prefixes until both targets are met), then plants ~300 fake tokens.
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR   (env: BENCH_FILES, BENCH_BYTES, BENCH_PLANTS, DTSCAN_FAKE, BUILD_DIR)" >&2; exit 2; }
[[ $# -eq 1 && -n "$1" ]] || usage

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$root_dir/$build_dir"
fake=${DTSCAN_FAKE:-$build_dir/dtscan-fake}
target_files=${BENCH_FILES:-80000}
target_bytes=${BENCH_BYTES:-1000000000}
plants=${BENCH_PLANTS:-300}
sources=(/usr/include /usr/share)

out=${1%/}
planted_list="$out.planted"
marker="$out/.dtscan-bench-tree"

if [[ -f "$out/.complete" ]]; then
  echo "make-tree: $out is complete ($(cat "$out/.complete")); remove it to regenerate" >&2
  exit 0
fi
[[ -x "$fake" ]] || { echo "make-tree: $fake not found; build first (make build)" >&2; exit 1; }
if [[ -e "$out" ]]; then
  # Never delete a directory this script did not create.
  if [[ -f "$marker" ]] || [[ -d "$out" && -z "$(ls -A "$out")" ]]; then
    rm -rf "$out"
  else
    echo "make-tree: $out exists and is not a benchmark tree; refusing to overwrite" >&2
    exit 1
  fi
fi
mkdir -p "$out"
: >"$marker"

export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Regular, readable files only (find -type f neither follows nor lists symlinks), in a fixed order.
find "${sources[@]}" -type f -readable -printf '%s %p\0' 2>/dev/null | sort -z -t ' ' -k2 >"$work/files"
[[ -s "$work/files" ]] || { echo "make-tree: no files under ${sources[*]}" >&2; exit 1; }

# Choose copies: pass p copies the whole list under $out/p/, until both targets are met.
count=0 bytes=0 pass=0
while (( count < target_files || bytes < target_bytes )); do
  while IFS=' ' read -r -d '' size path; do
    printf '%s\0' "${path#/}"
    (( count += 1, bytes += size ))
    (( count < target_files || bytes < target_bytes )) || break
  done <"$work/files" >"$work/pass.$pass"
  (( pass += 1 ))
done

for ((p = 0; p < pass; p++)); do
  mkdir -p "$out/$p"
  tar -C / --null -T "$work/pass.$p" --hard-dereference --ignore-failed-read -cf - 2>/dev/null \
    | tar -C "$out/$p" --no-same-owner -xf -
done
chmod -R u+rwX "$out"

# Plant fake tokens in text files (no NUL in the first 8 KiB, so that dtscan does not skip them as
# binary), picked by evenly spaced indexes into the sorted list of the tree's text files.
(cd "$out" && find . -type f ! -name .dtscan-bench-tree -printf '%P\0' | sort -z) >"$work/tree"
mapfile -d '' -t tree_files <"$work/tree"
n=${#tree_files[@]}
# Without forking: read stops at the first NUL (status 0, short) or after 8192 bytes, or fails at EOF.
is_text() {
  local chunk
  if IFS= read -r -d '' -n 8192 chunk <"$1"; then (( ${#chunk} == 8192 )); else true; fi
}
text_files=()
for f in "${tree_files[@]}"; do is_text "$out/$f" && text_files+=("$f"); done
m=${#text_files[@]}
(( m >= plants )) || { echo "make-tree: only $m text files for $plants plants" >&2; exit 1; }
templates=(
  'export DT_API_TOKEN=@@dt0c01@@'
  'curl "https://abc12345.live.dynatrace.com/api/v1/deployment/installer/agent/unix/default/latest?Api-Token=@@dt0c01@@&arch=x86"'  # dtscan:allow (a template, not a token)
  'apiToken: @@tok:dt0s02:8@@'
)
: >"$planted_list"
planted=0
for ((i = 0; i < plants; i++)); do
  file=${text_files[i * m / plants]}
  line=$(printf '%s\n' "${templates[i % ${#templates[@]}]}" | "$fake" --seed "dtscan-bench-$i")
  id=$(grep -oE 'dt0[a-z][0-9]{2}\.[A-Za-z0-9]+' <<<"$line" | head -n1)
  [[ -n "$id" ]] || { echo "make-tree: $fake produced no token: $line" >&2; exit 1; }
  printf '\n%s\n' "$line" >>"$out/$file"
  printf '%s\n' "$id" >>"$planted_list"
  (( planted += 1 ))
done

total_bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
echo "files=$n bytes=$total_bytes passes=$pass planted=$planted" >"$out/.complete"
echo "make-tree: $out: $(cat "$out/.complete"); token ids in $planted_list" >&2
