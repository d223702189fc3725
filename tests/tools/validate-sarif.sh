#!/usr/bin/env bash
# Validates SARIF files with the Microsoft SARIF multitool pinned in tests/sarif (its SARIF rules plus
# GitHub code scanning's "Ghas" rules) and, because the multitool silently accepts some schema violations
# (an unknown result "level" yields no result at all), against the SARIF 2.1.0 schema it ships, with ajv.
# Exits 1 with the error lines if either reports an error; warnings are printed but allowed.
# Usage: tests/tools/validate-sarif.sh FILE...
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 FILE..." >&2
  exit 2
fi

# shellcheck source=tests/tools/npm_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm_tools.sh"
# The native binary that node_modules/.bin/sarif-multitool runs: its wrapper passes arguments through a
# shell, which mangles file names with spaces and ';'-separated option values, so we call it directly.
multitool=$(node -p "require('@microsoft/sarif-multitool')")
schema="$(dirname "$multitool")/sarif-2.1.0.json"
# npm may skip the package's postinstall (chmod u+x) when install scripts are not allowed.
[ -x "$multitool" ] || chmod u+x "$multitool"

# The self-contained .NET binary aborts without libicu (absent on minimal Debian); it needs no culture data.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the multitool's console lines of one level, with the temporary input name replaced.
lines_of() {
  local level=$1 file=$2 line
  while IFS= read -r line; do
    if [[ "$line" == *": $level "* ]]; then printf '%s\n' "${line//"$tmp/input.sarif"/$file}"; fi
  done <"$tmp/console.txt"
}

status=0
for file in "$@"; do
  if [ ! -f "$file" ]; then
    echo "validate-sarif: $file: no such file" >&2
    status=1
    continue
  fi
  # A fixed name: the multitool reads its argument as a file pattern ('*', '?').
  cp "$file" "$tmp/input.sarif"
  rm -f "$tmp/validation.sarif"
  # Its exit code is 0 even when it reports errors: its own SARIF log says what it found.
  if ! "$multitool" validate "$tmp/input.sarif" --rule-kind Sarif Ghas --output "$tmp/validation.sarif" \
    --log ForceOverwrite >"$tmp/console.txt" 2>&1 || [ ! -f "$tmp/validation.sarif" ]; then
    echo "validate-sarif: $file: the SARIF multitool failed to run" >&2
    cat "$tmp/console.txt" >&2
    status=1
    continue
  fi
  if ! node - "$tmp/validation.sarif" "$tmp/input.sarif" "$schema" >"$tmp/report.txt" 2>&1 <<'JS'; then
const fs = require('fs');
const [logFile, file, schemaFile] = process.argv.slice(2);
const run = JSON.parse(fs.readFileSync(logFile, 'utf8')).runs[0];
let errors = 0;
for (const inv of run.invocations || []) {
  if (inv.executionSuccessful === false) { console.log('error: the multitool did not complete'); errors++; }
  for (const n of inv.toolExecutionNotifications || [])
    if (n.level === 'error') { console.log(`error: multitool: ${n.message.text}`); errors++; }
}
// The console lines carry the readable messages of these results; here they are only counted.
const results = (run.results || []).filter((r) => r.level === 'error').length;
if (results) console.log(`error: the multitool reported ${results} error(s)`);
errors += results;
const Ajv2020 = require('ajv/dist/2020').default;
const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  .compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
let doc;
try { doc = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { console.log(`error: ${e.message}`); errors++; }
if (doc !== undefined && !validate(doc))
  for (const e of validate.errors) { console.log(`error: schema: ${e.instancePath || '/'} ${e.message}`); errors++; }
process.exit(errors ? 1 : 0);
JS
    lines_of warning "$file"
    echo "validate-sarif: $file: FAILED" >&2
    lines_of error "$file" >&2
    cat "$tmp/report.txt" >&2
    status=1
  else
    lines_of warning "$file"
    echo "validate-sarif: $file: OK (0 errors, $(lines_of warning "$file" | wc -l) warnings)"
  fi
done
exit $status
