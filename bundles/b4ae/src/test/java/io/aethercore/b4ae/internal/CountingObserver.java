package io.aethercore.b4ae.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts every {@link ProtocolObserver} event by name and reason. */
final class CountingObserver implements ProtocolObserver {

    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    long get(String key) {
        AtomicLong v = counts.get(key);
        return v == null ? 0 : v.get();
    }

    private void inc(String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void handshakeStarted(String mode, boolean initiator) {
        inc("started." + mode + "." + (initiator ? "i" : "r"));
    }

    @Override
    public void handshakeCompleted(String mode, boolean initiator, long durationNanos) {
        inc("completed." + mode + "." + (initiator ? "i" : "r"));
    }

    @Override
    public void handshakeFailed(String mode, boolean initiator, String reason) {
        inc("failed." + reason);
        inc("failed." + mode + "." + (initiator ? "i" : "r"));
    }

    @Override
    public void unpinnedHandshake(boolean accepted, String reason) {
        inc(accepted ? "unpinned.accepted" : "unpinned.refused." + reason);
    }

    @Override
    public void cookieChallengeSent() {
        inc("cookie.sent");
    }

    @Override
    public void invalidCookie() {
        inc("cookie.invalid");
    }

    @Override
    public void dosAttemptBlocked(String reason) {
        inc("dos." + reason);
    }

    @Override
    public void sessionOpened(String mode) {
        inc("session.opened." + mode);
    }

    @Override
    public void sessionClosed(String mode) {
        inc("session.closed." + mode);
    }

    @Override
    public void recordSent(int wireBytes, boolean dummy) {
        inc(dummy ? "sent.dummy" : "sent");
    }

    @Override
    public void recordReceived(int wireBytes, boolean dummy) {
        inc(dummy ? "received.dummy" : "received");
    }

    @Override
    public void datagramDropped(String reason) {
        inc("dropped." + reason);
    }

    @Override
    public String toString() {
        return new java.util.TreeMap<>(counts).toString();
    }
}
