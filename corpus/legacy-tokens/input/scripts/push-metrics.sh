#!/bin/bash
# cron: */5 * * * * /opt/ops/push-metrics.sh   (written in 2018, still running)
QUEUE_DEPTH=$(rabbitmqctl list_queues -q name messages | awk '$1=="orders"{print $2}')
curl -s -X POST "https://abc12345.live.dynatrace.com/api/v2/metrics/ingest" \
  -H "Authorization: Api-Token @@legacy:21@@" \
  -H "Content-Type: text/plain; charset=utf-8" \
  --data-binary "rabbitmq.queue.depth,queue=orders ${QUEUE_DEPTH}"

# v1 fallback for the old cluster
curl -s "https://abc12345.live.dynatrace.com/api/v1/timeseries?includeData=false&Api-Token=@@legacy:21@@" > /dev/null
