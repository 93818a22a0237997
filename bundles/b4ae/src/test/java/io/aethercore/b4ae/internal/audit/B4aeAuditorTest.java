package io.aethercore.b4ae.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class B4aeAuditorTest {

    /** The node's identity hashing as the audit bundle does it: HMAC-SHA256 under a node key, 16 bytes hex. */
    private static final UnaryOperator<String> KEY = id -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    };

    @Test
    void handshakeOutcomesAreRecordedWithHashedPeers() {
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        try (B4aeAuditor a = new B4aeAuditor(got::add, KEY)) {
            a.handshakeCompleted("B", true, 2_500_000, "node2");
            a.handshakeFailed("A", false, "unknown-peer", "10.0.0.9:4000");
        }
        assertEquals(2, got.size());
        AuditEvent ok = got.get(0);
        assertEquals(B4aeAuditor.HANDSHAKE, ok.action());
        assertEquals("mode_b", ok.target());
        assertEquals("success", ok.details().get("outcome"));
        assertEquals("initiator", ok.details().get("role"));
        assertEquals("2.500", ok.details().get("duration_ms"));
        assertTrue(ok.peerId().matches("hmac-sha256:[0-9a-f]{32}"), ok.peerId());
        assertFalse(ok.peerId().contains("node2"));
        AuditEvent bad = got.get(1);
        assertEquals("failure", bad.details().get("outcome"));
        assertEquals("unknown-peer", bad.details().get("reason"));
        assertNotEquals(ok.peerId(), bad.peerId());
    }

    @Test
    void sameNameSameHashAndPlainNamesWhenHashingIsOff() {
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        try (B4aeAuditor hashed = new B4aeAuditor(got::add, KEY); B4aeAuditor plain = new B4aeAuditor(got::add, null)) {
            assertEquals(hashed.identity("node2"), hashed.identity("node2"));
            assertEquals("node2", plain.identity("node2"));
        }
    }

    @Test
    void cookieAndDosEventsBecomeOneSummaryNotOneRecordEach() {
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        try (B4aeAuditor a = new B4aeAuditor(got::add, KEY)) {
            for (int i = 0; i < 100_000; i++) {
                a.dosAttemptBlocked("mac1");
            }
            a.invalidCookie();
            a.cookieChallengeSent();
            a.cookieChallengeSent();
            a.flushSummary();
            a.flushSummary(); // nothing new: no record
        }
        assertEquals(1, got.size(), got.toString());
        AuditEvent s = got.get(0);
        assertEquals(B4aeAuditor.SUMMARY, s.action());
        assertEquals("100000", s.details().get("dos_blocked.mac1"));
        assertEquals("1", s.details().get("invalid_cookies"));
        assertEquals("2", s.details().get("cookie_challenges"));
    }

    @Test
    void aStuckAuditLogNeverBlocksTheProtocolAndLossesAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        B4aeAuditor a = new B4aeAuditor(e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            got.add(e);
        }, KEY);
        int n = B4aeAuditor.QUEUE + 500;
        for (int i = 0; i < n; i++) {
            a.handshakeCompleted("A", true, 1, "p" + i); // returns at once although the log is stuck
        }
        assertTrue(a.dropped() >= 499, "dropped " + a.dropped());
        release.countDown();
        a.close();
        AuditEvent last = got.get(got.size() - 1);
        assertEquals(B4aeAuditor.SUMMARY, last.action(), "the loss is itself recorded");
        assertEquals(n, got.size() - 1 + Long.parseLong(last.details().get("audit_records_dropped")));
    }
}
