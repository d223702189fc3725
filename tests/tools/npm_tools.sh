# Sourced by the validators: installs the npm packages pinned in tests/sarif (the SARIF multitool and
# ajv) once, with `npm ci`, and points NODE_PATH at them. Sets NPM_TOOLS to that directory.
NPM_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sarif" && pwd)
if [ ! -x "$NPM_TOOLS/node_modules/.bin/sarif-multitool" ] || [ ! -d "$NPM_TOOLS/node_modules/ajv" ]; then
  # A failure here is nearly always the network: no route to the npm registry, or a TLS-inspecting proxy
  # whose CA is not in the system store (/usr/local/share/ca-certificates + update-ca-certificates).
  if ! (cd "$NPM_TOOLS" && npm ci --no-audit --no-fund >&2); then
    echo "$(basename "$0"): could not install the validators (SARIF multitool, ajv) from the npm registry (see npm's error above)" >&2
    exit 1
  fi
fi
export NODE_PATH="$NPM_TOOLS/node_modules"
