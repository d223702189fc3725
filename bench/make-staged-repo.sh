#!/usr/bin/env bash
# Builds a repository for the `dtscan staged` latency benchmark: NFILES small, distinct text files (100 per
# directory, three directory levels: pkgNN/modNN/dirNN) in one commit loaded with `git fast-import`, checked
# out (so the index has full stat data, like a real clone), and then one small file changed and staged:
# a fake token appended to it. The token id goes to DIR.planted; DIR.complete makes reruns reuse it.
set -euo pipefail

usage() { echo "usage: $0 DIR NFILES   (env: DTSCAN_FAKE, BUILD_DIR)" >&2; exit 2; }
[[ $# -eq 2 && -n "$1" && "$2" =~ ^[0-9]+$ ]] && (( $2 >= 1 )) || usage
nfiles=$2

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$root_dir/$build_dir"
fake=${DTSCAN_FAKE:-$build_dir/dtscan-fake}

out=${1%/}
planted_list="$out.planted"
complete="$out.complete"
marker="$out/.git/dtscan-bench-repo"
params="nfiles=$nfiles generator=$(cksum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"

if [[ -f "$complete" && -f "$marker" ]] && [[ "$(head -n1 "$complete")" == "$params" ]]; then
  echo "make-staged-repo: $out is complete ($(tail -n1 "$complete")); remove $complete to regenerate" >&2
  exit 0
fi
[[ -x "$fake" ]] || { echo "make-staged-repo: $fake not found; build first (make build)" >&2; exit 1; }
if [[ -e "$out" ]]; then
  if [[ -f "$marker" ]] || [[ -d "$out" && -z "$(ls -A "$out")" ]]; then
    rm -rf "$out"
  else
    echo "make-staged-repo: $out exists and is not a benchmark repository; refusing to overwrite" >&2
    exit 1
  fi
fi
rm -f "$complete" "$planted_list"

export LC_ALL=C
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
start=$SECONDS
git init -q -b main "$out"
: >"$marker"
git -C "$out" config gc.auto 0

# File i lives in pkg<i/10000>/mod<i/1000%10>/dir<i/100%10>; 200 B - 2 KB of source-like text each,
# deterministic (xorshift32 from a fixed seed), every file different.
perl -e '
  use strict; use warnings;
  my $n = $ARGV[0];
  my $s = 88172645;
  sub rnd { $s ^= ($s << 13) & 0xFFFFFFFF; $s ^= $s >> 17; $s ^= ($s << 5) & 0xFFFFFFFF; return $s; }
  my @w = qw(buffer count index offset value result status state option handler request response client
    server session stream reader writer parser node tree queue stack cache entry record field column table
    query filter worker thread pool task event signal timer retry limit metric counter sample span trace
    logger level message format output input source target path name label version range slice vector);
  my @ext = qw(c h go py js java rs ts yaml md);
  sub word { return $w[rnd() % @w]; }
  binmode STDOUT;
  my $t = 1700000000;
  print "commit refs/heads/main\nmark :1\nauthor Bench <bench\@example.com> $t +0000\ncommitter Bench <bench\@example.com> $t +0000\ndata 15\nInitial import\n\n";
  for my $i (0 .. $n - 1) {
    my $path = sprintf("pkg%02d/mod%d/dir%d/%s_%s_%06d.%s", int($i / 10000), int($i / 1000) % 10,
      int($i / 100) % 10, word(), word(), $i, $ext[$i % @ext]);
    my $lines = 6 + rnd() % 50;
    my $d = "// $path\n";
    for (1 .. $lines) { $d .= "    " . word() . "_" . word() . " = " . word() . "(" . (rnd() % 10000) . ");\n"; }
    print "M 100644 inline $path\ndata ", length($d), "\n", $d, "\n";
  }
  print "\n";
' "$nfiles" | git -C "$out" fast-import --quiet
git -C "$out" repack -adq
git -C "$out" prune-packed
git -C "$out" reset -q --hard main
git -C "$out" update-index --refresh >/dev/null   # settle racily-clean entries, like a later `git status`

# Stage a change to one small file in the middle of the tree: a fake token appended.
target=$(git -C "$out" ls-files | sed -n "$(( (nfiles + 1) / 2 ))p")
line=$(printf '%s\n' 'export DT_API_TOKEN=@@dt0c01@@' | "$fake" --seed "dtscan-bench-staged-$nfiles")
printf '%s\n' "$line" >>"$out/$target"
git -C "$out" add -- "$target"
grep -oE 'dt0[a-z][0-9]{2}\.[A-Za-z0-9]+' <<<"$line" | head -n1 >"$planted_list"

{
  echo "$params"
  echo "files=$(git -C "$out" ls-files | wc -l) staged=$target head=$(git -C "$out" rev-parse HEAD) index=$(stat -c %s "$out/.git/index")B generated_in=$((SECONDS - start))s"
} >"$complete"
echo "make-staged-repo: $out: $(tail -n1 "$complete"); token id in $planted_list" >&2
