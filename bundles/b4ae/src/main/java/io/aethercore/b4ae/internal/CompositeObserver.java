package io.aethercore.b4ae.internal;

import java.util.List;

/** Fans events out to every bound observer; one failing observer never disturbs the protocol. */
final class CompositeObserver implements ProtocolObserver {

    private final List<ProtocolObserver> all;

    CompositeObserver(List<ProtocolObserver> all) {
        this.all = List.copyOf(all);
    }

    private interface Call {
        void on(ProtocolObserver o);
    }

    private void each(Call c) {
        for (ProtocolObserver o : all) {
            try {
                c.on(o);
            } catch (RuntimeException e) {
                // observers must not throw; ignore and keep going
            }
        }
    }

    @Override public void handshakeStarted(String mode, boolean initiator) { each(o -> o.handshakeStarted(mode, initiator)); }
    @Override public void handshakeCompleted(String mode, boolean initiator, long d) { each(o -> o.handshakeCompleted(mode, initiator, d)); }
    @Override public void handshakeFailed(String mode, boolean initiator, String r) { each(o -> o.handshakeFailed(mode, initiator, r)); }
    @Override public void handshakeCompleted(String mode, boolean initiator, long d, String peer) { each(o -> o.handshakeCompleted(mode, initiator, d, peer)); }
    @Override public void handshakeFailed(String mode, boolean initiator, String r, String peer) { each(o -> o.handshakeFailed(mode, initiator, r, peer)); }
    @Override public void handshakeRefused(String mode, String r, String from) { each(o -> o.handshakeRefused(mode, r, from)); }
    @Override public void cookieChallengeSent() { each(ProtocolObserver::cookieChallengeSent); }
    @Override public void invalidCookie() { each(ProtocolObserver::invalidCookie); }
    @Override public void dosAttemptBlocked(String r) { each(o -> o.dosAttemptBlocked(r)); }
    @Override public void unpinnedHandshake(boolean accepted, String r) { each(o -> o.unpinnedHandshake(accepted, r)); }
    @Override public void sessionOpened(String mode) { each(o -> o.sessionOpened(mode)); }
    @Override public void sessionClosed(String mode) { each(o -> o.sessionClosed(mode)); }
    @Override public void recordSent(int b, boolean dummy) { each(o -> o.recordSent(b, dummy)); }
    @Override public void recordReceived(int b, boolean dummy) { each(o -> o.recordReceived(b, dummy)); }
    @Override public void datagramDropped(String r) { each(o -> o.datagramDropped(r)); }
}
