#!/usr/bin/env bash
# CI job: fetch the latest OneAgent version and roll it out to the staging hosts.
set -euo pipefail

: "${DT_PAAS_TOKEN:?set DT_PAAS_TOKEN in the CI variables}"
ENV_URL=https://abc12345.live.dynatrace.com

# Which version would we install?
curl -fsS "${ENV_URL}/api/v1/deployment/installer/agent/unix/default/latest/metainfo?Api-Token=${DT_PAAS_TOKEN}"

# Same download for the ARM hosts (left over from the first version of this job).
curl -fsS -o oneagent-arm.sh "${ENV_URL}/api/v1/deployment/installer/agent/unix/default/latest?arch=arm&api-token=$DT_PAAS_TOKEN"

# The header keeps the token out of the CI log.
curl -fsS -o oneagent.sh -H "Authorization: Api-Token ${DT_PAAS_TOKEN}" \
  "${ENV_URL}/api/v1/deployment/installer/agent/unix/default/latest?arch=x86"

for host in stage-web-1 stage-web-2; do
  scp oneagent.sh "deploy@${host}:/tmp/oneagent.sh"
  ssh "deploy@${host}" "sudo /bin/sh /tmp/oneagent.sh --set-host-group=staging"
done
