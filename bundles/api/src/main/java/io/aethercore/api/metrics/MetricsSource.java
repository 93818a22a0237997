package io.aethercore.api.metrics;

import java.io.IOException;
import java.io.OutputStream;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's metrics, registered as a service; the metrics endpoint writes every registered source into each
 * scrape, one after the other.
 *
 * <p>A source writes complete metric families (with their {@code # HELP} and {@code # TYPE} lines) in the
 * requested format, UTF-8, and never the OpenMetrics end marker {@code # EOF} (the endpoint writes it once,
 * after all sources). Metric names begin with the capability ({@code b4ae_}, {@code mesh_}) so that two
 * sources never write the same family. The method is called from the endpoint's threads, concurrently
 * with the bundle's own work; it must be quick and must not block on the network. A source that throws is
 * left out of that scrape (logged), the others are served.
 */
@ConsumerType
public interface MetricsSource {

    /** Service property: a short name of the source, for the endpoint's log messages. */
    String NAME = "aethercore.metrics.source";

    /** Writes this source's metric families to {@code out} (not closed) in {@code format}. */
    void writeMetrics(OutputStream out, MetricsFormat format) throws IOException;
}
