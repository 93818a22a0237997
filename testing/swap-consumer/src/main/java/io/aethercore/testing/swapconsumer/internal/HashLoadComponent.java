package io.aethercore.testing.swapconsumer.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.support.service.ServiceSlot;
import io.aethercore.testing.swapconsumer.HashLoad;
import io.aethercore.testing.swapconsumer.LoadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The consumer pattern every AetherCore bundle follows: dynamic, greedy, optional references into a
 * {@link ServiceSlot}, read once per operation. Counts what the callers see.
 */
@Component(service = HashLoad.class)
public final class HashLoadComponent implements HashLoad {

    /** How long a caller waits for a provider to come back before a (retryable) failure. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ServiceSlot<HashService> blake3 = new ServiceSlot<>("BLAKE3 hash provider");
    private final ServiceSlot<HashService> sha256 = new ServiceSlot<>("SHA-256 hash provider");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aethercore.algorithms=BLAKE3)")
    void bindBlake3(HashService s) {
        blake3.bind(s);
    }

    void unbindBlake3(HashService s) {
        blake3.unbind(s);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aethercore.algorithms=SHA-256)")
    void bindSha256(HashService s) {
        sha256.bind(s);
    }

    void unbindSha256(HashService s) {
        sha256.unbind(s);
    }

    private volatile Run run;

    @Override
    public synchronized void start(String algorithmId, int threads, int inputLength) {
        if (run != null) {
            throw new IllegalStateException("already running");
        }
        HashAlgorithm alg = HashAlgorithm.fromId(algorithmId);
        ServiceSlot<HashService> slot = switch (alg) {
            case BLAKE3 -> blake3;
            case SHA_256 -> sha256;
            default -> throw new IllegalArgumentException("BLAKE3 or SHA-256");
        };
        run = new Run(alg, slot, threads, inputLength);
    }

    @Override
    public long calls() {
        Run r = run;
        return r == null ? 0 : r.calls.sum() + r.failures.get();
    }

    @Override
    public String lastProvider() {
        Run r = run;
        return r == null ? null : r.lastProvider;
    }

    @Override
    public synchronized LoadReport stop() throws InterruptedException {
        Run r = run;
        if (r == null) {
            throw new IllegalStateException("not running");
        }
        run = null;
        return r.stop();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Run r = run;
        if (r != null) {
            r.stop();
        }
    }

    private static final class Run {
        final LongAdder calls = new LongAdder();
        final AtomicLong failures = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        final Map<String, LongAdder> byProvider = new ConcurrentHashMap<>();
        final List<LoadReport.Switch> switches = new ArrayList<>();
        final AtomicLong maxGap = new AtomicLong();
        volatile String lastProvider;
        volatile boolean running = true;
        final List<Thread> threads = new ArrayList<>();

        Run(HashAlgorithm alg, ServiceSlot<HashService> slot, int threadCount, int inputLength) {
            byte[] data = new byte[inputLength];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i % 251);
            }
            byte[] expected;
            try {
                expected = slot.get(PATIENCE).hash(alg, data);
            } catch (Exception e) {
                throw new IllegalStateException("no provider to start with: " + e.getMessage(), e);
            }
            for (int t = 0; t < threadCount; t++) {
                Thread th = new Thread(() -> loop(alg, slot, data, expected), "hash-load-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }

        void loop(HashAlgorithm alg, ServiceSlot<HashService> slot, byte[] data, byte[] expected) {
            long last = System.nanoTime();
            while (running) {
                long started = System.nanoTime();
                try {
                    HashService h = slot.get(PATIENCE); // once per operation
                    var hasher = h.newHasher(alg);
                    byte[] got = hasher.update(data).digest();
                    if (!Arrays.equals(got, expected)) {
                        fail("wrong digest from " + hasher.provider());
                        continue;
                    }
                    long now = System.nanoTime();
                    maxGap.accumulateAndGet(now - last, Math::max);
                    last = now;
                    calls.increment();
                    String p = hasher.provider();
                    byProvider.computeIfAbsent(p, k -> new LongAdder()).increment();
                    if (!p.equals(lastProvider)) {
                        synchronized (switches) {
                            if (!p.equals(lastProvider)) {
                                switches.add(new LoadReport.Switch(lastProvider, p, started, now));
                                lastProvider = p;
                            }
                        }
                    }
                } catch (Throwable e) {
                    fail(e.getClass().getName() + ": " + e.getMessage());
                }
            }
        }

        void fail(String what) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, what);
        }

        LoadReport stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(30_000);
            }
            Map<String, Long> counts = new TreeMap<>();
            byProvider.forEach((k, v) -> counts.put(k, v.sum()));
            List<LoadReport.Switch> sw;
            synchronized (switches) {
                sw = List.copyOf(switches);
            }
            return new LoadReport(calls.sum(), failures.get(), firstFailure.get(), counts, sw, maxGap.get());
        }
    }
}
