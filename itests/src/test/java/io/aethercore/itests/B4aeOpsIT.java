package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The B4AE metadata-protection and operations component in a real Karaf (our distribution): the bundle, with
 * Prometheus client_java embedded, resolves and starts; the component reads etc/io.aethercore.b4ae.cfg,
 * starts the scheduler and padding for the core, serves the metrics, answers the two console commands, and takes a configuration change at runtime (an invalid one is refused).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class B4aeOpsIT extends AetherCoreTestSupport {

    /** Chosen in the JVM that configures the container; the probe reads it back from the console. */
    static final int METRICS_PORT = freePort();

    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(Arrays.asList(containerOptions(aethercoreDistribution(), "AetherCore")));
        options.add(editConfigurationFilePut("etc/io.aethercore.b4ae.cfg", "monitoring.metrics_port",
                Integer.toString(METRICS_PORT)));
        options.add(editConfigurationFilePut("etc/io.aethercore.b4ae.cfg", "global_scheduler.profile", "high_security"));
        return options.toArray(new Option[0]);
    }

    private Bundle installB4ae() throws Exception {
        Bundle b = bundle("io.aethercore.b4ae");
        if (b == null) {
            b = bundleContext.installBundle("mvn:io.aethercore/io.aethercore.b4ae/" + VERSION);
            b.start();
        }
        assertEquals(Bundle.ACTIVE, b.getState());
        return b;
    }

    private static String get(String url) throws Exception {
        try (InputStream in = new URL(url).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    public void componentServesMetricsCommandsAndRuntimeConfiguration() throws Exception {
        installB4ae();
        // what an operator sees once the metadata layer runs: b4ae-stats answers with the scheduler's lines and
        // the metric samples (its parts are wired inside the bundle, not as services to wait for)
        waitUntil("aether:b4ae-stats shows the scheduler and the B4AE metrics", 30_000, () -> {
            try {
                String s = executeCommand("aether:b4ae-stats");
                if (s.contains("B4AE global scheduler") && s.contains("queue depth") && s.contains("b4ae_")) {
                    return true;
                }
            } catch (Exception notYet) {
                // the command is not there yet, or the metadata layer is not running yet
            }
            Thread.sleep(200);
            return false;
        });

        String stats = executeCommand("aether:b4ae-stats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics endpoint +(http://127\\.0\\.0\\.1:\\d+/metrics)")
                .matcher(stats);
        assertTrue("the endpoint is served as configured in etc/io.aethercore.b4ae.cfg:\n" + stats, m.find());
        String url = m.group(1);
        assertTrue("the port comes from the configuration, not the default 9090: " + url, !url.contains(":9090/"));
        // the endpoint restarts when either of the PIDs it reads changes (the B4AE install above writes one):
        // a scrape in that moment is refused, and Prometheus would scrape again; so does the test
        String[] scraped = {""};
        waitUntil("the metrics endpoint answers at " + url, 30_000, () -> {
            try {
                scraped[0] = get(url);
                return true;
            } catch (java.io.IOException restarting) {
                Thread.sleep(200);
                return false;
            }
        });
        String metrics = scraped[0];
        assertTrue(metrics, metrics.contains("b4ae_mode_a_handshakes_total{role=\"initiator\"} 0.0"));
        assertTrue(metrics, metrics.contains("b4ae_scheduler_slot_rate{profile=\"high_security\"} 80.0"));

        assertTrue(stats, stats.contains("profile                high_security"));
        assertTrue(stats, stats.contains("b4ae_cookie_challenges_total"));
        String switched = executeCommand("aether:b4ae-profile balanced");
        assertTrue(switched, switched.startsWith("switched to profile balanced"));
        assertTrue(executeCommand("aether:b4ae-profile").startsWith("current profile balanced"));

        // a runtime change through ConfigAdmin (as an operator does it): applied in place
        executeCommand("config:property-set -p io.aethercore.b4ae global_scheduler.profile low_overhead");
        waitUntil("the profile follows the configuration", 30_000,
                () -> executeCommand("aether:b4ae-profile").startsWith("current profile low_overhead"));
        // an invalid change is refused, the running configuration stays
        executeCommand("config:property-set -p io.aethercore.b4ae global_scheduler.target_rate 100000");
        Thread.sleep(1000);
        assertTrue(executeCommand("aether:b4ae-profile").startsWith("current profile low_overhead"));
        assertTrue(get(url).contains("b4ae_sessions_active"));

        // bundle:update: the new revision wires its parts again (nothing internal is left registered to
        // hold on to the old one); the commands answer and the metrics are served again. The refused value
        // is still stored in ConfigAdmin and a new revision would start from it: take it out first.
        executeCommand("config:property-delete -p io.aethercore.b4ae global_scheduler.target_rate");
        Bundle b4ae = bundle("io.aethercore.b4ae");
        executeCommand("bundle:update " + b4ae.getBundleId());
        waitUntil("aether:b4ae-profile answers after bundle:update", 30_000, () -> {
            try {
                if (executeCommand("aether:b4ae-profile").startsWith("current profile")) {
                    return true;
                }
            } catch (Exception notYet) {
                System.out.println("not yet: " + notYet);         // the new revision is still starting
            }
            Thread.sleep(200);
            return false;
        });
        assertEquals(Bundle.ACTIVE, bundle("io.aethercore.b4ae").getState());
        waitUntil("the metrics are served again after bundle:update", 30_000,
                () -> get(url).contains("b4ae_sessions_active"));
    }
}
