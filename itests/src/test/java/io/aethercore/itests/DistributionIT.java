package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.testing.swapconsumer.HashLoad;
import io.aethercore.testing.swapconsumer.LoadReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * Our distribution, booted once for the class: every service present, the console commands, and
 * provider swaps under load (issue items 9a, 9c, 9d).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT extends AetherCoreTestSupport {

    static final String NATIVE_BSN = "io.aethercore.crypto.blake3.native";
    static final String BC_BSN = "io.aethercore.crypto";

    @Inject
    @Filter(timeout = 60_000)
    HashLoad load;

    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(containerOptions(aethercoreDistribution(), "AetherCore")));
        options.add(mavenBundle("io.aethercore", "io.aethercore.testing.swapconsumer", VERSION));
        return options.toArray(new Option[0]);
    }

    @Test
    public void everyServiceIsPresent() throws Exception {
        HashService blake3 = waitForService(HashService.class, "(aethercore.provider=blake3-native)", 30_000);
        assertEquals("blake3-native", blake3.provider());
        for (Class<?> type : List.of(HashService.class, SignatureService.class, KeyAgreementService.class,
                KemService.class, AeadService.class, KdfService.class)) {
            Object s = waitForService(type, "(aethercore.provider=bouncycastle)", 30_000);
            assertNotNull(type.getSimpleName(), s);
        }
        KeyCustody custody = waitForService(KeyCustody.class, "(aethercore.custody.name=software)", 30_000);
        assertEquals("software", custody.kind().id());

        String providers = executeCommand("aether:crypto-providers");
        String blake3Row = providers.lines().filter(l -> l.contains("BLAKE3") && l.startsWith("hash") && l.contains("Standing"))
                .findFirst().orElse(providers.lines().filter(l -> l.matches("hash\\s+\\S\\s+BLAKE3\\s.*")).findFirst().orElse(""));
        assertTrue("BLAKE3 served by the native provider:\n" + providers, blake3Row.contains("blake3-native"));
        assertTrue(providers, providers.contains("software"));
    }

    @Test
    public void hashCommandPrintsDigestAndProvider() throws Exception {
        HashService bc = waitForService(HashService.class, "(aethercore.provider=bouncycastle)", 30_000);
        String expectedBlake3 = HexFormat.of().formatHex(bc.hash(HashAlgorithm.BLAKE3, "hello".getBytes(StandardCharsets.UTF_8)));
        String out = executeCommand("aether:hash hello");
        assertTrue(out, out.contains(expectedBlake3));
        assertTrue(out, out.contains("provider: blake3-native"));

        String expectedSha = HexFormat.of().formatHex(bc.hash(HashAlgorithm.SHA_256, "hello".getBytes(StandardCharsets.UTF_8)));
        out = executeCommand("aether:hash -a SHA-256 hello");
        assertTrue(out, out.contains(expectedSha));
        assertTrue(out, out.contains("provider: bouncycastle"));

        String keyHex = "00".repeat(31) + "01";
        String expectedKeyed = HexFormat.of().formatHex(bc.newBlake3Keyed(HexFormat.of().parseHex(keyHex))
                .update("hello".getBytes(StandardCharsets.UTF_8)).digest(64));
        out = executeCommand("aether:hash --mode keyed --key " + keyHex + " --length 64 hello");
        assertTrue(out, out.contains(expectedKeyed));
    }

    /** One swap: what was done, which provider must serve after it, and when. */
    record Swap(String what, String expected, long actionNanos, long eventNanos) {}

    /** Item 5 / 9c: stop, start, uninstall, reinstall, update the native provider while a consumer hashes. */
    @Test
    public void nativeProviderSwapsUnderLoad() throws Exception {
        waitForService(HashService.class, "(aethercore.provider=blake3-native)", 30_000);
        // service events of the native provider, timed in this JVM (the consumer's clock too)
        List<long[]> events = new CopyOnWriteArrayList<>();
        ServiceListener listener = e -> events.add(new long[] {System.nanoTime(), e.getType()});
        bundleContext.addServiceListener(listener, "(&(objectClass=" + HashService.class.getName()
                + ")(aethercore.provider=blake3-native))");
        load.start("BLAKE3", 2, 4096);
        List<Swap> swaps = new ArrayList<>();
        LoadReport report;
        try {
            waitUntil("the load runs on the native provider", 10_000, () -> "blake3-native".equals(load.lastProvider()));
            Bundle nativeBundle = bundle(NATIVE_BSN);
            String location = nativeBundle.getLocation();

            swaps.add(swap(events, "bundle stop", "bouncycastle", nativeBundle::stop));
            swaps.add(swap(events, "bundle start", "blake3-native", nativeBundle::start));
            swaps.add(swap(events, "bundle uninstall", "bouncycastle", nativeBundle::uninstall));
            Bundle[] reinstalled = new Bundle[1];
            swaps.add(swap(events, "bundle install + start", "blake3-native", () -> {
                reinstalled[0] = bundleContext.installBundle(location);
                reinstalled[0].start();
            }));
            swaps.add(swap(events, "bundle:update (console)", "blake3-native",
                    () -> executeCommand("bundle:update " + reinstalled[0].getBundleId())));
        } finally {
            report = load.stop();
            bundleContext.removeServiceListener(listener);
        }
        System.out.println("Native BLAKE3 swap under load (2 threads, 4 KiB inputs):");
        System.out.println(String.format(Locale.ROOT, "  %-26s %-14s %18s %22s", "action", "now serving",
                "from action (us)", "from service event (us)"));
        for (Swap s : swaps) {
            // the moment a caller picked the new provider (start of its first call served by it)
            long firstCall = report.switches().stream()
                    .filter(sw -> sw.to().equals(s.expected()) && sw.atNanos() >= s.eventNanos())
                    .mapToLong(LoadReport.Switch::startedNanos).min().orElse(-1);
            assertTrue("a call was served by " + s.expected() + " after " + s.what(), firstCall > 0);
            System.out.println(String.format(Locale.ROOT, "  %-26s %-14s %,18d %,22d", s.what(), s.expected(),
                    (firstCall - s.actionNanos()) / 1_000, Math.max(0, firstCall - s.eventNanos()) / 1_000));
        }
        System.out.println("  calls=" + report.calls() + " failures=" + report.failures()
                + " byProvider=" + report.callsByProvider()
                + " longestGapBetweenCalls=" + report.maxGapNanos() / 1_000 + " us");
        assertEquals("failed operations seen by the consumer (first: " + report.firstFailure() + ")",
                0, report.failures());
        assertTrue(report.callsByProvider().toString(), report.callsByProvider().getOrDefault("bouncycastle", 0L) > 0);
        assertTrue(report.callsByProvider().toString(), report.callsByProvider().getOrDefault("blake3-native", 0L) > 0);
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /**
     * Runs the action, waits until a consumer call is served by {@code expected}, and returns when the
     * action started and when the service event that made the switch happened (the last native
     * provider event up to the switch: its registration, or its unregistration).
     */
    private Swap swap(List<long[]> events, String what, String expected, Action action) throws Exception {
        long before = load.calls();
        waitUntil("calls flow before " + what, 10_000, () -> load.calls() > before + 50);
        int seen = events.size();
        long t0 = System.nanoTime();
        action.run();
        waitUntil(expected + " serves after " + what, 10_000, () -> expected.equals(load.lastProvider()));
        int wanted = expected.equals("blake3-native") ? ServiceEvent.REGISTERED : ServiceEvent.UNREGISTERING;
        long event = events.subList(seen, events.size()).stream()
                .filter(e -> e[1] == wanted).mapToLong(e -> e[0]).max().orElse(t0);
        return new Swap(what, expected, t0, event);
    }

    /** Item 9d: bundle:update of the BouncyCastle provider while a consumer hashes SHA-256 through it. */
    @Test
    public void bouncyCastleProviderUpdatesUnderLoad() throws Exception {
        waitForService(HashService.class, "(&(aethercore.provider=bouncycastle)(aethercore.algorithms=SHA-256))", 30_000);
        load.start("SHA-256", 2, 4096);
        LoadReport report;
        long updateMicros;
        try {
            waitUntil("the load runs", 10_000, () -> load.calls() > 1_000);
            Bundle bc = bundle(BC_BSN);
            long t0 = System.nanoTime();
            executeCommand("bundle:update " + bc.getBundleId());
            updateMicros = (System.nanoTime() - t0) / 1_000;
            long after = load.calls();
            waitUntil("calls continue after the update", 10_000, () -> load.calls() > after + 1_000);
        } finally {
            report = load.stop();
        }
        System.out.println("BouncyCastle provider bundle:update under load (SHA-256, 2 threads, 4 KiB inputs):");
        System.out.println("  bundle:update took " + updateMicros + " us; calls=" + report.calls() + " failures="
                + report.failures() + " longest wait of a caller (switch gap)=" + report.maxGapNanos() / 1_000 + " us");
        assertEquals("failed operations seen by the consumer (first: " + report.firstFailure() + ")", 0, report.failures());
        assertTrue(report.calls() > 2_000);
    }
}
