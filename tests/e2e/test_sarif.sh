#!/usr/bin/env bash
# SARIF is what GitHub code scanning ingests (SPEC §5): it must validate, list every rule once, map
# severities to levels, rank results as dtscan does (security-severity of a per-severity descriptor),
# keep partialFingerprints stable when a leak moves, or alerts churn, validate whatever the PATH form,
# and give each kind of run its own automation category.
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
  awk '/"rules": \[/ { r = 1; next } /"automationDetails"|"results": \[/ { r = 0 } r && /^ *"id": "/ { s = $0; sub(/^ *"id": "/, "", s); sub(/".*/, "", s); print s }' "$1"
}

# sarif_rule_security FILE: the security-severity of each descriptor in tool.driver.rules, in order.
sarif_rule_security() {
  awk '/"rules": \[/ { r = 1; next } /"automationDetails"|"results": \[/ { r = 0 } r && /"security-severity": "/ { s = $0; sub(/^ *"security-severity": "/, "", s); sub(/".*/, "", s); print s }' "$1"
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

# From the tree's root, as in CI: artifact URIs are relative to the current directory (%SRCROOT%).
run env -C "$R" "$DTSCAN" scan --format sarif -o "$T/all.sarif" .
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

# Rules: every built-in rule exactly once, then one descriptor "<rule>/<severity>" per pair the results
# use, each once.
sarif_rule_ids "$T/all.sarif" >"$T/rule-ids.txt"
sarif_results "$T/all.sarif" >"$T/results.tsv"
assert_eq 4 "$(grep -cv / "$T/rule-ids.txt" || true)" "tool.driver.rules has the 4 built-in rules"
for rule in dynatrace-token dynatrace-token-in-url dynatrace-legacy-token dynatrace-token-id; do
  assert_eq 1 "$(grep -cx -- "$rule" "$T/rule-ids.txt" || true)" "rule $rule listed once"
done
variants=$(cut -f1 "$T/results.tsv" | sort -u | wc -l | tr -d ' ')
assert_eq "$variants" "$(grep -c / "$T/rule-ids.txt" || true)" "one descriptor per (rule, severity) used"
assert_eq "$(sort -u "$T/rule-ids.txt" | wc -l | tr -d ' ')" "$(wc -l <"$T/rule-ids.txt" | tr -d ' ')" "no descriptor id twice"
descriptors=$(wc -l <"$T/rule-ids.txt" | tr -d ' ')
for key in '"shortDescription"' '"fullDescription"' '"help"' '"defaultConfiguration"'; do
  assert_eq "$descriptors" "$(count_of "$T/all.sarif" "$key")" "every rule has $key"
done
assert_eq "$descriptors" "$(grep -cE '"security-severity": "[0-9]+(\.[0-9]+)?"' "$T/all.sarif" || true)" "every rule has a numeric security-severity string"
# Each rule's tags include "security".
tagged=$(awk '/"rules": \[/ { r = 1 } /"results": \[/ { r = 0 } r && /"tags": \[/ { t = 1; next } t && /\]/ { t = 0 } t && /"security"/ { n++ } END { print n + 0 }' "$T/all.sarif")
assert_eq "$descriptors" "$tagged" "every rule is tagged security"
# Remediation in the help of the rules that report secrets.
help_lines=$(grep -E '^ *"text": ".*' "$T/all.sarif" | grep -ciE 'revoke' || true)
if [ "$help_lines" -ge 3 ]; then pass; else fail "help of the secret rules says to revoke the token (found $help_lines)"; fi

# Results.
assert_eq 6 "$(wc -l <"$T/results.tsv" | tr -d ' ')" "6 results"
for rule in dynatrace-token dynatrace-token-in-url dynatrace-legacy-token dynatrace-token-id; do
  n=$(awk -F'\t' -v r="$rule" '{ sub(/\/[a-z]+$/, "", $1) } $1 == r' "$T/results.tsv" | wc -l | tr -d ' ')
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
  assert_eq "$sev" "${rid##*/}" "$uri:$sl: ruleId $rid names the result's severity"
  if [ -n "$fp" ]; then pass; else fail "$uri:$sl $rid: partialFingerprints present"; fi
  if [[ "$uri" != /* && "$uri" != *://* && "$uri" != *\\* ]]; then pass; else fail "$uri: relative artifactLocation.uri"; fi
  if [ "$sl" -ge 1 ] && [ "$sc" -ge 1 ]; then pass; else fail "$uri: region with startLine/startColumn"; fi
  if [ -n "$msg" ]; then pass; else fail "$uri:$sl: message text"; fi
done <"$T/results.tsv"
assert_eq 6 "$(grep -c '"token_id"' "$T/all.sarif" || true)" "every result has properties.token_id"
assert_eq 6 "$(grep -c '"reasons": \[' "$T/all.sarif" || true)" "every result has properties.reasons"
assert_match "$T/results.tsv" $'^dynatrace-token/critical\t[0-9]+\terror\tcritical\tdeploy/install.sh\t3\t' "critical token result at deploy/install.sh:3"

# --- GitHub ranks alerts by the security-severity of the result's rule: it must agree with dtscan -------
# GitHub's bands: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, below 4.0 low.
sarif_rule_security "$T/all.sarif" >"$T/rule-security.txt"
: >"$T/ranked.txt"
while IFS=$'\t' read -r rid ri lvl sev uri sl sc fp msg; do
  printf '%s %s\n' "$sev" "$(sed -n "$((ri + 1))p" "$T/rule-security.txt")" >>"$T/ranked.txt"
done <"$T/results.tsv"
while read -r sev score; do
  case "$sev" in
  critical) band='$2 > 9.0' ;;
  high) band='$2 >= 7.0 && $2 < 9.0' ;;
  medium) band='$2 >= 4.0 && $2 < 7.0' ;;
  *) band='$2 < 4.0' ;;
  esac
  if echo "$sev $score" | awk "{ exit !($band) }"; then pass; else fail "a $sev result ranks $score on GitHub"; fi
done <"$T/ranked.txt"
# Ordered as dtscan orders severities: every critical above every high, and so on.
ordered=$(awk '{ r = $1 == "critical" ? 5 : $1 == "high" ? 4 : $1 == "medium" ? 3 : $1 == "low" ? 2 : 1; print r, $2 }' "$T/ranked.txt" |
  sort -k1,1n -k2,2g | awk 'NR > 1 && $1 > pr && $2 <= ps { bad = 1 } { if ($1 != pr) { pr = $1 }; ps = $2 } END { print bad ? "no" : "yes" }')
assert_eq yes "$ordered" "security-severity orders results as dtscan's severity does"
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
env -C "$T/v1" "$DTSCAN" scan --format sarif -o "$T/v1.sarif" >/dev/null 2>&1 || true
env -C "$T/v2" "$DTSCAN" scan --format sarif -o "$T/v2.sarif" >/dev/null 2>&1 || true
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
env -C "$T/v1" "$DTSCAN" scan --format sarif -o "$T/v3.sarif" >/dev/null 2>&1 || true
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
env -C "$T/utf8" "$DTSCAN" scan --format sarif -o "$T/utf8.sarif" >/dev/null 2>&1 || true
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

# --- every PATH form validates: relative, "..", absolute, outside --sarif-root, two PATHs -------------
mkdir -p "$T/forms/work/sub"
cp "$R/config/app.env" "$T/forms/work/sub/app.env"
cp "$R/deploy/install.sh" "$T/forms/outside.sh"
forms=()
form() { # NAME DTSCAN-ARGS...: a SARIF report run from $T/forms/work
  local name=$1
  shift
  (cd "$T/forms/work" && "$DTSCAN" scan --format sarif -o "$T/form-$name.sarif" "$@") >/dev/null 2>&1 || true
  forms+=("$T/form-$name.sarif")
}
form relative sub
form dotdot ../outside.sh
form absolute "$T/forms/work/sub/app.env"
form outside-root --sarif-root "$T/forms/work/sub" sub ../outside.sh
form two-paths sub ../outside.sh
if "$VALIDATE_SARIF" "${forms[@]}" >"$T/validate-forms.txt" 2>&1; then pass; else
  fail "SARIF of every PATH form validates" "$(cat "$T/validate-forms.txt")"
fi
assert_eq 5 "$(grep -c 'OK (0 errors' "$T/validate-forms.txt" || true)" "each PATH form: zero errors"
uris() { sarif_results "$1" | cut -f5 | sort | tr '\n' ' '; }
assert_eq "sub/app.env sub/app.env sub/app.env sub/app.env " "$(uris "$T/form-relative.sarif")" "scan sub: URIs relative to the current directory"
assert_eq "file://$T/forms/outside.sh file://$T/forms/outside.sh " "$(uris "$T/form-dotdot.sarif")" "a file above the root: an absolute file:// URI"
assert_eq "sub/app.env sub/app.env sub/app.env sub/app.env " "$(uris "$T/form-absolute.sarif")" "an absolute PATH under the root: relative"
assert_eq "app.env app.env app.env app.env file://$T/forms/outside.sh file://$T/forms/outside.sh " "$(uris "$T/form-outside-root.sarif")" "--sarif-root: under it relative, outside it absolute"
assert_match "$T/form-outside-root.sarif" "\"uri\": \"file://$T/forms/work/sub/\"" "--sarif-root is the stated %SRCROOT%"
assert_match "$T/form-relative.sarif" "\"uri\": \"file://$T/forms/work/\"" "%SRCROOT% defaults to the current directory"

# --- each kind of run has its own automation category ----------------------------------------------------
G="$T/gitrepo"
git init -q "$G"
cp "$R/config/app.env" "$G/app.env"
git -C "$G" add app.env
git -C "$G" -c user.name=t -c user.email=t@example.invalid commit -qm one
category() { grep -A1 '"automationDetails"' "$1" | grep -o '"id": "[^"]*"' | cut -d'"' -f4; }
(cd "$G" && "$DTSCAN" scan --format sarif -o "$T/cat-scan.sarif" . && true) >/dev/null 2>&1 || true
(cd "$G" && "$DTSCAN" git --format sarif -o "$T/cat-git.sarif") >/dev/null 2>&1 || true
(cd "$G" && "$DTSCAN" git --range HEAD..HEAD --format sarif -o "$T/cat-range.sarif") >/dev/null 2>&1 || true
(cd "$G" && "$DTSCAN" staged --format sarif -o "$T/cat-staged.sarif") >/dev/null 2>&1 || true
(cd "$G" && "$DTSCAN" scan --sarif-category "deploy configs" --format sarif -o "$T/cat-custom.sarif" .) >/dev/null 2>&1 || true
assert_eq "dtscan/scan/" "$(category "$T/cat-scan.sarif")" "scan: category dtscan/scan"
assert_eq "dtscan/git/" "$(category "$T/cat-git.sarif")" "git: category dtscan/git"
assert_eq "dtscan/git-range/" "$(category "$T/cat-range.sarif")" "git --range: category dtscan/git-range"
assert_eq "dtscan/staged/" "$(category "$T/cat-staged.sarif")" "staged: category dtscan/staged"
assert_eq "deploy configs/" "$(category "$T/cat-custom.sarif")" "--sarif-category sets it"
if "$VALIDATE_SARIF" "$T/cat-git.sarif" "$T/cat-custom.sarif" >"$T/validate-cat.txt" 2>&1; then pass; else
  fail "SARIF with categories validates" "$(cat "$T/validate-cat.txt")"
fi

finish
