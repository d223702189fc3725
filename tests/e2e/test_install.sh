#!/usr/bin/env bash
# `cmake --install` as a new user runs it (issue 10): installs the build into a temporary prefix, checks
# each installed file, runs the installed binary (version, a scan that finds a fake token), reads the
# man page with man(1) and checks that it documents every option the binary's --help lists, loads the
# bash completion in a bare bash and completes with it, and syntax-checks the zsh completion when zsh is
# there. Needs cmake (CMAKE) and man-db.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CMAKE=${CMAKE:-cmake}
P="$T/prefix"

# --- install --------------------------------------------------------------------------------------------
run "$CMAKE" --install "$BUILD_DIR" --prefix "$P"
assert_rc 0 "cmake --install $BUILD_DIR --prefix PREFIX"
[ "$RC" -eq 0 ] || { finish; exit 1; }

expected=(bin/dtscan share/man/man1/dtscan.1 share/bash-completion/completions/dtscan
  share/zsh/vendor-completions/_dtscan share/doc/dtscan/README.md share/doc/dtscan/LICENSE)
for f in "${expected[@]}"; do
  [ -f "$P/$f" ] && [ -s "$P/$f" ] && pass || fail "installed: $f"
done
[ -x "$P/bin/dtscan" ] && pass || fail "bin/dtscan is executable"
assert_eq "dtscan" "$(ls "$P/bin")" "bin/ holds dtscan only (no test tools)"
cmp -s "$SOURCE_DIR/docs/dtscan.1" "$P/share/man/man1/dtscan.1" && pass || fail "the man page is docs/dtscan.1"

# --- the installed binary, found on PATH ------------------------------------------------------------------
installed() { env -i PATH="$P/bin:/usr/bin:/bin" HOME="$T" "$@"; }
run installed dtscan version
assert_rc 0 "installed dtscan version"
assert_match "$OUT" '^dtscan [0-9]+\.[0-9]+\.[0-9]+' "installed dtscan version prints the version"
version=$(sed -n 's/^dtscan //p' "$OUT")

mkdir -p "$T/tree"
fake_file "$T/tree/deploy.env" install <<<'DT_API_TOKEN=@@dt0c01@@'
token=$(sed -n 's/^DT_API_TOKEN=//p' "$T/tree/deploy.env")
printf 'nothing here\n' >"$T/tree/clean.txt"
run installed dtscan scan --no-color "$T/tree"
assert_rc 1 "installed dtscan scan of a tree with a fake token exits 1"
assert_match "$OUT" "^$T/tree/deploy\.env:1:[0-9]+: (HIGH|CRITICAL) dynatrace-token dt0c01\." "the finding is reported"
assert_file_lacks "$OUT" "$token" "the report does not print the secret"
run installed dtscan scan --no-color "$T/tree/clean.txt"
assert_rc 0 "installed dtscan scan of a clean file exits 0"

# --- the man page ---------------------------------------------------------------------------------------
MAN="$T/man.txt"
if ! command -v man >/dev/null; then
  fail "man is not installed (man-db: scripts/install-deps.sh test)"
else
  MANWIDTH=80 man -l "$P/share/man/man1/dtscan.1" >"$MAN" 2>"$T/man.err" || fail "man -l dtscan.1 fails"
  assert_empty "$T/man.err" "man -l dtscan.1: no warnings"
  for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
    assert_match "$MAN" "^$section\$" "the man page has a $section section"
  done
  assert_match "$MAN" '^DTSCAN\(1\) ' "the man page is dtscan(1)"
  assert_eq "$version" "$(sed -n 's/^\.TH DTSCAN 1 "[^"]*" "dtscan \([^"]*\)".*/\1/p' "$P/share/man/man1/dtscan.1")" \
    "the man page's .TH names the binary's version"
  for var in NO_COLOR TERM; do
    sed -n '/^ENVIRONMENT$/,/^[A-Z]/p' "$MAN" | grep -qE "^ +$var( |,|\$)" && pass ||
      fail "ENVIRONMENT documents $var"
  done
  sed -n '/^FILES$/,/^[A-Z]/p' "$MAN" | grep -qE '^ +\.dtscan\.json$' && pass || fail "FILES documents .dtscan.json"
  sed -n '/^EXIT STATUS$/,/^[A-Z]/p' "$MAN" | grep -cE '^ {7}[012]( |$)' | grep -qx 3 && pass ||
    fail "EXIT STATUS documents 0, 1 and 2"
fi

# The commands and options the binary documents: the command list of `dtscan --help`, then the option
# column of `dtscan --help` and of each `dtscan COMMAND --help` ("  -j, --threads N  ..." -> -j --threads).
"$P/bin/dtscan" --help >"$T/help"
commands=$(sed -n '/^commands:$/,/^$/p' "$T/help" | sed -n 's/^  \([a-z][a-z]*\).*/\1/p')
[ "$(wc -w <<<"$commands")" -ge 5 ] && pass || fail "dtscan --help lists the commands" "$commands"
help_options() { { grep -oE '^ +(-[a-zA-Z], )?--?[a-zA-Z][a-zA-Z-]*' || true; } | tr -d ' ' | tr ',' '\n' | sort -u; }
help_options <"$T/help" >"$T/options"
for cmd in $commands; do
  [ "$cmd" = help ] && continue
  "$P/bin/dtscan" "$cmd" --help >"$T/help-$cmd"
  help_options <"$T/help-$cmd" >"$T/options-$cmd"
  cat "$T/options-$cmd" >>"$T/options"
done
sort -u -o "$T/options" "$T/options"
[ "$(wc -l <"$T/options")" -ge 15 ] && pass || fail "the help texts list the options" "$(cat "$T/options")"

if [ -s "$MAN" ]; then
  sed -n '/^OPTIONS$/,/^[A-Z]/p' "$MAN" >"$T/man-options"
  # An option is documented when it heads an entry: "       -j, --threads N" or "       --exclude GLOB".
  while read -r opt; do
    grep -qE -- "^ {7}(-[a-zA-Z-]+, )?$opt( |,|\$)" "$T/man-options" && pass ||
      fail "the man page's OPTIONS documents $opt (listed by --help)"
  done <"$T/options"
  for cmd in $commands; do
    sed -n '/^COMMANDS$/,/^[A-Z]/p' "$MAN" | grep -qE "^ {7}$cmd( |\$)" && pass ||
      fail "the man page's COMMANDS documents $cmd"
    grep -qE "^ +dtscan $cmd( |\$)" <(sed -n '/^SYNOPSIS$/,/^[A-Z]/p' "$MAN") && pass ||
      fail "the man page's SYNOPSIS shows dtscan $cmd"
  done
fi

# --- bash completion ------------------------------------------------------------------------------------
BASH_COMPLETION="$P/share/bash-completion/completions/dtscan"
# complete WORD...: the COMPREPLY of the completion function for the command line WORD... (the last word
# is the one being completed), in a bash without startup files or the bash-completion package.
complete_words() {
  bash --norc --noprofile -c '
    source "$1" || exit 3
    shift
    spec=$(complete -p dtscan) || exit 4
    fn=${spec#*-F }; fn=${fn%% *}
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn" dtscan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMPLETION" "$@"
}
run bash --norc --noprofile -c 'source "$1" && complete -p dtscan' _ "$BASH_COMPLETION"
assert_rc 0 "the bash completion loads in bash"
assert_match "$OUT" '^complete -F [_a-zA-Z]+ dtscan$' "the bash completion registers a function for dtscan"
assert_empty "$ERR" "sourcing the bash completion prints nothing"
assert_eq "scan" "$(complete_words dtscan sc)" "dtscan sc<TAB> completes to scan"
assert_eq "staged" "$(complete_words dtscan st)" "dtscan st<TAB> completes to staged"
assert_eq "$(printf '%s\n' $commands | sort)" "$(complete_words dtscan '' | grep -v '^-')" \
  "dtscan <TAB> offers exactly the commands of dtscan --help"
assert_eq "--format" "$(complete_words dtscan scan --fo)" "dtscan scan --fo<TAB> completes to --format"
assert_eq "$(printf 'json\njsonl')" "$(complete_words dtscan scan --format j)" "--format j<TAB> offers json, jsonl"
assert_eq "critical" "$(complete_words dtscan git --fail-on c)" "--fail-on c<TAB> completes to critical"
assert_eq "--range" "$(complete_words dtscan git --ra)" "dtscan git --ra<TAB> completes to --range"
assert_eq "" "$(complete_words dtscan scan --ra)" "scan does not offer git's --range"
assert_eq "deploy.env" "$(cd "$T/tree" && complete_words dtscan scan de)" "dtscan scan de<TAB> completes a file name"
# For each command, the options offered after "-" are those of its --help (plus --help itself).
for cmd in $commands; do
  [ "$cmd" = help ] && continue
  complete_words dtscan "$cmd" - | grep -vx -- --help >"$T/completed-$cmd" || true
  assert_eq "$(grep -vx -- --help "$T/options-$cmd" || true)" "$(cat "$T/completed-$cmd")" \
    "dtscan $cmd -<TAB> offers exactly the options of dtscan $cmd --help"
done

# --- zsh completion -------------------------------------------------------------------------------------
ZSH_COMPLETION="$P/share/zsh/vendor-completions/_dtscan"
assert_eq "#compdef dtscan" "$(head -n 1 "$ZSH_COMPLETION")" "the zsh completion starts with #compdef dtscan"
if command -v zsh >/dev/null; then
  run zsh -n "$ZSH_COMPLETION"
  assert_rc 0 "zsh -n accepts the zsh completion"
  assert_empty "$ERR" "zsh -n: no complaint"
else
  skip "zsh is not installed: the zsh completion is not syntax-checked"
fi

finish
