package io.aethercore.b4ae.internal.metrics;

import io.aethercore.b4ae.internal.config.B4aeConfig;
import io.aethercore.b4ae.internal.scheduler.Profile;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import io.aethercore.b4ae.internal.scheduler.SchedulerStats;
import java.util.List;

/** What the operator commands see of the metadata-protection layer (a service of {@link B4aeOpsComponent}). */
public interface B4aeOps {

    B4aeConfig config();

    SchedulerSettings schedulerSettings();

    SchedulerStats schedulerStats();

    /** Exposition samples {name{labels}, value}, histogram buckets left out. */
    List<String[]> metricSamples();

    /** The scrape URL, or a sentence saying why there is none. */
    String metricsEndpoint();

    /** Applies a profile's preset to the running scheduler; queued messages and sessions are kept. */
    SchedulerSettings switchProfile(Profile profile);
}
