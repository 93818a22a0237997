package io.aethercore.api.metrics;

/** The exposition formats a scrape can ask for (its {@code Accept} header decides). */
public enum MetricsFormat {

    /** Prometheus text format 0.0.4, what a plain HTTP client gets. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),

    /** OpenMetrics 1.0 text, what a Prometheus server asks for first. */
    OPENMETRICS_TEXT("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    MetricsFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The {@code Content-Type} of a response in this format. */
    public String contentType() {
        return contentType;
    }
}
