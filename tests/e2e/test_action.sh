#!/usr/bin/env bash
# The composite GitHub Action (action.yml), run step by step by tests/tools/action_runner.py (a model of
# GitHub's runner: expressions, if:, outputs) with the real dtscan on real repositories: the pull-request
# range, the gate's exit status, the SARIF it uploads (validated), the log that prints findings without
# secrets, and the fork pull request whose upload is skipped while the gate still fails. GitHub itself
# and upload-sarif are not run here (no network); the Build step is replaced by the dtscan under test.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=git_lib.sh
source "$E2E_DIR/git_lib.sh"

RUNNER="$SOURCE_DIR/tests/tools/action_runner.py"
ACTION="$SOURCE_DIR/action.yml"
BIN_DIR=$(cd "$(dirname "$DTSCAN")" && pwd)

# A base branch with an old token (not the pull request's), a pull-request branch that adds a new one.
old=$(fake '@@dt0c01@@' act-old)
new=$(fake '@@dt0c01@@' act-new)
R="$T/repo"
mkrepo "$R"
printf 'DT_API_TOKEN=%s\n' "$old" >"$R/old.env"
commit_all "$R" "base"
git -C "$R" update-ref refs/remotes/origin/main HEAD
git -C "$R" checkout -q -b feature
printf 'readme\n' >"$R/README"
commit_all "$R" "harmless change"
clean_tip=$(rev "$R" HEAD)
printf 'DT_API_TOKEN=%s\n' "$new" >"$R/new.env"
commit_all "$R" "pr adds a token"

# context FILE EVENT HEAD_REPO [INPUTS_JSON]: a runner context for the action.
context() {
  local file=$1 event=$2 head_repo=$3 inputs=${4:-"{}"} tmp
  tmp=$(mktemp -d "$T/runner.XXXXXX")
  python3 - "$file" "$event" "$head_repo" "$inputs" "$R" "$tmp" "$BIN_DIR" "$SOURCE_DIR" <<'EOF'
import json, sys
file, event, head_repo, inputs, repo, temp, bindir, src = sys.argv[1:]
github = {"event_name": event, "repository": "acme/app", "sha": "HEAD", "action_path": src,
          "base_ref": "main" if event == "pull_request" else "", "event": {}}
if event == "pull_request":
    github["event"]["pull_request"] = {"head": {"repo": {"full_name": head_repo}}}
json.dump({"inputs": json.loads(inputs), "github": github, "runner": {"temp": temp},
           "path": [bindir], "workdir": repo}, open(file, "w"))
EOF
}

# outcome JSON STEP: the outcome the runner recorded for a step.
outcome() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(s["outcome"] for s in d["steps"] if s["name"]==sys.argv[2]))' "$1" "$2"; }
output() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["outputs"][sys.argv[2]])' "$1" "$2"; }

# --- pull request from the same repository: upload, then fail -----------------------------------------
context "$T/ctx-pr.json" pull_request acme/app
run python3 "$RUNNER" "$ACTION" "$T/ctx-pr.json" --skip "Build dtscan"
assert_rc 0 "the runner model runs the action"
cp "$OUT" "$T/pr.json"
assert_eq "skipped" "$(outcome "$T/pr.json" "Build dtscan")" "PR: the build step is replaced by the dtscan under test"
assert_eq "success" "$(outcome "$T/pr.json" "Scan")" "PR: the scan step never fails by itself"
assert_eq "1" "$(output "$T/pr.json" status)" "PR: status output is 1 (a new token)"
assert_eq "success" "$(outcome "$T/pr.json" "Upload to code scanning")" "PR from the repository itself: SARIF is uploaded"
assert_eq "failure" "$(outcome "$T/pr.json" "Gate")" "PR: the gate step fails"
assert_file_contains "$ERR" "new.env" "PR: the gate prints the finding in the log"
assert_file_lacks "$ERR" "old.env" "PR: the base branch's old token is not the pull request's"
assert_file_lacks "$ERR" "$(secret_of "$new")" "PR: the log never shows the secret"
sarif=$(output "$T/pr.json" sarif-file)
assert_file_contains "$T/pr.json" "\"sarif_file\": \"$sarif\"" "PR: upload-sarif gets the report the scan wrote"
assert_file_contains "$sarif" '"id": "dtscan/git-range/"' "PR: SARIF category of a range gate"
assert_file_lacks "$sarif" "$(secret_of "$new")" "PR: SARIF never holds the secret"
run "$VALIDATE_SARIF" "$sarif"
assert_rc 0 "PR: the uploaded SARIF validates" "$(head -n 5 "$OUT" "$ERR")"
[ "$(grep -c '"ruleId"' "$sarif")" -eq 1 ] && pass || fail "PR: SARIF has exactly the pull request's one finding"

# --- pull request from a fork: no upload (read-only token), the gate still fails ------------------------
context "$T/ctx-fork.json" pull_request someone/app-fork
run python3 "$RUNNER" "$ACTION" "$T/ctx-fork.json" --skip "Build dtscan"
cp "$OUT" "$T/fork.json"
assert_eq "skipped" "$(outcome "$T/fork.json" "Upload to code scanning")" "fork PR: the upload is skipped"
assert_eq "failure" "$(outcome "$T/fork.json" "Gate")" "fork PR: the gate still fails"
assert_eq "1" "$(output "$T/fork.json" status)" "fork PR: the status output is the scan's (1)"
assert_file_contains "$ERR" "new.env" "fork PR: the findings are printed instead"

# --- inputs: fail-on, upload off, an explicit range ------------------------------------------------------
context "$T/ctx-never.json" pull_request acme/app '{"fail-on": "never", "upload-sarif": "false"}'
run python3 "$RUNNER" "$ACTION" "$T/ctx-never.json" --skip "Build dtscan"
cp "$OUT" "$T/never.json"
assert_eq "0" "$(output "$T/never.json" status)" "fail-on never: status 0"
assert_eq "success" "$(outcome "$T/never.json" "Gate")" "fail-on never: the gate passes"
assert_eq "skipped" "$(outcome "$T/never.json" "Upload to code scanning")" "upload-sarif false: no upload"

context "$T/ctx-range.json" pull_request acme/app "{\"range\": \"origin/main..$clean_tip\"}"
run python3 "$RUNNER" "$ACTION" "$T/ctx-range.json" --skip "Build dtscan"
cp "$OUT" "$T/range.json"
assert_eq "0" "$(output "$T/range.json" status)" "explicit range without the token: status 0"
assert_eq "success" "$(outcome "$T/range.json" "Gate")" "explicit clean range: the gate passes"

# --- a bad range is an error (2), never a pass -------------------------------------------------------------
context "$T/ctx-bad.json" pull_request acme/app '{"range": "origin/nope..HEAD"}'
run python3 "$RUNNER" "$ACTION" "$T/ctx-bad.json" --skip "Build dtscan"
cp "$OUT" "$T/bad.json"
assert_eq "2" "$(output "$T/bad.json" status)" "unknown revision: status 2"
assert_eq "skipped" "$(outcome "$T/bad.json" "Upload to code scanning")" "unknown revision: no report, no upload"
assert_eq "failure" "$(outcome "$T/bad.json" "Gate")" "unknown revision: the gate fails"

# --- the upload fails (GitHub refuses it): the gate still prints the findings and keeps the status ---------
context "$T/ctx-upfail.json" pull_request acme/app
run python3 "$RUNNER" "$ACTION" "$T/ctx-upfail.json" --skip "Build dtscan" --fail "Upload to code scanning"
cp "$OUT" "$T/upfail.json"
assert_eq "failure" "$(outcome "$T/upfail.json" "Upload to code scanning")" "upload refused: the upload step fails"
assert_eq "failure" "$(outcome "$T/upfail.json" "Gate")" "upload refused: the gate still runs and fails"
assert_file_contains "$ERR" "new.env" "upload refused: the findings are still printed"

# --- not a pull request and no range: the whole history (both tokens) -------------------------------------
context "$T/ctx-dispatch.json" workflow_dispatch ""
run python3 "$RUNNER" "$ACTION" "$T/ctx-dispatch.json" --skip "Build dtscan"
cp "$OUT" "$T/dispatch.json"
assert_eq "success" "$(outcome "$T/dispatch.json" "Upload to code scanning")" "manual run: uploaded"
sarif=$(output "$T/dispatch.json" sarif-file)
assert_file_contains "$sarif" '"id": "dtscan/git/"' "whole history: its own SARIF category"
[ "$(grep -c '"ruleId"' "$sarif")" -eq 2 ] && pass || fail "whole history: both tokens"

# --- the examples as pasted: current action versions, dtscan pinned to a commit id, never a tag -----------
EX="$SOURCE_DIR/examples"
assert_file_contains "$EX/github-actions/dtscan.yml" "uses: actions/checkout@v5" "example: actions/checkout@v5"
assert_file_contains "$ACTION" "uses: github/codeql-action/upload-sarif@v4" "action: upload-sarif@v4"
assert_match "$EX/github-actions/dtscan.yml" '^ +- uses: your-org/dtscan@[0-9a-f]{40}( |$)' "example: the action pinned to a commit id"
assert_match "$EX/pre-commit-config.yaml" '^ +rev: [0-9a-f]{40}( |$)' "pre-commit example: rev is a commit id"
assert_match "$EX/gitlab-ci/.gitlab-ci.yml" '[0-9a-f]{40}' "GitLab example: dtscan fetched at a commit id"
old=$(grep -hoE 'uses: (actions/checkout|github/codeql-action/[a-z-]+)@v[0-9]+' "$EX"/github-actions/*.yml "$ACTION" \
  "$SOURCE_DIR"/docs/*.md | grep -vE 'checkout@v5|codeql-action/[a-z-]+@v4' || true)
assert_eq "" "$old" "no older checkout or codeql-action version in the examples, the action or the docs"
tags=$(grep -hoE 'your-org/dtscan@[^ ]+|rev: *[^ #]+' "$EX"/github-actions/*.yml "$EX"/pre-commit-config.yaml \
  "$SOURCE_DIR"/README.md "$SOURCE_DIR"/docs/*.md | grep -vE '@([0-9a-f]{40}|<commit)|rev: *[0-9a-f]{40}$' || true)
assert_eq "" "$tags" "no example names a dtscan tag (there is none)"

finish
