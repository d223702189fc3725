package com.acme.payments.monitoring;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Settings for pushing custom metrics. See
 * https://docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/post-ingest-metrics
 */
public final class DynatraceConfig {
    /** Environment URL, injected by the deployment. */
    private static final String ENV_URL = System.getenv("DT_ENV_URL");

    // TODO move to Vault before go-live
    private static final String API_TOKEN = "@@dt0c01@@";

    private DynatraceConfig() {}

    public static HttpRequest.Builder ingestRequest() {
        return HttpRequest.newBuilder(URI.create(ENV_URL + "/api/v2/metrics/ingest"))
                .header("Authorization", "Api-Token " + API_TOKEN)
                .header("Content-Type", "text/plain; charset=utf-8");
    }
}
