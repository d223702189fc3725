#!/usr/bin/env bash
# Applies the settings objects for the payments services (monaco v1-style CLI flags).
set -euo pipefail
dt-settings-cli apply \
  --environment-url https://abc12345.live.dynatrace.com \
  --api-token=@@dt0c01@@ \
  --dry-run=false \
  settings/payments/*.json
