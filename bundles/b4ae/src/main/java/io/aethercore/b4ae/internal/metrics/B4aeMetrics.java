package io.aethercore.b4ae.internal.metrics;

import io.aethercore.api.metrics.MetricsFormat;
import io.aethercore.api.metrics.MetricsSource;
import io.aethercore.b4ae.internal.ProtocolObserver;
import io.aethercore.b4ae.internal.scheduler.SchedulerListener;
import io.aethercore.b4ae.internal.scheduler.SchedulerStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The B4AE metrics, in a registry of their own: the names listed in docs/b4ae-metadata.md ("Metrics")
 * ({@code b4ae_mode_a_handshakes_total} ...) plus what an operator also needs (records and bytes by kind, dummy
 * ratio, drops by reason, scheduler slots, breaches and rejections). Fed by the protocol engine through
 * {@link ProtocolObserver} and by the global scheduler through {@link SchedulerListener}; every method is
 * cheap, thread-safe and never throws.
 *
 * <p>client_java 1.x appends {@code _total} to counter names on exposition, so counters are declared without
 * it and come out exactly as the document names them. {@code b4ae_queue_latency_ms} is a gauge (the 99th
 * percentile over the last 1024 real messages) because the document's alert compares it directly
 * ({@code b4ae_queue_latency_ms > 20}); the full distribution is the histogram
 * {@code b4ae_scheduler_queue_wait_seconds}. promtool's linter flags the
 * document's {@code _ms} names (and reads {@code mode_b} as an abbreviated unit); they are kept because the
 * document's alerts and dashboards use them. Our own additions use base units.
 *
 * <p>As a {@link MetricsSource} service these metrics are served by the platform metrics endpoint, in the
 * format the scrape asks for, as client_java writes them.
 */
public final class B4aeMetrics implements ProtocolObserver, SchedulerListener, MetricsSource {

    private static final int MAX_REASONS = 64;

    /** Reasons a datagram is blocked before public-key work (each series exists from start). */
    static final String[] DOS_REASONS = {"mac1", "cookie", "replay", "limits", "source-limit", "rate", "queue",
        "nack-rate", "junk", "bad-mac"};
    /** Reasons a handshake fails or is refused (each series exists from start, for modes A and B). */
    static final String[] FAILURE_REASONS = {"timeout", "unknown-peer", "decrypt", "signature", "malformed",
        "replay", "downgrade", "mode", "dh", "key-mismatch", "enrollment-full", "custody", "state", "internal"};
    /** Datagram drops that are attack traffic and also count as DoS attempts blocked: junk, and bad MACs. */
    private static final java.util.Map<String, String> DROPS_AS_DOS = java.util.Map.of(
            "type", "junk", "malformed", "junk", "unknown-session", "junk", "unknown-handshake", "junk",
            "auth", "bad-mac", "mac1", "bad-mac");
    private static final int WINDOW = 1024;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> reasons = ConcurrentHashMap.newKeySet();

    private final Counter modeA;
    private final Counter modeB;
    private final Counter started;
    private final Counter cookieChallenges;
    private final Counter invalidCookies;
    private final Counter dosBlocked;
    private final Counter handshakesFailed;
    private final Counter unpinned;
    private final Gauge sessionsActive;
    private final Histogram handshakeDuration;
    private final Counter recordsSent;
    private final Counter bytesSent;
    private final Counter recordsReceived;
    private final Counter bytesReceived;
    private final Counter dropped;
    private final Counter slots;
    private final Counter breaches;
    private final Counter rejected;
    private final Counter sinkFailures;
    private final Histogram queueWait;

    private final AtomicLong realRecords = new AtomicLong();
    private final AtomicLong dummyRecords = new AtomicLong();
    private final long[] latencyWindow = new long[WINDOW];
    private int latencyCount;
    private int latencyNext;
    private volatile Supplier<SchedulerStats> scheduler;

    public B4aeMetrics() {
        modeA = Counter.builder().name("b4ae_mode_a_handshakes")
                .help("Mode A (deniable) handshakes completed").labelNames("role").register(registry);
        modeB = Counter.builder().name("b4ae_mode_b_handshakes")
                .help("Mode B (post-quantum) handshakes completed").labelNames("role").register(registry);
        started = Counter.builder().name("b4ae_handshakes_started")
                .help("Handshakes started").labelNames("mode", "role").register(registry);
        cookieChallenges = Counter.builder().name("b4ae_cookie_challenges")
                .help("Cookie challenges issued instead of public-key work").register(registry);
        invalidCookies = Counter.builder().name("b4ae_invalid_cookies")
                .help("Messages whose cookie (mac2) did not match").register(registry);
        dosBlocked = Counter.builder().name("b4ae_dos_attempts_blocked")
                .help("Datagrams dropped before any public-key work").labelNames("reason").register(registry);
        handshakesFailed = Counter.builder().name("b4ae_handshakes_failed")
                .help("Handshakes that failed").labelNames("mode", "reason").register(registry);
        unpinned = Counter.builder().name("b4ae_unpinned_handshakes")
                .help("Mode B handshakes from initiators whose key is not pinned (enrollment), accepted or refused")
                .labelNames("outcome", "reason").register(registry);
        sessionsActive = Gauge.builder().name("b4ae_sessions_active")
                .help("Open B4AE sessions").labelNames("mode").register(registry);
        handshakeDuration = Histogram.builder().name("b4ae_handshake_duration_ms")
                .help("Handshake duration in milliseconds, completed handshakes").labelNames("mode")
                .classicOnly().classicUpperBounds(1, 2, 5, 10, 25, 50, 100, 150, 200, 300, 500, 1000, 2500, 5000)
                .register(registry);
        recordsSent = Counter.builder().name("b4ae_records_sent")
                .help("Encrypted records sent, real or dummy").labelNames("kind").register(registry);
        bytesSent = Counter.builder().name("b4ae_sent_bytes")
                .help("Bytes of encrypted records sent, on the wire").labelNames("kind").register(registry);
        recordsReceived = Counter.builder().name("b4ae_records_received")
                .help("Encrypted records authenticated and decrypted").labelNames("kind").register(registry);
        bytesReceived = Counter.builder().name("b4ae_received_bytes")
                .help("Bytes of authenticated records received, on the wire").labelNames("kind").register(registry);
        dropped = Counter.builder().name("b4ae_datagrams_dropped")
                .help("Datagrams rejected after parsing began").labelNames("reason").register(registry);
        slots = Counter.builder().name("b4ae_scheduler_slots")
                .help("Global scheduler slots by outcome").labelNames("outcome").register(registry);
        breaches = Counter.builder().name("b4ae_scheduler_latency_breaches")
                .help("Real messages held longer than max_queue_latency_ms").register(registry);
        rejected = Counter.builder().name("b4ae_scheduler_rejected")
                .help("Messages the scheduler refused").labelNames("reason").register(registry);
        sinkFailures = Counter.builder().name("b4ae_scheduler_send_failures")
                .help("Slots whose send failed in the core").register(registry);
        queueWait = Histogram.builder().name("b4ae_scheduler_queue_wait_seconds")
                .help("Time real messages waited for a slot, seconds")
                .classicOnly().classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                        0.1, 0.25, 1)
                .register(registry);
        GaugeWithCallback.builder().name("b4ae_queue_latency_ms")
                .help("Global scheduler queue latency: 99th percentile of the last 1024 real messages, milliseconds")
                .callback(cb -> cb.call(queueLatencyP99Ms())).register(registry);
        GaugeWithCallback.builder().name("b4ae_dummy_ratio")
                .help("Dummy records among all records sent since start")
                .callback(cb -> cb.call(dummyRatio())).register(registry);
        GaugeWithCallback.builder().name("b4ae_scheduler_queue_depth")
                .help("Real messages waiting for a slot")
                .callback(cb -> {
                    Supplier<SchedulerStats> s = scheduler;
                    cb.call(s == null ? 0 : s.get().queueDepth());
                }).register(registry);
        GaugeWithCallback.builder().name("b4ae_scheduler_slot_rate")
                .help("Slots per second of the constant-rate grid (0 outside constant-rate mode)")
                .labelNames("profile")
                .callback(cb -> {
                    Supplier<SchedulerStats> s = scheduler;
                    if (s != null) {
                        SchedulerStats st = s.get();
                        cb.call(st.constantRate() ? st.slotRate() : 0, st.profile());
                    }
                }).register(registry);
        for (String role : new String[] {"initiator", "responder"}) {
            modeA.labelValues(role);
            modeB.labelValues(role);
        }
        for (String kind : new String[] {"real", "dummy"}) {
            recordsSent.labelValues(kind);
            bytesSent.labelValues(kind);
            recordsReceived.labelValues(kind);
            bytesReceived.labelValues(kind);
            slots.labelValues(kind);
        }
        slots.labelValues("empty");
        slots.labelValues("missed");
        unpinned.labelValues("accepted", "accepted");
        // every series the alerts and dashboards name exists from start (client_java shows a labelled series
        // only once used; an alert on a series that does not exist can never fire)
        for (String r : DOS_REASONS) {
            dosBlocked.labelValues(reason(r));
        }
        for (String m : new String[] {"A", "B"}) {
            handshakeDuration.labelValues(m);
            for (String role : new String[] {"initiator", "responder"}) {
                started.labelValues(m, role);
            }
            for (String r : FAILURE_REASONS) {
                handshakesFailed.labelValues(m, reason(r));
            }
        }
        for (String r : DROPS_AS_DOS.keySet()) {
            dropped.labelValues(reason(r));
        }
        dropped.labelValues(reason("announcement"));  // a peer's key-rotation announcement that does not verify
        sessionsActive.labelValues("A");
        sessionsActive.labelValues("B");
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Lets the gauges read the scheduler's queue depth, grid rate and profile. */
    public void attachScheduler(Supplier<SchedulerStats> stats) {
        this.scheduler = stats;
    }

    /** The exposition text, as a scrape would return it. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                    io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes the families for the platform endpoint: OpenMetrics without its {@code # EOF} line, or text 0.0.4. */
    @Override
    public void writeMetrics(OutputStream out, MetricsFormat format) throws IOException {
        if (format == MetricsFormat.OPENMETRICS_TEXT) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            new OpenMetricsTextFormatWriter(false, false).write(b, registry.scrape(),
                    io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
            String text = b.toString(StandardCharsets.UTF_8);
            out.write((text.endsWith("# EOF\n") ? text.substring(0, text.length() - 6) : text)
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                    io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
        }
    }

    /** Samples of the exposition (histogram buckets left out), for the console: {name{labels}, value}. */
    public List<String[]> samples() {
        List<String[]> rows = new ArrayList<>();
        for (String line : scrape().split("\n")) {
            if (line.isEmpty() || line.startsWith("#") || line.contains("_bucket{")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            rows.add(new String[] {line.substring(0, sp), line.substring(sp + 1)});
        }
        return rows;
    }

    // ------------------------------------------------------------------ ProtocolObserver

    private static String mode(String m) {
        return "B".equalsIgnoreCase(m) ? "B" : "A";
    }

    private static String role(boolean initiator) {
        return initiator ? "initiator" : "responder";
    }

    /** A label value from a reason token: lower case, [a-z0-9_-], at most 32 chars, at most 32 distinct. */
    private String reason(String r) {
        if (r == null || r.isEmpty()) {
            return "unspecified";
        }
        StringBuilder b = new StringBuilder();
        for (char c : r.toLowerCase(Locale.ROOT).toCharArray()) {
            if (b.length() == 32) {
                break;
            }
            b.append(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' ? c : '_');
        }
        String v = b.toString();
        if (reasons.contains(v)) {
            return v;
        }
        if (reasons.size() >= MAX_REASONS) {
            return "other";
        }
        reasons.add(v);
        return v;
    }

    @Override
    public void handshakeStarted(String mode, boolean initiator) {
        started.labelValues(mode(mode), role(initiator)).inc();
    }

    @Override
    public void handshakeCompleted(String mode, boolean initiator, long durationNanos) {
        (mode(mode).equals("B") ? modeB : modeA).labelValues(role(initiator)).inc();
        handshakeDuration.labelValues(mode(mode)).observe(durationNanos / 1e6);
    }

    @Override
    public void handshakeFailed(String mode, boolean initiator, String reason) {
        handshakesFailed.labelValues(mode(mode), reason(reason)).inc();
    }

    /**
     * One label set per outcome and reason token, never per peer (an unpinned peer's name is made from its key,
     * so naming it in a label would let anyone grow the label set). A refusal also counts as a failed Mode B
     * handshake, since the engine reports it here instead of {@link #handshakeFailed}.
     */
    @Override
    public void unpinnedHandshake(boolean accepted, String reason) {
        if (accepted) {
            unpinned.labelValues("accepted", "accepted").inc();
        } else {
            String r = reason(reason);
            unpinned.labelValues("refused", r).inc();
            handshakesFailed.labelValues("B", r).inc();
        }
    }

    @Override
    public void cookieChallengeSent() {
        cookieChallenges.inc();
    }

    @Override
    public void invalidCookie() {
        invalidCookies.inc();
    }

    @Override
    public void dosAttemptBlocked(String reason) {
        dosBlocked.labelValues(reason(reason)).inc();
    }

    @Override
    public void sessionOpened(String mode) {
        sessionsActive.labelValues(mode(mode)).inc();
    }

    @Override
    public void sessionClosed(String mode) {
        sessionsActive.labelValues(mode(mode)).dec();
    }

    @Override
    public void recordSent(int wireBytes, boolean dummy) {
        String kind = dummy ? "dummy" : "real";
        recordsSent.labelValues(kind).inc();
        bytesSent.labelValues(kind).inc(Math.max(0, wireBytes));
        (dummy ? dummyRecords : realRecords).incrementAndGet();
    }

    @Override
    public void recordReceived(int wireBytes, boolean dummy) {
        String kind = dummy ? "dummy" : "real";
        recordsReceived.labelValues(kind).inc();
        bytesReceived.labelValues(kind).inc(Math.max(0, wireBytes));
    }

    @Override
    public void datagramDropped(String reason) {
        dropped.labelValues(reason(reason)).inc();
        String dos = DROPS_AS_DOS.get(reason);
        if (dos != null) {
            dosBlocked.labelValues(dos).inc();
        }
    }

    // ------------------------------------------------------------------ SchedulerListener

    @Override
    public void realSent(int paddedSize, long queueNanos, boolean breach) {
        slots.labelValues("real").inc();
        queueWait.observe(queueNanos / 1e9);
        if (breach) {
            breaches.inc();
        }
        synchronized (latencyWindow) {
            latencyWindow[latencyNext] = queueNanos;
            latencyNext = (latencyNext + 1) % WINDOW;
            latencyCount = Math.min(WINDOW, latencyCount + 1);
        }
    }

    @Override
    public void dummySent(int paddedSize) {
        slots.labelValues("dummy").inc();
    }

    @Override
    public void emptySlot() {
        slots.labelValues("empty").inc();
    }

    @Override
    public void emptySlots(long count) {
        slots.labelValues("empty").inc(count);
    }

    @Override
    public void slotsMissed(long count) {
        slots.labelValues("missed").inc(count);
    }

    @Override
    public void rejected(String reason) {
        rejected.labelValues(reason(reason)).inc();
    }

    @Override
    public void sinkFailed(RuntimeException e) {
        sinkFailures.inc();
    }

    // ------------------------------------------------------------------ derived values

    /** 99th percentile of the last 1024 real messages' queue latency, ms; 0 before any. */
    public double queueLatencyP99Ms() {
        long[] copy;
        synchronized (latencyWindow) {
            copy = Arrays.copyOf(latencyWindow, latencyCount);
        }
        if (copy.length == 0) {
            return 0;
        }
        Arrays.sort(copy);
        int idx = (int) Math.ceil(0.99 * copy.length) - 1;
        return copy[Math.max(0, idx)] / 1e6;
    }

    /** Dummy records among all records sent (as reported by the engine), 0 before any. */
    public double dummyRatio() {
        long d = dummyRecords.get();
        long all = d + realRecords.get();
        return all == 0 ? 0 : (double) d / all;
    }
}
