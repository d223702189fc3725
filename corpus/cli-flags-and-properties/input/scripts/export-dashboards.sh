#!/usr/bin/env bash
# Exports all dashboards to ./export; the environment is picked with --env.
set -euo pipefail
ENV="${1:-prod}"
dt-dashboard-export --env "$ENV" --api-token=@@dt0c01@@ --out ./export
dt-dashboard-export --env "$ENV" --api-token="$DT_EXPORT_TOKEN" --out ./export-check
