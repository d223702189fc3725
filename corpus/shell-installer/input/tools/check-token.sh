#!/usr/bin/env bash
# Prints the scopes of the token we use for the nightly export (pass the environment URL as $1).
set -euo pipefail

ENV_URL="${1:?usage: check-token.sh ENVIRONMENT_URL}"
TOKEN="@@dt0c01@@"

curl -fsS -X POST "${ENV_URL}/api/v2/apiTokens/lookup" \
  -H "Authorization: Api-Token ${TOKEN}" \
  -H "Content-Type: application/json" \
  -d "{\"token\": \"${TOKEN}\"}" | python3 -m json.tool
