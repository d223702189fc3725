#!/usr/bin/env bash
# dtscan audit applies each audited repository's own `.dtscan.json` (at its work-tree root), as `dtscan
# git` in that repository would: its `exclude` adds to --exclude (history and work tree), its `baseline`
# applies unless --baseline is given, its `fail_on` does not change the audit's one gate. A malformed one
# is a one-line warning and that repository is audited without it; bare repositories have none.
# --no-repo-config reads none of them.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

tok_kept=$(fake '@@dt0c01@@' ac-kept)
tok_fixture=$(fake '@@dt0c01@@' ac-fixture)
tok_known=$(fake '@@dt0c01@@' ac-known)
tok_bad=$(fake '@@dt0c01@@' ac-bad)
tok_never=$(fake '@@dt0c01@@' ac-never)
A="$T/org"

# excludes: fixtures/ is excluded by the repository's config, in history and in the work tree.
mkrepo "$A/excl"
mkdir -p "$A/excl/fixtures" "$A/excl/src"
printf 'DT_API_TOKEN=%s\n' "$tok_kept" >"$A/excl/src/app.env"
printf 'DT_API_TOKEN=%s\n' "$tok_fixture" >"$A/excl/fixtures/t.env"
printf '{"exclude": ["fixtures/**"]}\n' >"$A/excl/.dtscan.json"
commit_all "$A/excl" "app and fixtures"
printf 'DT_API_TOKEN=%s\n' "$tok_fixture" >"$A/excl/fixtures/untracked.env"
# baseline: the repository's own baseline, written by dtscan git there, accepts its known token.
mkrepo "$A/based"
printf 'DT_API_TOKEN=%s\n' "$tok_known" >"$A/based/old.env"
commit_all "$A/based" "known token"
run "$DTSCAN" git --write-baseline "$A/based/.dtscan-baseline.json" "$A/based"
assert_rc 0 "fixture: dtscan git writes the repository's baseline"
assert_file_contains "$A/based/.dtscan-baseline.json" '"path": "old.env"' "fixture: the baseline holds the known token"
printf '{"baseline": ".dtscan-baseline.json"}\n' >"$A/based/.dtscan.json"
commit_all "$A/based" "baseline"
# malformed: an unknown key.
mkrepo "$A/broken"
printf 'DT_API_TOKEN=%s\n' "$tok_bad" >"$A/broken/a.env"
printf '{"exlude": ["a.env"]}\n' >"$A/broken/.dtscan.json"
commit_all "$A/broken" "typo in the config"
# fail_on never in a repository does not open the audit's gate.
mkrepo "$A/lenient"
printf 'DT_API_TOKEN=%s\n' "$tok_never" >"$A/lenient/a.env"
printf '{"fail_on": "never"}\n' >"$A/lenient/.dtscan.json"
commit_all "$A/lenient" "lenient"

run "$DTSCAN" audit --format jsonl -o "$T/a.jsonl" "$A"
assert_rc 1 "audit: a repository's fail_on never does not open the gate"
found() { { grep -F "\"token_id\":\"$(tid_of "$1")\"" "$T/a.jsonl" || true; } | wc -l | tr -d ' '; }
assert_eq 1 "$(found "$tok_kept")" "excl: a file its config does not exclude is reported"
assert_eq 0 "$(found "$tok_fixture")" "excl: its config's exclude applies to history and work tree"
assert_eq 0 "$(found "$tok_known")" "based: its own baseline accepts the known token"
assert_eq 1 "$(found "$tok_bad")" "broken: audited without its malformed config"
assert_eq 1 "$(found "$tok_never")" "lenient: its finding is reported"
assert_eq 1 "$(count_of "$ERR" "dtscan: warning: invalid config file")" "broken: one warning line"
assert_file_contains "$ERR" "repository broken is audited without it" "broken: the warning names the repository"
assert_eq 1 "$(wc -l <"$ERR" | tr -d ' ')" "no other warning"

# --baseline on the command line (here one of another repository) wins over a repository's own.
run "$DTSCAN" git --write-baseline "$T/empty-baseline.json" "$A/excl"
run "$DTSCAN" audit --format jsonl --baseline "$T/empty-baseline.json" -o "$T/b.jsonl" "$A/based"
assert_eq 1 "$({ grep -cF "\"token_id\":\"$(tid_of "$tok_known")\"" "$T/b.jsonl" || true; } | tr -d ' ')" \
  "--baseline given: the repository's own baseline is not used"

# --no-repo-config: no repository's config is read, so none can narrow the audit (and none warns).
run "$DTSCAN" audit --format jsonl --no-repo-config -o "$T/n.jsonl" "$A"
assert_rc 1 "--no-repo-config: the audit gates"
found_n() { { grep -F "\"token_id\":\"$(tid_of "$1")\"" "$T/n.jsonl" || true; } | wc -l | tr -d ' '; }
assert_eq 2 "$(found_n "$tok_fixture")" "--no-repo-config: the excluded fixture is reported (history and untracked)"
assert_eq 1 "$(found_n "$tok_known")" "--no-repo-config: the repository's own baseline does not apply"
assert_eq 0 "$(wc -l <"$ERR" | tr -d ' ')" "--no-repo-config: the malformed config is not read (no warning)"
run "$DTSCAN" git --no-repo-config "$A/excl"
assert_rc 2 "--no-repo-config is an option of audit only"
assert_file_contains "$ERR" "--no-repo-config is an option of 'dtscan audit'" "git --no-repo-config: says which command takes it"

# A bare clone has no work tree and no config: everything in its history is reported.
git clone -q --bare "$A/excl" "$T/bare/excl.git"
run "$DTSCAN" audit --format jsonl -o "$T/c.jsonl" "$T/bare"
assert_eq 1 "$({ grep -cF "\"token_id\":\"$(tid_of "$tok_fixture")\"" "$T/c.jsonl" || true; } | tr -d ' ')" \
  "a bare repository: no config, the fixture token is reported"
finish
