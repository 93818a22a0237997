package io.aethercore.attestation.verifier;

import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.PcrSelection;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.Iterator;

/**
 * A verifier's record of the challenges it issued: fresh random nonces, and the last {@code capacity}
 * of them remembered so that a quote carrying an old one is reported as a replay. Thread-safe.
 */
public final class NonceLedger {

    private final SecureRandom random;
    private final int capacity;
    private final LinkedHashSet<ByteBuffer> issued = new LinkedHashSet<>();

    public NonceLedger(SecureRandom random, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.random = random;
        this.capacity = capacity;
    }

    /** A fresh 32-byte nonce, remembered. */
    public synchronized byte[] issue() {
        byte[] n = new byte[32];
        random.nextBytes(n);
        issued.add(ByteBuffer.wrap(n.clone()));
        if (issued.size() > capacity) {
            Iterator<ByteBuffer> it = issued.iterator();
            it.next();
            it.remove();
        }
        return n;
    }

    /** Whether this nonce was issued by this ledger (and is still remembered). */
    public synchronized boolean issued(byte[] nonce) {
        return nonce != null && issued.contains(ByteBuffer.wrap(nonce));
    }

    /** An expectation for a quote answering {@code nonce}: other nonces of this ledger count as replays. */
    public QuoteExpectation expect(byte[] nonce, PcrSelection selection) {
        return QuoteExpectation.of(nonce, selection).withUsedNonces(this::issued);
    }
}
