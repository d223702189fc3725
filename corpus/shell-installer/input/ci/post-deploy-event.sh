#!/usr/bin/env bash
# Sends a CUSTOM_DEPLOYMENT event to Dynatrace after each production release.
set -euo pipefail

VERSION="${1:?usage: post-deploy-event.sh VERSION}"
DT_API="https://abc12345.live.dynatrace.com/api/v2/events/ingest"

curl -fsS -X POST "$DT_API" \
  -H "Authorization: Api-Token @@dt0c01@@" \
  -H "Content-Type: application/json; charset=utf-8" \
  -d @- <<JSON
{
  "eventType": "CUSTOM_DEPLOYMENT",
  "title": "Release ${VERSION}",
  "entitySelector": "type(SERVICE),tag(app:checkout)",
  "properties": {"dt.event.deployment.version": "${VERSION}"}
}
JSON
