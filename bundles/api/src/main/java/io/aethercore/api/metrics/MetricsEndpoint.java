package io.aethercore.api.metrics;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The node's metrics endpoint, as the metrics bundle runs it (for consoles and status pages). */
@ProviderType
public interface MetricsEndpoint {

    /** The scrape URL while the endpoint serves. */
    Optional<String> url();

    /** The scrape URL, or a sentence saying why there is none (disabled, address in use, ...). */
    String status();
}
