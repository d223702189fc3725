# Helpers for the --verify tests: fake Dynatrace tenants (tests/verify/fake_tenant.py, real HTTP or HTTPS
# servers on 127.0.0.1) and readers of what they logged and what dtscan reported. Source it after lib.sh.
# shellcheck shell=bash

if ! command -v python3 >/dev/null; then
  skip "python3 is not installed (scripts/install-deps.sh test)"
  finish
  exit
fi
# The fake tenant is local: a proxy from the environment must not stand between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

TENANT="$SOURCE_DIR/tests/verify/fake_tenant.py"
SERVER_PIDS=()
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
# shellcheck disable=SC2154 # rc is assigned inside the trap
trap 'rc=$?; stop_servers; (exit $rc); on_exit' EXIT

# start_tenant NAME [ARGS...]: a fake tenant with table $T/NAME.table.json, logging to $T/NAME.log (ARGS:
# more fake_tenant.py options, e.g. --tls-cert/--tls-key); sets PORT_NAME.
start_tenant() {
  local name=$1
  shift
  : >"$T/$name.log"
  python3 "$TENANT" --table "$T/$name.table.json" --log "$T/$name.log" --port-file "$T/$name.port" "$@" &
  SERVER_PIDS+=($!)
  for _ in $(seq 100); do
    [ -s "$T/$name.port" ] && break
    sleep 0.1
  done
  [ -s "$T/$name.port" ] || { echo "fake tenant $name did not start" >&2; exit 2; }
  printf -v "PORT_$name" '%s' "$(cat "$T/$name.port")"
}

# vget REPORT PATH [REPOSITORY]: "severity status detail reasons scopes" of the finding at PATH (in
# REPOSITORY, for audit reports) in a json report.
vget() {
  python3 - "$1" "$2" "${3-}" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["path"] != sys.argv[2] or (sys.argv[3] and f.get("repository") != sys.argv[3]):
        continue
    v = f.get("verification")
    if v is None:
        print(f["severity"], "none")
        continue
    scopes = "null" if v["scopes"] is None else ",".join(v["scopes"])
    print(f["severity"], v["status"], v["detail"] or "-", ",".join(f["reasons"]), scopes)
PY
}
asked() { { grep -F "\"label\": \"$2\"" "$1" || true; } | wc -l | tr -d ' '; } # LOG LABEL
connections() { { grep -F '"event": "connect"' "$1" || true; } | wc -l | tr -d ' '; }
OUTPUTS=() # every stdout, stderr and report file, for the secret check at the end
keep() { local f="$T/out.${#OUTPUTS[@]}"; cp "$1" "$f"; OUTPUTS+=("$f"); }
run_kept() { run "$@"; keep "$OUT"; keep "$ERR"; }

# assert_no_secrets NAME...: the secret part of each ${TOK[NAME]} is in none of the kept outputs.
assert_no_secrets() {
  local name secret f
  for name in "$@"; do
    secret=${TOK[$name]##*.}
    for f in "${OUTPUTS[@]}"; do assert_file_lacks "$f" "$secret" "secret of $name in no output ($f)"; done
  done
}
