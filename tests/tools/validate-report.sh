#!/usr/bin/env bash
# Validates dtscan json reports, and each line of jsonl reports, against docs/report.schema.json with
# ajv (pinned in tests/sarif). A .jsonl file (or --jsonl) is read line by line: every line but the last
# must be a finding, the last the summary line. Exits 1 with one line per schema error.
# Usage: tests/tools/validate-report.sh [--jsonl] FILE...
set -euo pipefail

jsonl=0
if [ "${1:-}" = "--jsonl" ]; then jsonl=1; shift; fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [--jsonl] FILE..." >&2
  exit 2
fi
# shellcheck source=tests/tools/npm_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm_tools.sh"
schema="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../docs" && pwd)/report.schema.json"

exec node - "$schema" "$jsonl" "$@" <<'JS'
const fs = require('fs');
const Ajv = require('ajv').default;
const [schemaFile, jsonlFlag, ...files] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(schema, 'report');
const documentSchema = ajv.getSchema('report');
const finding = ajv.getSchema('report#/definitions/finding');
const summaryLine = ajv.getSchema('report#/definitions/summary_line');
let errors = 0;
const report = (where, validate) => {
  for (const e of validate.errors) console.log(`${where}: ${e.instancePath || '/'} ${e.message}${e.params && e.params.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}${e.params && e.params.additionalProperty ? ' (' + e.params.additionalProperty + ')' : ''}`);
  errors += validate.errors.length;
};
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (jsonlFlag === '1' || file.endsWith('.jsonl')) {
    const lines = text.split('\n');
    if (lines.pop() !== '') { console.log(`${file}: does not end with a newline`); errors++; }
    if (lines.length === 0) { console.log(`${file}: empty`); errors++; }
    lines.forEach((line, i) => {
      let value;
      try { value = JSON.parse(line); } catch (e) { console.log(`${file}:${i + 1}: ${e.message}`); errors++; return; }
      const validate = i === lines.length - 1 ? summaryLine : finding;
      if (!validate(value)) report(`${file}:${i + 1}`, validate);
    });
  } else {
    let value;
    try { value = JSON.parse(text); } catch (e) { console.log(`${file}: ${e.message}`); errors++; continue; }
    if (!documentSchema(value)) report(file, documentSchema);
  }
}
if (errors === 0) console.log(`validate-report: ${files.length} file(s) OK`);
process.exit(errors ? 1 : 0);
JS
