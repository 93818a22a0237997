package io.aethercore.support.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.ProviderUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceSlotTest {

    private final ServiceSlot<String> slot = new ServiceSlot<>("test provider");

    @Test
    void greedyRebindOrderNeverEmptiesTheSlot() throws Exception {
        slot.bind("native");
        // DS binds the replacement first, then unbinds the old one
        slot.bind("java");
        slot.unbind("native");
        assertSame("java", slot.get(Duration.ZERO));
    }

    @Test
    void unbindOfAnotherServiceIsIgnored() {
        slot.bind("a");
        slot.unbind("b");
        assertEquals("a", slot.getNow());
        slot.unbind("a");
        assertNull(slot.getNow());
    }

    @Test
    void emptySlotFailsRetryablyAfterPatienceAndSaysWhatIsMissing() {
        long t0 = System.nanoTime();
        ProviderUnavailableException e =
                assertThrows(ProviderUnavailableException.class, () -> slot.get(Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("test provider"), e.getMessage());
    }

    @Test
    void waitingCallerIsReleasedByABind() throws Exception {
        CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
            try {
                return slot.get(Duration.ofSeconds(30));
            } catch (ProviderUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        slot.bind("back");
        assertEquals("back", caller.get(10, TimeUnit.SECONDS));
    }

    @Test
    void interruptedWaitFailsRetryablyAndKeepsTheFlag() throws Exception {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                slot.get(Duration.ofSeconds(30));
                result.complete(false);
            } catch (ProviderUnavailableException e) {
                result.complete(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        Thread.sleep(50);
        t.interrupt();
        assertTrue(result.get(10, TimeUnit.SECONDS));
    }
}
