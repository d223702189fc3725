#!/usr/bin/env bash
# dtscan audit --verify against a fake Dynatrace tenant (tests/verify/fake_tenant.py on 127.0.0.1): each
# repository's tokens are checked as it finishes, with the environment of their own blob or file, one
# (token, environment) pair asked once in the whole audit (the same token in two repositories), before
# the findings are counted and streamed: severities, the per-repository rows and the exit status follow
# the verification. Nothing is sent without --verify, --state is refused with it, no secret is printed.
# shellcheck disable=SC2154 # PORT_<name> variables are set by start_tenant (verify_lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"
# shellcheck source-path=SCRIPTDIR source=verify_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/verify_lib.sh"

declare -A TOK
for name in A R O; do TOK[$name]=$(fake '@@dt0c01@@' "audit-verify-$name"); done
python3 - "$T/t.table.json" "${TOK[A]}" "${TOK[R]}" "${TOK[O]}" <<'PY'
import json, sys
a, r, o = sys.argv[2:]
json.dump({a: {"label": "A", "behaviour": "active", "scopes": ["apiTokens.write"]},
           r: {"label": "R", "behaviour": "revoked"},
           o: {"label": "O", "behaviour": "active"}}, open(sys.argv[1], "w"))
PY
start_tenant t
ENV="http://127.0.0.1:$PORT_t/e/12345678-1234-4234-8234-123456789abc"
ALLOW=(--verify-allow-host "127.0.0.1:$PORT_t")

# org/team-1/svc-a: token A with its environment, only in history (removed by the second commit).
# org/team-2/svc-b: token A again, in an untracked file. org/svc-c: revoked token R in HEAD.
# org/svc-d: token O with no environment anywhere in its file.
O="$T/org"
mkrepo "$O/team-1/svc-a"
printf 'url: %s\ntoken: %s\n' "$ENV" "${TOK[A]}" >"$O/team-1/svc-a/deploy.yaml"
commit_all "$O/team-1/svc-a" "deploy"
printf 'url: %s\n' "$ENV" >"$O/team-1/svc-a/deploy.yaml"
commit_all "$O/team-1/svc-a" "remove the token"
mkrepo "$O/team-2/svc-b"
printf 'readme\n' >"$O/team-2/svc-b/README"
commit_all "$O/team-2/svc-b" "readme"
printf 'url: %s\ntoken: %s\n' "$ENV" "${TOK[A]}" >"$O/team-2/svc-b/local.yaml"
mkrepo "$O/svc-c"
printf 'url: %s\ntoken: %s\n' "$ENV" "${TOK[R]}" >"$O/svc-c/app.yaml"
commit_all "$O/svc-c" "app"
mkrepo "$O/svc-d"
printf 'token: %s\n' "${TOK[O]}" >"$O/svc-d/notes.yaml"
commit_all "$O/svc-d" "notes"

# --- without --verify nothing is sent ----------------------------------------------------------------
run_kept "$DTSCAN" audit --format json -o "$T/plain.json" "$O"
keep "$T/plain.json"
assert_rc 1 "audit without --verify"
assert_eq 0 "$(connections "$T/t.log")" "audit without --verify never contacts the tenant"
assert_file_lacks "$T/plain.json" '"verification"' "audit without --verify: no verification field"
assert_eq "critical none" "$(vget "$T/plain.json" app.yaml svc-c)" "unverified, the revoked token ranks critical"

# --- --verify: json ----------------------------------------------------------------------------------
run_kept "$DTSCAN" audit --verify "${ALLOW[@]}" -j 2 --format json -o "$T/v.json" "$O"
keep "$T/v.json"
assert_rc 1 "audit --verify: an active token fails the gate"
want_a="critical active - well-formed,environment-url-in-file,verified-active,dangerous-scope:apiTokens.write apiTokens.write"
assert_eq "$want_a" "$(vget "$T/v.json" deploy.yaml team-1/svc-a)" "a token only in history is verified with its blob's environment"
assert_eq "$want_a" "$(vget "$T/v.json" local.yaml team-2/svc-b)" "an untracked file's token is verified with its file's environment"
assert_eq 1 "$(asked "$T/t.log" A)" "the same token in two repositories is asked once in the whole audit"
assert_eq "medium inactive revoked-or-invalid well-formed,environment-url-in-file,revoked-or-invalid null" \
  "$(vget "$T/v.json" app.yaml svc-c)" "a revoked token: inactive, medium"
assert_eq "high unknown no-environment well-formed null" "$(vget "$T/v.json" notes.yaml svc-d)" \
  "a token without an environment is not sent"
assert_eq 0 "$(asked "$T/t.log" O)" "the token without an environment was never sent"
# summary_field EXPR: a value of the json report's summary.
summary_field() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(eval(sys.argv[2]))' "$T/v.json" "$1"; }
assert_eq 1 "$(summary_field 's["by_severity"]["medium"]')" "the summary counts severities after verification"
assert_eq "medium 1" "$(summary_field '" ".join(str(x) for r in s["repositories"] if r["repository"] == "svc-c" for x in (r["worst"], r["by_severity"]["medium"]))')" \
  "the repository row ranks by the verified severity"

# --- --verify: jsonl streams verified findings ---------------------------------------------------------
: >"$T/t.log"
run_kept "$DTSCAN" audit --verify "${ALLOW[@]}" --format jsonl "$O"
assert_eq 4 "$(count_of "$OUT" '"verification":{"status":')" "jsonl: each checkable finding carries its verification"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$OUT" 2>"$T/parse.txt"; then pass; else
  fail "jsonl: every line parses" "$(head -c 300 "$T/parse.txt")"
fi
cp "$OUT" "$T/v.jsonl"
if "$SOURCE_DIR/tests/tools/validate-report.sh" --jsonl "$T/v.jsonl" >"$T/validate.txt" 2>&1; then pass; else
  fail "audit --verify jsonl validates against the schema" "$(head -c 600 "$T/validate.txt")"
fi

# --- the gate follows the verification --------------------------------------------------------------
run_kept "$DTSCAN" audit "$O/svc-c"
assert_rc 1 "unverified, the revoked token fails the gate"
run_kept "$DTSCAN" audit --verify "${ALLOW[@]}" "$O/svc-c"
assert_rc 0 "verified revoked (medium) passes --fail-on high"
assert_file_contains "$OUT" "verified=inactive" "text: the verification status"

# --- refused combinations ------------------------------------------------------------------------------
run "$DTSCAN" audit --verify --state "$T/state.db" "$O"
assert_rc 2 "--verify with --state is a usage error"
assert_file_contains "$ERR" "--verify cannot be combined with --state" "--verify with --state: says why"
if [ ! -e "$T/state.db" ]; then pass; else fail "--verify with --state writes no state file"; fi
run "$DTSCAN" audit --env-url "$ENV" "$O"
assert_rc 2 "audit --env-url without --verify is a usage error"
run "$DTSCAN" audit --help
assert_file_contains "$OUT" "--verify-allow-host" "audit --help lists the verification options"

assert_no_secrets "${!TOK[@]}"
finish
