#!/usr/bin/env bash
# --verify (SPEC §7) against a fake Dynatrace tenant: a real HTTP server on 127.0.0.1
# (tests/verify/fake_tenant.py) with a table of tokens built here. Checks each answer's mapping (200, 403,
# 401, 404, 429 then 200, 500, timeout), the scope reasons, that each (token, environment) pair is asked
# once, that nothing is sent without --verify, that a host not allowed is never contacted, that plain http
# needs --verify-allow-host, and that no secret appears in any output.
# shellcheck disable=SC2154 # PORT_<name> variables are set by start_tenant (verify_lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

# shellcheck source-path=SCRIPTDIR source=verify_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/verify_lib.sh"

# --- tokens (built now, never committed) and the tenants' tables ------------------------------------
declare -A TOK
for name in A B R N L S F E O H D Q G; do TOK[$name]=$(fake '@@dt0c01@@' "verify-$name"); done
TOK[X]=$(fake '@@legacy:21@@' verify-X)
python3 - "$T/one.table.json" "${TOK[A]}" "${TOK[B]}" "${TOK[R]}" "${TOK[L]}" "${TOK[S]}" "${TOK[F]}" "${TOK[E]}" \
  "${TOK[O]}" "${TOK[X]}" "${TOK[Q]}" "${TOK[G]}" <<'PY'
import json, sys
a, b, r, l, s, f, e, o, x, q, g = sys.argv[2:]
json.dump({
    a: {"label": "A", "behaviour": "active", "scopes": ["apiTokens.write", "InstallerDownload", "metrics.read"]},
    b: {"label": "B", "behaviour": "active", "scopes": ["metrics.ingest"], "expires": "2027-01-01T00:00:00.000Z"},
    r: {"label": "R", "behaviour": "revoked"},
    l: {"label": "L", "behaviour": "ratelimit-once", "scopes": ["settings.write"]},
    s: {"label": "S", "behaviour": "slow"},
    f: {"label": "F", "behaviour": "forbidden"},
    e: {"label": "E", "behaviour": "error"},
    o: {"label": "O", "behaviour": "active", "scopes": ["entities.read"]},
    x: {"label": "X", "behaviour": "active", "scopes": ["DataExport"]},
    q: {"label": "Q", "behaviour": "ratelimit"},
    g: {"label": "G", "behaviour": "active", "scopes": ["WriteConfig"]},
}, open(sys.argv[1], "w"))
PY
echo '{}' >"$T/two.table.json"
start_tenant one
start_tenant two
ENV1="http://127.0.0.1:$PORT_one/e/12345678-1234-4234-8234-123456789abc"
ENV2="http://127.0.0.1:$PORT_two/e/12345678-1234-4234-8234-123456789abc"
ENV2S="https://127.0.0.1:$PORT_two/e/12345678-1234-4234-8234-123456789abc"

# One file per token, each naming its environment (N is unknown to the tenant: 404).
S="$T/src"
mkdir -p "$S"
for name in A B R N L S F E Q; do printf 'url: %s\ntoken: %s\n' "$ENV1" "${TOK[$name]}" >"$S/$name.yaml"; done
printf 'again: %s\nurl: %s\n' "${TOK[A]}" "$ENV1" >"$S/A-copy.yaml" # the same pair: asked once
printf 'curl -H "Authorization: Api-Token %s" %s/api/v2/metrics\n' "${TOK[X]}" "$ENV1" >"$S/X.sh"
printf 'token: %s\n' "${TOK[O]}" >"$S/O.yaml"                       # no environment
printf 'url: %s\ntoken: %s\n' "$ENV2" "${TOK[D]}" >"$S/D.yaml"      # plain http, host not allowed
printf 'url: %s\ntoken: %s\n' "$ENV2S" "${TOK[H]}" >"$S/H.yaml"     # https, host not allowed

# --- without --verify nothing is sent ---------------------------------------------------------------
run_kept scan_in "$S" --format json -o "$T/plain.json"
keep "$T/plain.json"
assert_rc 1 "scan without --verify"
assert_eq 0 "$(connections "$T/one.log")" "without --verify the tenant is never contacted"
assert_file_lacks "$T/plain.json" '"verification"' "without --verify no verification field"

# --- --verify without --verify-allow-host: plain http is refused ------------------------------------
run_kept scan_in "$S" --verify --format json -o "$T/nohost.json"
keep "$T/nohost.json"
assert_eq 0 "$(connections "$T/one.log")" "plain http://127.0.0.1 is not contacted without --verify-allow-host"
assert_eq "critical unknown plain-http-not-allowed well-formed,environment-url-in-file null" \
  "$(vget "$T/nohost.json" A.yaml)" "refused plain http: unknown, severity unchanged"

# --- --verify against the tenant ----------------------------------------------------------------------
run_kept scan_in "$S" --verify --verify-allow-host "127.0.0.1:$PORT_one" --verify-timeout 1 \
  --format json -o "$T/v.json"
keep "$T/v.json"
assert_rc 1 "scan --verify (active tokens)"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active,dangerous-scope:apiTokens.write,dangerous-scope:InstallerDownload apiTokens.write,InstallerDownload,metrics.read" \
  "$(vget "$T/v.json" A.yaml)" "200: active, critical, dangerous scopes as reasons"
assert_eq "$(vget "$T/v.json" A.yaml)" "$(vget "$T/v.json" A-copy.yaml)" "the same token in another file gets the same result"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active metrics.ingest" \
  "$(vget "$T/v.json" B.yaml)" "200 with harmless scopes: no dangerous-scope reason"
assert_eq "medium inactive revoked-or-invalid well-formed,environment-url-in-file,revoked-or-invalid null" \
  "$(vget "$T/v.json" R.yaml)" "401: inactive, medium, revoked-or-invalid"
assert_eq "medium inactive revoked-or-invalid well-formed,environment-url-in-file,revoked-or-invalid null" \
  "$(vget "$T/v.json" N.yaml)" "404: inactive, medium, revoked-or-invalid"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active,dangerous-scope:settings.write settings.write" \
  "$(vget "$T/v.json" L.yaml)" "429 then 200: retried after Retry-After, active"
assert_eq "critical unknown timeout well-formed,environment-url-in-file null" \
  "$(vget "$T/v.json" S.yaml)" "slower than --verify-timeout: unknown, severity unchanged"
assert_eq "critical active scopes-unknown well-formed,environment-url-in-file,verified-active null" \
  "$(vget "$T/v.json" F.yaml)" "403: active, scopes unknown"
assert_eq "critical unknown http-500 well-formed,environment-url-in-file null" \
  "$(vget "$T/v.json" E.yaml)" "500: unknown, severity unchanged"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active DataExport" \
  "$(vget "$T/v.json" X.sh)" "a legacy token is verified too"
assert_eq "high unknown no-environment well-formed null" "$(vget "$T/v.json" O.yaml)" \
  "a token without an environment is not sent anywhere"
assert_eq "critical unknown plain-http-not-allowed well-formed,environment-url-in-file null" \
  "$(vget "$T/v.json" D.yaml)" "plain http to a host not allowed: refused"
assert_eq "critical unknown host-not-allowed well-formed,environment-url-in-file null" \
  "$(vget "$T/v.json" H.yaml)" "https to a host not allowed: refused"
assert_eq "critical unknown rate-limited well-formed,environment-url-in-file null" \
  "$(vget "$T/v.json" Q.yaml)" "429 every time: unknown after a bounded number of attempts"
assert_eq 4 "$(asked "$T/one.log" Q)" "429 every time: 4 attempts, no more"
assert_eq 0 "$(connections "$T/two.log")" "a host not allowed is never contacted"
for name in A B R N L S F E X; do
  label=$name
  [ "$name" = N ] && label='?'
  want=1
  [ "$name" = L ] && want=2 # the 429 and its retry
  assert_eq "$want" "$(asked "$T/one.log" "$label")" "token $name asked once per environment (retries aside)"
done
assert_eq 0 "$(asked "$T/one.log" O)" "the token without an environment was not sent"
assert_eq 0 "$( { grep -F '"method": "POST"' "$T/one.log" || true; } | grep -cvF '"path": "/e/12345678-1234-4234-8234-123456789abc/api/v2/apiTokens/lookup"' || true)" \
  "every request is POST <environment>/api/v2/apiTokens/lookup, the /e/<id> prefix kept"
assert_eq 0 "$( { grep -F '"method": "POST"' "$T/one.log" || true; } | grep -cvF '"body_matches": true, "content_type": "application/json"' || true)" \
  "every request sends the token as Api-Token and in a JSON body"
assert_eq 2 "$(json_num "$T/v.json" medium)" "the summary counts severities after verification"

# --- a TLS failure: https to the plain-http tenant two, once allowed ------------------------------------
mkdir -p "$T/tls"
cp "$S/H.yaml" "$T/tls/"
run_kept scan_in "$T/tls" --verify --verify-allow-host "127.0.0.1:$PORT_two" --format json -o "$T/tls.json"
keep "$T/tls.json"
assert_eq "critical unknown tls well-formed,environment-url-in-file null" "$(vget "$T/tls.json" H.yaml)" \
  "a TLS failure: unknown, severity unchanged"
assert_eq 1 "$(connections "$T/two.log")" "an allowed https host is contacted (once)"

# --- --env-url: tokens are also checked at the given environment ------------------------------------
mkdir -p "$T/noenv"
cp "$S/O.yaml" "$T/noenv/"
: >"$T/one.log"
run_kept scan_in "$T/noenv" --verify --env-url "http://127.0.0.1:$PORT_one" --format json -o "$T/envurl-refused.json"
keep "$T/envurl-refused.json"
assert_eq 0 "$(connections "$T/one.log")" "--env-url with plain http still needs --verify-allow-host"
run_kept scan_in "$T/noenv" --verify --env-url "http://127.0.0.1:$PORT_one" \
  --verify-allow-host "127.0.0.1:$PORT_one" --format json -o "$T/envurl.json"
keep "$T/envurl.json"
assert_eq "critical active - well-formed,verified-active entities.read" "$(vget "$T/envurl.json" O.yaml)" \
  "--env-url pairs a token that has no environment in its file"
assert_file_contains "$T/one.log" '"path": "/api/v2/apiTokens/lookup"' "--env-url without a path: /api/v2/apiTokens/lookup"

# --- a revoked token no longer fails the gate ---------------------------------------------------------
mkdir -p "$T/revoked"
cp "$S/R.yaml" "$T/revoked/"
run_kept "$DTSCAN" scan "$T/revoked"
assert_rc 1 "a critical token fails --fail-on high"
run_kept scan_in "$T/revoked" --verify --verify-allow-host "127.0.0.1:$PORT_one"
assert_rc 0 "verified revoked (medium) passes --fail-on high"
assert_file_contains "$OUT" "verified=inactive" "text report shows the verification status"

# --- every format carries the verification ----------------------------------------------------------
run_kept scan_in "$S" --verify --verify-allow-host "127.0.0.1:$PORT_one" --verify-timeout 1
assert_match "$OUT" '^A\.yaml:2:8: CRITICAL dynatrace-token .*verified=active$' "text: verified=active"
assert_match "$OUT" '^S\.yaml:.* verified=unknown\(timeout\)$' "text: verified=unknown(reason)"
run_kept scan_in "$S" --verify --verify-allow-host "127.0.0.1:$PORT_one" --verify-timeout 1 --format jsonl
assert_eq 14 "$(count_of "$OUT" '"verification":{"status":')" "jsonl: a verification object per checkable finding"
assert_match "$OUT" '^\{"summary":' "jsonl: the summary line last"
run_kept scan_in "$S" --verify --verify-allow-host "127.0.0.1:$PORT_one" --verify-timeout 1 --format sarif \
  -o "$T/v.sarif"
keep "$T/v.sarif"
assert_eq 14 "$(python3 -c 'import json,sys; print(sum("verification" in r["properties"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$T/v.sarif")" \
  "sarif: properties.verification"

# --- git and staged: a token is paired with its own blob's environment URLs ----------------------------
G="$T/repo"
mkrepo "$G"
printf 'url: %s\ntoken: %s\n' "$ENV1" "${TOK[G]}" >"$G/with-env.yaml"
printf 'token: %s\n' "${TOK[R]}" >"$G/no-env.yaml" # the environment is in another blob
printf 'url: %s\n' "$ENV1" >"$G/env.yaml"
commit_all "$G" "tokens"
: >"$T/one.log"
run_kept "$DTSCAN" git "$G" --format json -o "$T/git-plain.json"
keep "$T/git-plain.json"
assert_eq 0 "$(connections "$T/one.log")" "git without --verify sends nothing"
run_kept "$DTSCAN" git "$G" --verify --verify-allow-host "127.0.0.1:$PORT_one" --format json -o "$T/git.json"
keep "$T/git.json"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active,dangerous-scope:WriteConfig WriteConfig" \
  "$(vget "$T/git.json" with-env.yaml)" "git --verify: the blob's environment"
assert_eq "high unknown no-environment well-formed null" "$(vget "$T/git.json" no-env.yaml)" \
  "git --verify: an environment URL in another blob is not used"
assert_eq 1 "$(asked "$T/one.log" G)" "git --verify: asked once"
printf 'again: %s\nurl: %s\n' "${TOK[G]}" "$ENV1" >"$G/staged.yaml"
git -C "$G" add staged.yaml
: >"$T/one.log"
run_kept "$DTSCAN" staged --repo "$G" --format json -o "$T/staged-plain.json"
keep "$T/staged-plain.json"
assert_eq 0 "$(connections "$T/one.log")" "staged without --verify sends nothing"
assert_file_lacks "$T/staged-plain.json" '"verification"' "staged without --verify: no verification field"
run_kept "$DTSCAN" staged --repo "$G" --verify --verify-allow-host "127.0.0.1:$PORT_one" --format json -o "$T/staged.json"
keep "$T/staged.json"
assert_eq "critical active" "$(vget "$T/staged.json" staged.yaml | cut -d' ' -f1,2)" "staged --verify when asked"

# --- usage errors -------------------------------------------------------------------------------------
run scan_in "$S" --env-url https://abc12345.live.dynatrace.com
assert_rc 2 "--env-url without --verify is a usage error"
run scan_in "$S" --verify --verify-allow-host "http://127.0.0.1"
assert_rc 2 "--verify-allow-host takes HOST[:PORT], not a URL"
run scan_in "$S" --verify --verify-timeout 0
assert_rc 2 "--verify-timeout must be positive"
run "$DTSCAN" --help
assert_file_contains "$OUT" "--verify-allow-host" "--help lists the verification options"

# --- the secrets appear in no output ------------------------------------------------------------------
assert_no_secrets "${!TOK[@]}"

# The json reports with verification objects follow docs/report.schema.json.
mapfile -t reports < <(grep -l '"schema": "dtscan/report/v1"' "$T"/*.json | sort)
if [ "${#reports[@]}" -ge 3 ]; then pass; else fail "json reports of the verify runs" "${#reports[@]}"; fi
if "$SOURCE_DIR/tests/tools/validate-report.sh" "${reports[@]}" >"$T/validate.txt" 2>&1; then pass; else
  fail "verify json reports validate against the schema" "$(head -c 800 "$T/validate.txt")"
fi

finish
