#!/bin/sh
# Re-registers a host whose agent lost its configuration; the server comes from /etc/dt-server.
set -eu
SERVER="$(cat /etc/dt-server)"
/opt/dynatrace/oneagent/agent/tools/oneagentctl --set-server="$SERVER" --set-tenant-token=@@alnum:16@@ --restart-service
