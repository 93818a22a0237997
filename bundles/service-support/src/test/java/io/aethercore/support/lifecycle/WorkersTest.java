package io.aethercore.support.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkersTest {

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void namesTracksAndStopsEveryThread() throws Exception {
        Workers w = Workers.create("test-a");
        CountDownLatch started = new CountDownLatch(1);
        Thread t = w.thread("loop", () -> {
            started.countDown();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertEquals("aethercore-test-a-loop", t.getName());
        assertTrue(t.isDaemon());
        ExecutorService pool = w.pool("work", 2, 4);
        pool.submit(() -> {}).get();
        w.every("tick", Duration.ofMillis(5), () -> {});
        w.scheduler("own").submit(() -> {}).get();
        assertTrue(threadsNamed("aethercore-test-a-") >= 3);

        assertTrue(w.closeAll(), "every thread ended within the bound");
        assertFalse(t.isAlive());
        assertEquals(0, threadsNamed("aethercore-test-a-"), "no thread left after close");
        assertTrue(w.closeAll(), "idempotent");
        assertThrows(RejectedExecutionException.class, () -> w.thread("late", () -> {}));
    }

    @Test
    void aFailingPeriodicTaskIsReportedAndKeepsRunning() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        try (Workers w = Workers.create("test-b", errors::add, Duration.ofSeconds(2))) {
            w.every("flaky", Duration.ofMillis(2), () -> {
                if (runs.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("boom");
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runs.get() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        assertTrue(runs.get() >= 6, "the task kept its schedule after throwing");
        assertTrue(errors.size() >= 3);
        assertTrue(errors.get(0).getMessage().contains("flaky"), errors.get(0).getMessage());
    }

    @Test
    void boundedPoolShedsLoadInsteadOfQueueingWithoutBound() throws Exception {
        try (Workers w = Workers.create("test-c")) {
            ExecutorService pool = w.pool("busy", 1, 1);
            CountDownLatch release = new CountDownLatch(1);
            pool.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            pool.execute(() -> {});
            assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
            release.countDown();
        }
        assertEquals(0, threadsNamed("aethercore-test-c-"));
    }
}
