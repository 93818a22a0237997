package io.aethercore.audit.internal;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditException;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleHasher;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and signs records with the node key, on the caller's thread (signing is the costly part, so
 * it runs in parallel on every caller). Follows the node key: when it changes, the new public key is
 * stored beside the log ({@link KeyRegistry}) before anything is signed with it.
 */
final class RecordSigner {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSigner.class);

    /** The node key of the moment: its handle, the fingerprint records name, a custody view for checkpoints. */
    record SignerKey(KeyHandle handle, String fingerprint, NodeKeyCustody custody) {}

    /** A signed record on its way to the store, and how its caller learns the outcome. */
    static final class Pending {
        private final String eventId;
        private final long timestampNs;
        private final AuditEvent event;
        private final SignerKey key;
        private final byte[] signature;
        private final byte[] stored;
        private final byte[] digest;
        private final CompletableFuture<Committed> done = new CompletableFuture<>();

        Pending(String eventId, long ts, AuditEvent event, SignerKey key, byte[] signature, byte[] stored,
                byte[] digest) {
            this.eventId = eventId;
            this.timestampNs = ts;
            this.event = event;
            this.key = key;
            this.signature = signature;
            this.stored = stored;
            this.digest = digest;
        }

        String eventId() {
            return eventId;
        }

        SignerKey key() {
            return key;
        }

        /** The record as stored (signed encoding). */
        byte[] stored() {
            return stored;
        }

        /** The Merkle leaf entry of the record. */
        byte[] digest() {
            return digest;
        }

        CompletableFuture<Committed> done() {
            return done;
        }

        AuditRecord record(long index) {
            return new AuditRecord(index, eventId, timestampNs, event.operatorId(), event.action(), event.target(),
                    event.peerId(), event.details(), key.fingerprint(), signature, stored, false);
        }
    }

    /** A durable record and the checkpoint its receipt proves it against. */
    record Committed(AuditRecord record, io.aethercore.api.merkle.SignedCheckpoint checkpoint) {}

    private final NodeKey nodeKey;
    private final KeyRegistry keys;
    private final MerkleHasher hasher;
    private volatile SignerKey current;

    RecordSigner(NodeKey nodeKey, KeyRegistry keys, MerkleHasher hasher) {
        this.nodeKey = nodeKey;
        this.keys = keys;
        this.hasher = hasher;
    }

    /** Builds and signs the record of {@code event}. */
    Pending prepare(AuditEvent event) throws AuditException {
        for (int attempt = 0; ; attempt++) {
            SignerKey k = currentKey();
            String id = newEventId();
            long ts = nowNanos();
            byte[] unsigned = RecordCodec.unsigned(id, ts, event, k.fingerprint());
            byte[] sig;
            try {
                sig = nodeKey.sign(unsigned);
            } catch (KeyCustodyException e) {
                throw new AuditException("the node key cannot sign the audit record: " + e.getMessage(), e, true);
            }
            SignerKey after = currentKey();
            if (after != k && attempt < 3) {
                continue; // the node key moved while signing: sign again with the new key
            }
            byte[] stored = RecordCodec.signed(unsigned, sig);
            return new Pending(id, ts, event, k, sig, stored, Hashers.recordDigest(hasher, stored));
        }
    }

    /** The node key now, its public key registered beside the log. */
    SignerKey currentKey() throws AuditException {
        KeyHandle h;
        try {
            h = nodeKey.handle();
        } catch (KeyCustodyException e) {
            throw new AuditException("no node signing key: " + e.getMessage(), e, true);
        }
        SignerKey k = current;
        if (k != null && k.handle().equals(h)) {
            return k;
        }
        synchronized (this) {
            k = current;
            if (k == null || !k.handle().equals(h)) {
                try {
                    String fp = keys.register(h.publicKey());
                    k = new SignerKey(h, fp, new NodeKeyCustody(nodeKey, h));
                    current = k;
                    LOG.info("Audit log: records are signed by {}", h);
                } catch (IOException e) {
                    throw new AuditException("cannot store the node's public key beside the audit log: "
                            + e.getMessage(), e, true);
                }
            }
            return k;
        }
    }

    /** A time-ordered UUID (version 7 layout: 48-bit milliseconds, then random bits). */
    static String newEventId() {
        long ms = System.currentTimeMillis();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (ms << 16) | 0x7000L | (r.nextLong() & 0x0fffL);
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
