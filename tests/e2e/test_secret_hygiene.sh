#!/usr/bin/env bash
# SPEC §4: no report, log or warning may contain a secret part unless --show-secrets is given. A scanner
# that re-leaks what it finds into CI logs and SARIF uploads is worse than none.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- a tree with every kind of token ----------------------------------------------------------------
# Tokens are generated one by one so that the secret part of each is known exactly.
c01=$(fake '@@dt0c01@@' h-c01)
s02=$(fake '@@tok:dt0s02:8@@' h-s02)
s16=$(fake '@@tok:dt0s16:24@@' h-s16)
g02=$(fake '@@tok:dt0g02:8@@' h-g02)
e01=$(fake '@@tok:dt0e01:24@@' h-e01)
a01=$(fake '@@tok:dt0a01:abc12345@@' h-a01)
a02=$(fake '@@tenant:dt0a02@@' h-a02)
legacy=$(fake '@@legacy:21@@' h-legacy)
legacy_key=$(fake '@@legacy:21@@' h-legacy-key)
tenant16=$(fake '@@alnum:16@@' h-tenant)
url_tok=$(fake '@@dt0c01@@' h-url)
url_legacy=$(fake '@@legacy:21@@' h-url-legacy)
b64_tok=$(fake '@@dt0c01@@' h-b64)
pct_tok=$(fake '@@dt0c01@@' h-pct)
pctall_tok=$(fake '@@dt0c01@@' h-pctall)
pct_legacy=$(fake '@@legacy:21@@' h-pct-legacy)
test_tok=$(fake '@@dt0c01@@' h-testpath)

b64_blob=$(printf '%s' "$b64_tok" | base64 -w0)
pctall_blob=$(printf "%s" "$pctall_tok" | od -An -tx1 -v | tr -d " \n" | sed "s/\(..\)/%\1/g" | tr "a-f" "A-F")

R="$T/repo"
mkdir -p "$R/deploy" "$R/k8s" "$R/ci" "$R/tests/fixtures" "$R/cfg"
cat >"$R/deploy/install.sh" <<EOF
#!/bin/sh
DT_URL=https://abc12345.live.dynatrace.com
export DT_API_TOKEN=$c01
export DT_CLIENT_SECRET=$s02
curl -H "Authorization: Bearer $s16" https://abc12345.apps.dynatrace.com/platform/x
curl -H "Authorization: Api-Token $legacy" "\$DT_URL/api/v1/time"
wget "https://abc12345.live.dynatrace.com/api/v1/deployment/installer/agent/unix/default/latest?arch=x86&api-token=$url_tok"
EOF
cat >"$R/cfg/agents.yaml" <<EOF
activegate:
  token: $g02
edgeconnect:
  secret: $e01
oneagent:
  DT_CONNECTION_AUTH_TOKEN: $a01
  tenantToken: $a02
EOF
cat >"$R/cfg/legacy.env" <<EOF
TENANT_TOKEN=$tenant16
apiToken: "$legacy_key"
EOF
cat >"$R/ci/pipeline.yml" <<EOF
script:
  - curl "https://example.invalid/api/v1/entity?Api-Token=$url_legacy"
  - echo "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Api-Token%20$pct_legacy"
  - echo "Authorization=Api-Token%20$pct_tok"
  - curl "https%3A%2F%2Fexample.invalid%2Fapi%3Fapi-token%3D$pctall_blob"
EOF
cat >"$R/k8s/secret.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: dynakube
data:
  apiToken: $b64_blob
EOF
printf 'token = "%s"\n' "$test_tok" >"$R/tests/fixtures/config.ini"

# The secret parts, collected from the generated files: the third dot-separated part of a dt0 token,
# the part after the prefix of dt0a02, the whole value of legacy and tenant tokens.
secret_of() { # TOKEN: its secret part
  case "$1" in
  dt0a02.*) printf '%s' "${1#dt0a02.}" ;;
  dt0*) printf '%s' "$1" | cut -d. -f3 ;;
  *) printf '%s' "$1" ;;
  esac
}
secrets=()
for tok in "$c01" "$s02" "$s16" "$g02" "$e01" "$a01" "$a02" "$legacy" "$legacy_key" "$tenant16" "$url_tok" \
  "$url_legacy" "$b64_tok" "$pct_tok" "$pctall_tok" "$pct_legacy" "$test_tok"; do
  s=$(secret_of "$tok")
  if ! grep -rqF -- "$s" "$R" && [ "$tok" != "$b64_tok" ] && [ "$tok" != "$pctall_tok" ]; then
    fail "fixture: secret of $(printf '%s' "$tok" | cut -c1-6) not found in the generated tree"
  fi
  secrets+=("$s")
done
# Encoded forms reveal the secret as well as the plain one does.
encoded=("$b64_blob" "$pctall_blob")
assert_eq 17 "${#secrets[@]}" "fixture: 17 secrets collected"

# no_secret_in WHAT FILE...: none of the secrets (nor their encoded forms) occurs in the files.
no_secret_in() {
  local what=$1 f s leaked=()
  shift
  for f in "$@"; do
    [ -e "$f" ] || continue
    for s in "${secrets[@]}" "${encoded[@]}"; do
      if grep -qF -- "$s" "$f"; then leaked+=("$(basename "$f"): ${s:0:4}… (${#s} chars)"); fi
    done
  done
  if [ "${#leaked[@]}" -eq 0 ]; then pass; else fail "$what: secret leaked" "${leaked[@]}"; fi
}

# --- every format, stdout and -o, without --show-secrets -------------------------------------------
run "$DTSCAN" scan --format json "$R"
assert_rc 1 "json scan of the token tree"
# Sanity: the tree really produces findings of all four rules' worth of tokens.
nfind=$(grep -c '"fingerprint"' "$OUT" || true)
if [ "$nfind" -ge 17 ]; then pass; else fail "expected >= 17 findings in the token tree, got $nfind" "$(cat "$OUT")"; fi
for rule in dynatrace-token dynatrace-token-in-url dynatrace-legacy-token; do
  n=$(findings_of "$OUT" "$rule")
  if [ "$n" -ge 1 ]; then pass; else fail "token tree: no $rule finding"; fi
done
assert_file_contains "$OUT" '"decoded": "base64"' "base64 token found"
assert_file_contains "$OUT" '"decoded": "percent"' "percent-encoded token found"
# Redaction shape: prefix and public part, then ****; legacy: first 3 characters and ****.
assert_file_contains "$OUT" "\"redacted\": \"$(printf '%s' "$c01" | cut -d. -f1,2).****\"" "dt0c01 redacted form"
assert_file_contains "$OUT" "\"redacted\": \"${legacy:0:3}****\"" "legacy redacted form"
assert_file_contains "$OUT" "\"token_id\": \"dt0a02\"" "dt0a02 token_id is just the prefix"

for fmt in text json jsonl sarif; do
  run "$DTSCAN" scan --format "$fmt" "$R"
  assert_rc 1 "--format $fmt to stdout"
  no_secret_in "--format $fmt, stdout/stderr" "$OUT" "$ERR"

  rm -f "$T/report.$fmt"
  run "$DTSCAN" scan --format "$fmt" -o "$T/report.$fmt" "$R"
  assert_rc 1 "--format $fmt -o FILE"
  if [ -s "$T/report.$fmt" ]; then pass; else fail "--format $fmt -o: report file written"; fi
  no_secret_in "--format $fmt -o FILE (file, stdout, stderr)" "$T/report.$fmt" "$OUT" "$ERR"
done

# Single files named explicitly, standard input, and --no-decode take other code paths.
run "$DTSCAN" scan --format json "$R/deploy/install.sh" "$R/k8s/secret.yaml"
no_secret_in "explicit files" "$OUT" "$ERR"
run "$DTSCAN" scan --format sarif - <"$R/ci/pipeline.yml"
assert_rc 1 "stdin scan"
no_secret_in "stdin, sarif" "$OUT" "$ERR"
run "$DTSCAN" scan --format text --no-decode -j 1 "$R"
no_secret_in "--no-decode, text" "$OUT" "$ERR"
run "$DTSCAN" rules
no_secret_in "dtscan rules" "$OUT" "$ERR"

# --- warnings -----------------------------------------------------------------------------------------
W="$T/warn"
mkdir -p "$W"
cp "$R/deploy/install.sh" "$W/readable.sh"
mkfifo "$W/a-fifo"
ln -s "$R/deploy/install.sh" "$W/link.sh"
ln -s "$W/missing" "$W/dangling"
unreadable="$T/unreadable.env" # outside $W: named once, explicitly
if [ "$(id -u)" -ne 0 ]; then
  cp "$R/cfg/legacy.env" "$unreadable"
  chmod 000 "$unreadable"
else
  # Root reads any mode-000 file; /proc/self/mem is a regular file whose first read fails (EIO).
  unreadable=/proc/self/mem
fi
# More than 100000 matches in one file: a warning about that file.
awk -v t="$c01" 'BEGIN { for (i = 0; i < 100002; i++) print "t=" t }' >"$W/many.txt"
run "$DTSCAN" scan --format json "$W" "$unreadable"
assert_rc 1 "scan with warnings"
if [ -s "$ERR" ]; then pass; else fail "warnings expected on stderr (fifo, links, many matches)"; fi
assert_match "$ERR" '^dtscan: warning: ' "warnings start with 'dtscan: warning: '"
assert_file_contains "$ERR" "many.txt" "truncation warning names the file"
assert_file_contains "$ERR" "$(basename "$unreadable")" "unreadable file is a warning"
assert_eq 1 "$(json_num "$OUT" errors)" "unreadable file counted in summary.errors"
no_secret_in "warnings" "$ERR"
no_secret_in "report of the tree with warnings" "$OUT"

# --- git modes: staged, history, range, baseline files ---------------------------------------------------
G="$T/gitrepo"
cp -r "$R" "$G"
git -C "$G" init -q -b main
git -C "$G" -c user.name=t -c user.email=t@example.invalid add -A
git -C "$G" -c user.name=t -c user.email=t@example.invalid commit -q -m base
for fmt in text json jsonl sarif; do
  run "$DTSCAN" git --format "$fmt" "$G"
  assert_rc 1 "git --format $fmt of the token tree"
  no_secret_in "git --format $fmt (stdout and stderr)" "$OUT" "$ERR"
done
run "$DTSCAN" git --format json --write-baseline "$T/baseline.json" "$G"
assert_rc 0 "git --write-baseline"
no_secret_in "baseline file" "$T/baseline.json"
printf 'more: %s\n' "$c01" >>"$G/cfg/legacy.env"
git -C "$G" add -A
run_in_repo() { (cd "$G" && "$@") >"$OUT" 2>"$ERR" || RC=$?; }
RC=0
run_in_repo "$DTSCAN" staged --format sarif
assert_rc 1 "staged sarif"
no_secret_in "staged --format sarif" "$OUT" "$ERR"
git -C "$G" -c user.name=t -c user.email=t@example.invalid commit -q -m more
run "$DTSCAN" git --range HEAD~1..HEAD --format json "$G"
no_secret_in "git --range json" "$OUT" "$ERR"

# --- error paths that quote their arguments: a token passed by mistake is not echoed ----------------------
# (`dtscan scan "$DT_API_TOKEN"` in a CI script with a wrong variable name, for instance)
run "$DTSCAN" scan "$c01"
assert_rc 2 "a token as PATH: usage error"
assert_file_contains "$ERR" "$(printf '%s' "$c01" | cut -d. -f1,2).****" "a token as PATH: the error shows the redacted form"
no_secret_in "error: a token as PATH" "$ERR"
run "$DTSCAN" scan --format "$c01" "$R"
no_secret_in "error: a token as --format" "$ERR"
run "$DTSCAN" git --range "$c01..HEAD" "$G"
assert_rc 2 "a token in --range: usage error"
no_secret_in "error: a token in --range (libgit2 quotes it too)" "$ERR"
run "$DTSCAN" staged --repo "$T/$c01"
no_secret_in "error: a token in --repo" "$ERR"
run "$DTSCAN" scan --rules "$T/no-such-$s16.json" "$R"
no_secret_in "error: a token in a --rules file name" "$ERR"
run "$DTSCAN" scan --baseline "$T/$c01.json" "$R"
no_secret_in "error: a token in --baseline" "$ERR"
run "$DTSCAN" scan --fail-on "$s02" "$R"
no_secret_in "error: a token as --fail-on" "$ERR"

# --- with --show-secrets they do appear (so the checks above can fail) --------------------------------
run "$DTSCAN" scan --format json --show-secrets "$R"
assert_rc 1 "--show-secrets json"
missing=()
for s in "${secrets[@]}"; do
  grep -qF -- "$s" "$OUT" || missing+=("${s:0:4}… (${#s} chars)")
done
if [ "${#missing[@]}" -eq 0 ]; then pass; else fail "--show-secrets: secrets missing from the report" "${missing[@]}"; fi
run "$DTSCAN" scan --format text --show-secrets "$R/cfg/legacy.env"
assert_file_contains "$OUT" "$tenant16" "--show-secrets text shows the tenant token"

finish
