package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.merkle.MerkleVine;
import io.aethercore.api.metrics.MetricsEndpoint;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Components coming and going in a running node. Every engine owns its threads through {@code Workers}
 * (docs/architecture.md, rule 7): updating an engine's bundle stops all of that bundle's threads and starts
 * the new revision's, so the node has the same threads afterwards, and every thread that runs our code carries
 * an {@code aethercore-} name. And a status command names why its component is not running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleIT extends AetherCoreTestSupport {

    private static final String PREFIX = "aethercore-";

    @Configuration
    public Option[] config() {
        return containerOptions(aethercoreDistribution(), "AetherCore");
    }

    /** Our threads by name (pool threads counted under their pool's name), sorted. */
    private static Map<String, Integer> ourThreads() {
        Map<String, Integer> names = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(PREFIX)) {
                names.merge(t.getName().replaceAll("-\\d+$", "-N"), 1, Integer::sum);
            }
        }
        return names;
    }

    /** Threads that run AetherCore code (a frame of io.aethercore.*) but are not named as ours. */
    private static List<String> unnamedThreadsRunningOurCode() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == Thread.currentThread() || t.getName().startsWith(PREFIX)) {
                continue;
            }
            boolean ours = Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.aethercore.")
                    && !f.getClassName().startsWith("io.aethercore.itests."));
            if (ours) {
                out.add(t.getName() + " " + Arrays.stream(e.getValue()).limit(6).map(String::valueOf)
                        .collect(Collectors.joining(" < ")));
            }
        }
        return out;
    }

    /**
     * The audit log's acknowledger pool starts its thread with the first record; console commands are recorded
     * (before and after they run, issue 18), so whether it exists depends on what ran since the log opened. One
     * record on each side of the comparison puts the pool in the same state.
     */
    private void warmAuditPools() {
        org.osgi.framework.ServiceReference<io.aethercore.api.audit.AuditLog> ref =
                bundleContext.getServiceReference(io.aethercore.api.audit.AuditLog.class);
        if (ref == null) {
            return;
        }
        try {
            io.aethercore.api.audit.AuditLog log = bundleContext.getService(ref);
            if (log != null) {
                log.record(io.aethercore.api.audit.AuditEvent.of("itest", "WarmPools", "lifecycle"));
            }
        } catch (Exception restarting) {
            // the log is restarting: the next round warms it
        } finally {
            try {
                bundleContext.ungetService(ref);
            } catch (IllegalStateException gone) {
                // unregistered meanwhile
            }
        }
    }

    private void updateAndCompare(String symbolicName, Check back) throws Exception {
        Bundle b = bundle(symbolicName);
        assertTrue(symbolicName + " is installed", b != null);
        waitUntil(symbolicName + " is active", 30_000, () -> b.getState() == Bundle.ACTIVE && back.ok());
        warmAuditPools();
        Thread.sleep(500); // let pools reach their steady size
        Map<String, Integer> before = ourThreads();
        executeCommand("bundle:update " + b.getBundleId());
        waitUntil(symbolicName + " is back after its update", 60_000,
                () -> bundle(symbolicName).getState() == Bundle.ACTIVE && back.ok());
        try {
            waitUntil("the threads of " + symbolicName + " are those it had before its update", 20_000,
                    () -> {
                        warmAuditPools();
                        return ourThreads().equals(before);
                    });
        } catch (AssertionError e) {
            assertEquals("threads named " + PREFIX + "* after bundle:update " + symbolicName, before, ourThreads());
        }
    }

    @Test
    public void updatingAnEngineBundleLeavesNoThreadBehind() throws Exception {
        updateAndCompare("io.aethercore.merkle",
                () -> waitForService(MerkleVine.class, null, 30_000).log("default").isPresent());
        updateAndCompare("io.aethercore.audit", () -> waitForService(AuditLog.class, null, 30_000) != null);
        updateAndCompare("io.aethercore.b4ae", () -> waitForService(SecureChannel.class, null, 30_000) != null);
        updateAndCompare("io.aethercore.tpm", () -> waitForService(Attestation.class, null, 30_000) != null);
        updateAndCompare("io.aethercore.metrics", () -> waitForService(MetricsEndpoint.class, null, 30_000) != null);
        updateAndCompare("io.aethercore.hsm", () -> true);
        updateAndCompare("io.aethercore.crypto", () -> true);
        updateAndCompare("io.aethercore.dashboard", () -> true);

        Map<String, Integer> threads = ourThreads();
        System.out.println("AetherCore threads after the updates: " + threads);
        assertTrue("the node runs engine threads named " + PREFIX + "*: " + threads, !threads.isEmpty());
        List<String> unnamed = unnamedThreadsRunningOurCode();
        assertTrue("threads running AetherCore code without an " + PREFIX + " name:\n" + String.join("\n", unnamed),
                unnamed.isEmpty());
    }

    /** A component that failed to start is named with the reason, not as "not running". */
    @Test
    public void statusCommandsNameWhyAComponentIsNotRunning() throws Exception {
        waitForService(AuditLog.class, null, 30_000);
        // held for the whole test (a tracker's service object is released when the tracker closes)
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration c = ca.getConfiguration("io.aethercore.audit", null);
        java.util.Dictionary<String, Object> original = c.getProperties();
        Hashtable<String, Object> broken = new Hashtable<>();
        if (original != null) {
            for (java.util.Enumeration<String> keys = original.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                broken.put(k, original.get(k));
            }
        }
        broken.remove("log_path");
        broken.put("log.path", "/proc/aethercore-audit-records"); // no directory can be made there
        String[] said = {""};
        try {
            c.update(broken);
            try {
                waitUntil("aether:audit-status says why the audit log does not run", 60_000, () -> {
                    try {
                        said[0] = executeCommand("aether:audit-status");
                        return false;
                    } catch (Exception e) {
                        said[0] = String.valueOf(e.getMessage());
                        return said[0].contains("/proc/aethercore-audit-records");
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; it said: " + said[0], e);
            }
            assertTrue(said[0], said[0].startsWith("No audit log is running: it cannot open /proc/aethercore-audit-records: "));
        } finally {
            if (original == null) {
                c.delete();
            } else {
                c.update(original);
            }
            waitUntil("the audit log runs again", 60_000, () -> {
                try {
                    return executeCommand("aether:audit-status").contains("Records: ");
                } catch (Exception restarting) {
                    return false;
                }
            });
        }
    }
}
