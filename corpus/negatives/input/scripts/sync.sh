#!/usr/bin/env bash
# Variables on the command line and in property keys are not URLs and not secrets.
set -euo pipefail
dtctl --api-token="$DT_API_TOKEN" get workflows
dt-settings-cli apply --api-token=${TOKEN} settings/
echo "dynatrace.api-token=${DT_API_TOKEN}" >> "$HOME/.config/exporter.properties"
echo "dynatrace.api-token=@@b32:40@@" >> /tmp/unrelated-build-id.properties
curl -fsS -H "Authorization: Api-Token $DT_API_TOKEN" "$DT_ENV_URL/api/v2/entities?pageSize=1"
curl -fsS "https://status.example.com/api/?api-tokens=abc&api-token-id=1"
