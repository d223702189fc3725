#!/usr/bin/env bash
# SARIF is what GitHub code scanning ingests (SPEC §5): it must validate, list every rule once, map
# severities to levels, and keep partialFingerprints stable when a leak moves, or alerts churn.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# sarif_results FILE: one tab-separated line per result:
#   ruleId ruleIndex level properties.severity uri startLine startColumn partialFingerprints message
# (reads dtscan's pretty-printed SARIF line by line; no jq on minimal CI images).
sarif_results() {
  [ -f "$1" ] || return 0
  awk '
    function val(s) { sub(/^[^:]*: */, "", s); sub(/,$/, "", s); gsub(/^"|"$/, "", s); return s }
    function emit() { if (rid != "") print rid "\t" ri "\t" lvl "\t" sev "\t" uri "\t" sl "\t" sc "\t" fp "\t" msg }
    /"results": \[/ { inres = 1; next }
    !inres { next }
    infp && /}/ { infp = 0; next }
    infp { s = $0; gsub(/^ +| +$/, "", s); fp = fp s; next }
    /"partialFingerprints": \{/ { infp = 1; next }
    /"ruleId":/ { emit(); rid = val($0); ri = lvl = sev = uri = sl = sc = fp = msg = ""; next }
    /"ruleIndex":/ { ri = val($0) }
    /"level":/ { lvl = val($0) }
    /"severity":/ { sev = val($0) }
    /"uri":/ { uri = val($0) }
    /"startLine":/ { sl = val($0) }
    /"startColumn":/ { sc = val($0) }
    /"text":/ { if (msg == "") msg = val($0) }
    END { emit() }
  ' "$1"
}

# sarif_rule_ids FILE: the ids in tool.driver.rules, in order.
sarif_rule_ids() {
  [ -f "$1" ] || return 0
  awk '/"rules": \[/ { r = 1; next } /"results": \[/ { r = 0 } r && /^ *"id": "/ { s = $0; sub(/^ *"id": "/, "", s); sub(/".*/, "", s); print s }' "$1"
}

# --- a tree with findings of all four rules and all five severities ---------------------------------
R="$T/repo"
mkdir -p "$R/deploy" "$R/config" "$R/docs"
cat <<'EOF' | fake_file "$R/deploy/install.sh" sarif-1
#!/bin/sh
DT_ENV=https://abc12345.live.dynatrace.com
export DT_API_TOKEN=@@dt0c01@@
curl "$DT_ENV/api/v2/metrics?api-token=$DT_TOKEN"
EOF
cat <<'EOF' | fake_file "$R/config/app.env" sarif-2
DT_API_TOKEN=@@dt0c01@@
curl -H "Authorization: Api-Token @@legacy:21@@" https://example.invalid/
ACTIVEGATE_TOKEN=@@tok:dt0g02:8@@
DT_TOKEN_ID=dt0c01.@@b32:24@@
EOF
printf 'Nothing here.\n' >"$R/docs/readme.md"

run "$DTSCAN" scan --format sarif -o "$T/all.sarif" "$R"
assert_rc 1 "sarif scan of the tree"
assert_empty "$OUT" "-o: stdout empty"
[ -f "$T/all.sarif" ] || : >"$T/all.sarif" # without a report: keep going, and failing

if "$VALIDATE_SARIF" "$T/all.sarif" >"$T/validate.txt" 2>&1; then pass; else
  fail "SARIF does not validate" "$(cat "$T/validate.txt")"
fi
assert_file_contains "$T/validate.txt" "OK (0 errors" "validator reports zero errors"

assert_eq 1 "$(count_of "$T/all.sarif" '"version": "2.1.0"')" "version 2.1.0"
assert_eq 1 "$(grep -c '"driver": {' "$T/all.sarif" || true)" "exactly one run / driver"
assert_match "$T/all.sarif" '"informationUri": "https?://' "driver has informationUri"
assert_match "$T/all.sarif" '^ *"name": "dtscan",$' "driver name"

# Rules: every built-in rule exactly once, nothing else.
sarif_rule_ids "$T/all.sarif" >"$T/rule-ids.txt"
assert_eq 4 "$(wc -l <"$T/rule-ids.txt" | tr -d ' ')" "tool.driver.rules has 4 entries"
for rule in dynatrace-token dynatrace-token-in-url dynatrace-legacy-token dynatrace-token-id; do
  assert_eq 1 "$(grep -cx -- "$rule" "$T/rule-ids.txt" || true)" "rule $rule listed once"
done
for key in '"shortDescription"' '"fullDescription"' '"help"' '"defaultConfiguration"'; do
  assert_eq 4 "$(count_of "$T/all.sarif" "$key")" "every rule has $key"
done
assert_eq 4 "$(grep -cE '"security-severity": "[0-9]+(\.[0-9]+)?"' "$T/all.sarif" || true)" "every rule has a numeric security-severity string"
# Each rule's tags include "security".
tagged=$(awk '/"rules": \[/ { r = 1 } /"results": \[/ { r = 0 } r && /"tags": \[/ { t = 1; next } t && /\]/ { t = 0 } t && /"security"/ { n++ } END { print n + 0 }' "$T/all.sarif")
assert_eq 4 "$tagged" "every rule is tagged security"
# Remediation in the help of the rules that report secrets.
help_lines=$(grep -E '^ *"text": ".*' "$T/all.sarif" | grep -ciE 'revoke' || true)
if [ "$help_lines" -ge 3 ]; then pass; else fail "help of the secret rules says to revoke the token (found $help_lines)"; fi

# Results.
sarif_results "$T/all.sarif" >"$T/results.tsv"
assert_eq 6 "$(wc -l <"$T/results.tsv" | tr -d ' ')" "6 results"
for rule in dynatrace-token dynatrace-token-in-url dynatrace-legacy-token dynatrace-token-id; do
  n=$(awk -F'\t' -v r="$rule" '$1 == r' "$T/results.tsv" | wc -l | tr -d ' ')
  if [ "$n" -ge 1 ]; then pass; else fail "a result of rule $rule" "$(cat "$T/results.tsv")"; fi
done
for sev in critical high medium low info; do
  n=$(awk -F'\t' -v s="$sev" '$4 == s' "$T/results.tsv" | wc -l | tr -d ' ')
  if [ "$n" -ge 1 ]; then pass; else fail "a result of severity $sev" "$(cut -f1-6 "$T/results.tsv")"; fi
done
while IFS=$'\t' read -r rid ri lvl sev uri sl sc fp msg; do
  case "$sev" in
  critical | high) want=error ;;
  medium) want=warning ;;
  low | info) want=note ;;
  *) want="(unknown severity '$sev')" ;;
  esac
  assert_eq "$want" "$lvl" "$uri:$sl $rid: level for severity $sev"
  assert_eq "$rid" "$(sed -n "$((ri + 1))p" "$T/rule-ids.txt")" "$uri:$sl: ruleIndex $ri names $rid"
  if [ -n "$fp" ]; then pass; else fail "$uri:$sl $rid: partialFingerprints present"; fi
  if [[ "$uri" != /* && "$uri" != *://* && "$uri" != *\\* ]]; then pass; else fail "$uri: relative artifactLocation.uri"; fi
  if [ "$sl" -ge 1 ] && [ "$sc" -ge 1 ]; then pass; else fail "$uri: region with startLine/startColumn"; fi
  if [ -n "$msg" ]; then pass; else fail "$uri:$sl: message text"; fi
done <"$T/results.tsv"
assert_eq 6 "$(grep -c '"token_id"' "$T/all.sarif" || true)" "every result has properties.token_id"
assert_eq 6 "$(grep -c '"reasons": \[' "$T/all.sarif" || true)" "every result has properties.reasons"
assert_match "$T/results.tsv" $'^dynatrace-token\t[0-9]+\terror\tcritical\tdeploy/install.sh\t3\t' "critical token result at deploy/install.sh:3"
# No secret part in the SARIF.
{ grep -ohE 'dt0[a-z][0-9]{2}\.[A-Z2-7]+\.[A-Z2-7]{64}' "$R/deploy/install.sh" "$R/config/app.env" || true; } |
  cut -d. -f3 >"$T/secrets.txt"
assert_eq 3 "$(wc -l <"$T/secrets.txt" | tr -d ' ')" "fixture: three secret parts"
while IFS= read -r s; do
  assert_file_lacks "$T/all.sarif" "$s" "secret part of a token not in SARIF"
done <"$T/secrets.txt"

# --- partialFingerprints are stable across line moves, differ across paths -------------------------
tok=$(fake '@@dt0c01@@' sarif-move)
mkdir -p "$T/v1/app" "$T/v2/app"
printf 'DT_API_TOKEN=%s\n' "$tok" >"$T/v1/app/settings.env"
{ printf '# a header\n\n\n# more\n\n\n\n'; printf 'OTHER=1\n    DT_API_TOKEN=%s\n' "$tok"; } >"$T/v2/app/settings.env"
cp "$T/v2/app/settings.env" "$T/v2/app/copy.env"
"$DTSCAN" scan --format sarif -o "$T/v1.sarif" "$T/v1" >/dev/null 2>&1 || true
"$DTSCAN" scan --format sarif -o "$T/v2.sarif" "$T/v2" >/dev/null 2>&1 || true
sarif_results "$T/v1.sarif" >"$T/v1.tsv"
sarif_results "$T/v2.sarif" >"$T/v2.tsv"
fp1=$(awk -F'\t' '$5 == "app/settings.env" { print $8 }' "$T/v1.tsv")
fp2=$(awk -F'\t' '$5 == "app/settings.env" { print $8 }' "$T/v2.tsv")
fp_copy=$(awk -F'\t' '$5 == "app/copy.env" { print $8 }' "$T/v2.tsv")
line2=$(awk -F'\t' '$5 == "app/settings.env" { print $6 ":" $7 }' "$T/v2.tsv")
assert_eq "9:18" "$line2" "moved token reported at its new line and column"
if [ -n "$fp1" ]; then pass; else fail "fingerprint of the token before the move"; fi
assert_eq "$fp1" "$fp2" "same secret moved to another line keeps its partialFingerprints"
if [ -n "$fp_copy" ] && [ "$fp_copy" != "$fp2" ]; then pass; else fail "same secret in another path has other partialFingerprints" "$fp2 vs $fp_copy"; fi
tok2=$(fake '@@dt0c01@@' sarif-other)
printf 'DT_API_TOKEN=%s\n' "$tok2" >"$T/v1/app/settings.env"
"$DTSCAN" scan --format sarif -o "$T/v3.sarif" "$T/v1" >/dev/null 2>&1 || true
fp3=$(sarif_results "$T/v3.sarif" | awk -F'\t' '$5 == "app/settings.env" { print $8 }')
if [ -n "$fp3" ] && [ "$fp3" != "$fp1" ]; then pass; else fail "another secret on the same line has other partialFingerprints"; fi
# Thread count does not change the SARIF.
"$DTSCAN" scan --format sarif -j 1 -o "$T/j1.sarif" "$R" >/dev/null 2>&1 || true
"$DTSCAN" scan --format sarif -j 4 -o "$T/j4.sarif" "$R" >/dev/null 2>&1 || true
if diff -q "$T/j1.sarif" "$T/j4.sarif" >/dev/null; then pass; else fail "SARIF differs between -j 1 and -j 4"; fi

# --- columns after multi-byte characters ----------------------------------------------------------
# SARIF columns are Unicode code points (columnKind unicodeCodePoints, also the default) while JSON
# columns count bytes: "é€ x=" is 5 code points but 8 bytes before the token.
mkdir -p "$T/utf8"
printf '\xc3\xa9\xe2\x82\xac x=%s\n' "$tok" >"$T/utf8/u.txt"
"$DTSCAN" scan --format json -o "$T/utf8.json" "$T/utf8" >/dev/null 2>&1 || true
"$DTSCAN" scan --format sarif -o "$T/utf8.sarif" "$T/utf8" >/dev/null 2>&1 || true
assert_file_contains "$T/utf8.json" '"column": 9,' "json column counts bytes"
assert_eq "6" "$(sarif_results "$T/utf8.sarif" | cut -f7)" "SARIF startColumn counts code points after multi-byte characters"

# --- no findings: still a valid SARIF log -------------------------------------------------------------
mkdir -p "$T/clean"
printf 'nothing\n' >"$T/clean/a.txt"
run "$DTSCAN" scan --format sarif "$T/clean"
assert_rc 0 "clean sarif scan"
cp "$OUT" "$T/clean.sarif"
if "$VALIDATE_SARIF" "$T/clean.sarif" >"$T/validate-clean.txt" 2>&1; then pass; else
  fail "SARIF without results does not validate" "$(cat "$T/validate-clean.txt")"
fi
assert_eq 4 "$(sarif_rule_ids "$T/clean.sarif" | wc -l | tr -d ' ')" "rules listed even without results"

finish
