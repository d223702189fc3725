// Pushes front-end build metrics to Dynatrace from the CI job.
const DT_URL = process.env.DT_ENV_URL;
const DT_TOKEN = process.env.DT_API_TOKEN || "@@dt0c01@@";

export async function pushBuildMetrics(bundleBytes, buildSeconds) {
  const lines = [
    `web.bundle.size,app=storefront gauge,${bundleBytes}`,
    `web.build.duration,app=storefront gauge,${buildSeconds}`,
  ].join("\n");
  const res = await fetch(`${DT_URL}/api/v2/metrics/ingest`, {
    method: "POST",
    headers: { Authorization: `Api-Token ${DT_TOKEN}`, "Content-Type": "text/plain" },
    body: lines,
  });
  if (!res.ok) {
    // old endpoint, kept for the on-prem cluster
    await fetch(`${DT_URL}/api/v1/timeseries/custom:web.bundle.size?api-token=${DT_TOKEN}`, { method: "PUT" });
  }
}
