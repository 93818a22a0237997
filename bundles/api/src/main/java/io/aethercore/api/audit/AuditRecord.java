package io.aethercore.api.audit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stored audit record: the event, the id and time the log gave it, its leaf index in the
 * audit Merkle tree, and the node's signature. {@link #bytes()} are the exact stored bytes (canonical
 * JSON, see docs/audit.md); the signature covers them without the signature member, and the Merkle
 * leaf is derived from them, so a verifier needs nothing else.
 *
 * <p>A record handed to a sink with {@code hash_identities} on is a view whose operator id, peer id
 * and session id are replaced by keyed hashes; it carries no bytes ({@link #identitiesHashed()}).
 */
public final class AuditRecord {

    private final long leafIndex;
    private final String eventId;
    private final long timestampNs;
    private final String operatorId;
    private final String action;
    private final String target;
    private final String peerId;
    private final Map<String, String> details;
    private final String keyId;
    private final byte[] signature;
    private final byte[] bytes;
    private final boolean identitiesHashed;

    public AuditRecord(long leafIndex, String eventId, long timestampNs, String operatorId, String action,
            String target, String peerId, Map<String, String> details, String keyId, byte[] signature,
            byte[] bytes, boolean identitiesHashed) {
        this.leafIndex = leafIndex;
        this.eventId = Objects.requireNonNull(eventId, "eventId");
        this.timestampNs = timestampNs;
        this.operatorId = Objects.requireNonNull(operatorId, "operatorId");
        this.action = Objects.requireNonNull(action, "action");
        this.target = Objects.requireNonNull(target, "target");
        this.peerId = peerId;
        this.details = Collections.unmodifiableMap(new TreeMap<>(details));
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.signature = signature.clone();
        this.bytes = bytes.clone();
        this.identitiesHashed = identitiesHashed;
    }

    /** Position in the audit Merkle tree (0-based). */
    public long leafIndex() {
        return leafIndex;
    }

    /** Unique id (a UUID, time-ordered). */
    public String eventId() {
        return eventId;
    }

    /** When the log accepted the event, nanoseconds since 1970-01-01T00:00:00Z. */
    public long timestampNs() {
        return timestampNs;
    }

    public String operatorId() {
        return operatorId;
    }

    public String action() {
        return action;
    }

    public String target() {
        return target;
    }

    /** The peer concerned, or null. */
    public String peerId() {
        return peerId;
    }

    public Map<String, String> details() {
        return details;
    }

    /** SHA-256 fingerprint (hex) of the public key that signed the record. */
    public String keyId() {
        return keyId;
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** The exact stored bytes (empty for a view with hashed identities). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean identitiesHashed() {
        return identitiesHashed;
    }

    /** A copy whose identities went through {@code hash} (for sinks with {@code hash_identities}). */
    public AuditRecord withHashedIdentities(java.util.function.UnaryOperator<String> hash) {
        TreeMap<String, String> d = new TreeMap<>(details);
        d.computeIfPresent(AuditEvent.SESSION_ID, (k, v) -> hash.apply(v));
        return new AuditRecord(leafIndex, eventId, timestampNs, hash.apply(operatorId), action, target,
                peerId == null ? null : hash.apply(peerId), d, keyId, signature, new byte[0], true);
    }

    @Override
    public String toString() {
        return "AuditRecord[" + leafIndex + " " + eventId + " " + operatorId + " " + action + " " + target + "]";
    }
}
