#!/bin/sh
# Silent install with the new-format tenant token; the installer was copied onto the image beforehand.
set -eu
/bin/sh /opt/setup/Dynatrace-OneAgent-Linux.sh \
  --set-server=https://abc12345.live.dynatrace.com/communication \
  --set-tenant=abc12345 \
  --set-tenant-token=@@tenant:dt0a02@@ \
  --set-host-group=edge-nodes
