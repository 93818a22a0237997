package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.util.function.Predicate;

/**
 * The responder's policy for a Mode B FINISH whose initiator key is not pinned but included (§5.2,
 * "Enrollment"): refused unless {@code enrollment.accept_unpinned}, and then only while fewer than
 * {@code enrollment.max_sessions} unpinned sessions are open. Checks that the included key is the one the
 * fingerprint names; the caller then verifies the signature with it.
 *
 * @param accept whether unpinned initiators are accepted at all
 * @param room   whether an unpinned session of this peer name may open (or be rekeyed) now; asked before any
 *               signature work
 */
record Enrolment(boolean accept, Predicate<String> room) {

    /** Peer names of unpinned sessions start with this, then 16 hex digits of the key's fingerprint. */
    static final String UNPINNED_PREFIX = "unpinned-";

    /** The policy of a node that accepts only pinned initiators (the default). */
    static final Enrolment REFUSE = new Enrolment(false, name -> false);

    static String peerName(String fingerprintHex) {
        return UNPINNED_PREFIX + fingerprintHex.substring(0, 16);
    }

    /**
     * The key an unpinned initiator included in FINISH, when this policy lets it in and the key is what
     * {@code fingerprintHex} names.
     *
     * @throws HandshakeException {@code unknown-peer} (not accepted here), {@code enrollment-full},
     *     {@code key-mismatch} (not an ML-DSA-87 SubjectPublicKeyInfo, or its SHA-256 is not the fingerprint)
     */
    RawPublicKey unpinnedKey(String fingerprintHex, byte[] spki) throws HandshakeException {
        if (!accept) {
            throw new HandshakeException("unknown-peer", "initiator ML-DSA-87 key " + fingerprintHex.substring(0, 16)
                    + " is not pinned and enrollment.accept_unpinned is false");
        }
        RawPublicKey key;
        try {
            key = RawPublicKey.fromSpki(spki);
        } catch (CryptoException e) {
            throw new HandshakeException("key-mismatch", "included key is not a SubjectPublicKeyInfo: " + e.getMessage());
        }
        if (key.algorithm() != KeyAlgorithm.ML_DSA_87 || !key.fingerprint().equals(fingerprintHex)) {
            throw new HandshakeException("key-mismatch", "included key does not have the fingerprint "
                    + fingerprintHex.substring(0, 16) + " that FINISH names");
        }
        if (!room.test(peerName(fingerprintHex))) {
            throw new HandshakeException("enrollment-full", "enrollment.max_sessions unpinned sessions are open");
        }
        return key;
    }
}
