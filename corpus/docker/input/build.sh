#!/usr/bin/env bash
# Builds the image; the environment's registry needs a login with a PaaS token first.
set -euo pipefail
echo "@@dt0c01@@" | docker login -u xyz98765 --password-stdin xyz98765.live.dynatrace.com
docker build -t registry.example.com/payments/ledger:"$(git rev-parse --short HEAD)" .
