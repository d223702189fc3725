#!/usr/bin/env bash
# --verify over real TLS: fake tenants (tests/verify/fake_tenant.py) serving https on 127.0.0.1 with
# certificates signed by a CA made here with openssl. Checks that a chain dtscan is told to trust
# (CURL_CA_BUNDLE or SSL_CERT_FILE, as for the curl command) verifies, that an untrusted CA or a
# certificate for another name is a TLS failure (unknown, severity unchanged), and that --verify-rate
# spaces the requests; the verification progress shows on a terminal only. No secret appears in any output.
# shellcheck disable=SC2154 # PORT_<name> variables are set by start_tenant (verify_lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=verify_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/verify_lib.sh"
# shellcheck source-path=SCRIPTDIR source=git_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/git_lib.sh"

if ! command -v openssl >/dev/null; then
  skip "openssl is not installed (scripts/install-deps.sh test)"
  finish
  exit
fi

# --- a CA, a certificate for 127.0.0.1 and one for another name, all made now ---------------------------
P="$T/pki"
mkdir -p "$P"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
key "$P/ca.key"
openssl req -x509 -new -key "$P/ca.key" -out "$P/ca.pem" -days 2 -subj "/CN=dtscan test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
# leaf NAME SAN: a server certificate signed by the CA.
leaf() {
  key "$P/$1.key"
  openssl req -new -key "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$P/$1.ext"
  openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
    -extfile "$P/$1.ext" -out "$P/$1.pem" 2>/dev/null
}
leaf local "IP:127.0.0.1"
leaf other "DNS:tenant.example.invalid"

declare -A TOK
for name in A R K1 K2 K3 K4; do TOK[$name]=$(fake '@@dt0c01@@' "verify-tls-$name"); done
python3 - "$T/tls.table.json" "${TOK[A]}" "${TOK[R]}" "${TOK[K1]}" "${TOK[K2]}" "${TOK[K3]}" "${TOK[K4]}" <<'PY'
import json, sys
a, r, *ks = sys.argv[2:]
table = {a: {"label": "A", "behaviour": "active", "scopes": ["apiTokens.write", "metrics.read"]},
         r: {"label": "R", "behaviour": "revoked"}}
for i, k in enumerate(ks, 1):
    table[k] = {"label": f"K{i}", "behaviour": "active", "scopes": ["metrics.read"]}
json.dump(table, open(sys.argv[1], "w"))
PY
cp "$T/tls.table.json" "$T/other.table.json"
start_tenant tls --tls-cert "$P/local.pem" --tls-key "$P/local.key"
start_tenant other --tls-cert "$P/other.pem" --tls-key "$P/other.key"
ENV="https://127.0.0.1:$PORT_tls/e/12345678-1234-4234-8234-123456789abc"
ENV_OTHER="https://127.0.0.1:$PORT_other/e/12345678-1234-4234-8234-123456789abc"

S="$T/src"
mkdir -p "$S" "$T/other-src" "$T/rate"
for name in A R; do printf 'url: %s\ntoken: %s\n' "$ENV" "${TOK[$name]}" >"$S/$name.yaml"; done
printf 'url: %s\ntoken: %s\n' "$ENV_OTHER" "${TOK[A]}" >"$T/other-src/A.yaml"
for name in K1 K2 K3 K4; do printf 'url: %s\ntoken: %s\n' "$ENV" "${TOK[$name]}" >"$T/rate/$name.yaml"; done

# trusting DIR VAR=VALUE... -- CMD...: CMD run in DIR with only the named trust variables set.
trusting() {
  local dir=$1
  shift
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  (cd "$dir" && env -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR "${vars[@]}" "$@")
}

# --- a trusted chain verifies ----------------------------------------------------------------------------
run_kept trusting "$S" CURL_CA_BUNDLE="$P/ca.pem" -- "$DTSCAN" scan --verify --verify-allow-host "127.0.0.1:$PORT_tls" \
  --format json -o "$T/ok.json" .
keep "$T/ok.json"
assert_rc 1 "https --verify with the test CA trusted (an active token fails the gate)"
assert_eq "critical active - well-formed,environment-url-in-file,verified-active,dangerous-scope:apiTokens.write apiTokens.write,metrics.read" \
  "$(vget "$T/ok.json" A.yaml)" "https, CA from CURL_CA_BUNDLE: active with its scopes"
assert_eq "medium inactive revoked-or-invalid well-formed,environment-url-in-file,revoked-or-invalid null" \
  "$(vget "$T/ok.json" R.yaml)" "https, CA from CURL_CA_BUNDLE: a revoked token is inactive"
assert_eq 1 "$(asked "$T/tls.log" A)" "https: token A asked once"
assert_file_contains "$T/tls.log" '"path": "/e/12345678-1234-4234-8234-123456789abc/api/v2/apiTokens/lookup"' \
  "https: the lookup path under /e/<id>"

: >"$T/tls.log"
run_kept trusting "$S" SSL_CERT_FILE="$P/ca.pem" -- "$DTSCAN" scan --verify --verify-allow-host "127.0.0.1:$PORT_tls" \
  --format json -o "$T/ok2.json" .
keep "$T/ok2.json"
assert_eq "critical active" "$(vget "$T/ok2.json" A.yaml | cut -d' ' -f1,2)" "https, CA from SSL_CERT_FILE: active"

# --- an untrusted CA, a certificate for another name: TLS failures -----------------------------------------
: >"$T/tls.log"
run_kept trusting "$S" -- "$DTSCAN" scan --verify \
  --verify-allow-host "127.0.0.1:$PORT_tls" --format json -o "$T/untrusted.json" .
keep "$T/untrusted.json"
assert_eq "critical unknown tls well-formed,environment-url-in-file null" "$(vget "$T/untrusted.json" A.yaml)" \
  "a CA not trusted: unknown (tls), severity unchanged"
assert_eq 0 "$(asked "$T/tls.log" A)" "a CA not trusted: the token is never sent"
assert_eq 2 "$(connections "$T/tls.log")" "a CA not trusted: the handshakes were tried"
run_kept trusting "$T/other-src" CURL_CA_BUNDLE="$P/ca.pem" -- "$DTSCAN" \
  scan --verify --verify-allow-host "127.0.0.1:$PORT_other" --format json -o "$T/other.json" .
keep "$T/other.json"
assert_eq "critical unknown tls well-formed,environment-url-in-file null" "$(vget "$T/other.json" A.yaml)" \
  "a certificate for another name: unknown (tls)"
assert_eq 0 "$(asked "$T/other.log" A)" "a certificate for another name: the token is never sent"

# --- --verify-rate spaces the request starts across the run ---------------------------------------------
: >"$T/tls.log"
run_kept trusting "$T/rate" CURL_CA_BUNDLE="$P/ca.pem" -- "$DTSCAN" \
  scan --verify --verify-rate 2 --verify-allow-host "127.0.0.1:$PORT_tls" --format json -o "$T/rate.json" .
keep "$T/rate.json"
assert_eq 4 "$(count_of "$T/rate.json" '"status": "active"')" "--verify-rate 2: all four tokens verified"
gap=$(python3 - "$T/tls.log" <<'PY'
import json, sys
ts = sorted(e["t"] for e in map(json.loads, open(sys.argv[1])) if e.get("method") == "POST")
print(f"{min(b - a for a, b in zip(ts, ts[1:])):.2f}" if len(ts) == 4 else f"requests={len(ts)}")
PY
)
if awk -v g="$gap" 'BEGIN { exit !(g + 0 >= 0.45) }'; then pass; else
  fail "--verify-rate 2: at least 0.5 s between request starts (0.05 s slack)" "smallest gap: $gap"
fi
assert_file_lacks "$ERR" "verifying tokens" "not a terminal: no verification progress"

# --- progress on a terminal (script(1) gives the command a pty) -------------------------------------------
# on_tty OUT VAR=VALUE... -- CMD...: CMD on a pseudo-terminal, stdout and stderr both into OUT.
on_tty() {
  local out=$1 envs=() cmd
  shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  printf -v cmd '%q ' "$@"
  env -u SSL_CERT_FILE -u SSL_CERT_DIR "${envs[@]}" script -qec "$cmd" /dev/null </dev/null >"$out" 2>&1 || true
}
on_tty "$T/tty.txt" CURL_CA_BUNDLE="$P/ca.pem" -- "$DTSCAN" scan --verify --verify-rate 2 \
  --verify-allow-host "127.0.0.1:$PORT_tls" --format json -o "$T/tty.json" "$T/rate"
keep "$T/tty.txt"
assert_file_contains "$T/tty.txt" "dtscan: verifying tokens: 4/4" "a terminal: scan --verify shows its progress"
mkrepo "$T/rate-repo"
cp "$T"/rate/*.yaml "$T/rate-repo/"
commit_all "$T/rate-repo" "tokens"
on_tty "$T/tty-audit.txt" CURL_CA_BUNDLE="$P/ca.pem" -- "$DTSCAN" audit --verify --verify-rate 2 \
  --verify-allow-host "127.0.0.1:$PORT_tls" --format json -o "$T/tty-audit.json" "$T/rate-repo"
keep "$T/tty-audit.txt"
assert_match "$T/tty-audit.txt" '[0-9]/4 tokens verified' "a terminal: audit --verify shows the tokens verified"
assert_eq 4 "$(count_of "$T/tty-audit.json" '"status": "active"')" "audit --verify over https: all four verified"

for bad in 0 -1 abc 2000; do
  run "$DTSCAN" scan --verify --verify-rate "$bad" "$S"
  assert_rc 2 "--verify-rate $bad is a usage error"
done

assert_no_secrets "${!TOK[@]}"
finish
