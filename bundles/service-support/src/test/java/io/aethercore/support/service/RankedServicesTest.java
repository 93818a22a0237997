package io.aethercore.support.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.ProviderUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RankedServicesTest {

    private final RankedServices<String> hashes = new RankedServices<>("hash provider");

    private static Map<String, Object> props(int ranking, long id, String... algorithms) {
        return Map.of("service.ranking", ranking, "service.id", id, "aethercore.algorithms", algorithms);
    }

    @Test
    void picksTheHighestRankingThatServesTheAlgorithm() {
        hashes.bind("bc", props(10, 1, "BLAKE3", "SHA-256"));
        hashes.bind("native", props(100, 2, "BLAKE3"));
        assertEquals("native", hashes.bestFor("BLAKE3"));
        assertEquals("bc", hashes.bestFor("SHA-256"));
        assertNull(hashes.bestFor("SHA-512"));
        hashes.unbind("native");
        assertEquals("bc", hashes.bestFor("BLAKE3"));
    }

    @Test
    void tiesGoToTheLowerServiceIdAndStringRankingsCountAsZero() {
        hashes.bind("second", props(5, 9, "BLAKE3"));
        hashes.bind("first", props(5, 3, "BLAKE3"));
        assertEquals("first", hashes.bestFor("BLAKE3"));
        hashes.bind("string-ranked", Map.of("service.ranking", "1000", "service.id", 1L,
                "aethercore.algorithms", new String[] {"BLAKE3"}));
        assertEquals("first", hashes.bestFor("BLAKE3"));
    }

    @Test
    void waitsForAProviderOfTheAlgorithmThenFailsRetryably() throws Exception {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> hashes.get("SHA-256", Duration.ofMillis(30)));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
            try {
                return hashes.get("SHA-256", Duration.ofSeconds(30));
            } catch (ProviderUnavailableException x) {
                throw new IllegalStateException(x);
            }
        });
        Thread.sleep(30);
        hashes.bind("native", props(100, 2, "BLAKE3")); // not what the caller needs
        Thread.sleep(30);
        hashes.bind("bc", props(10, 1, "SHA-256"));
        assertEquals("bc", caller.get(10, TimeUnit.SECONDS));
    }
}
