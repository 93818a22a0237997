package io.aethercore.api.audit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What happened, as the caller of {@link AuditLog#record} states it: who ({@code operatorId}), did
 * what ({@code action}, e.g. {@code ConfigUpdate}), to what ({@code target}, e.g. {@code
 * mesh.quorum_size=5}), optionally with which peer ({@code peerId}) and free-form details. The event
 * id and the timestamp are assigned by the log. Immutable; the {@code with*} methods return copies.
 *
 * <p>Limits (checked here, so a bad event fails at the caller): operator id and action 1 to {@value
 * #MAX_SHORT} characters, target and peer id at most {@value #MAX_TEXT}, at most {@value
 * #MAX_DETAILS} details with keys of 1 to {@value #MAX_SHORT} characters and values of at most
 * {@value #MAX_TEXT}. Any Unicode text is allowed; the log escapes it.
 */
public final class AuditEvent {

    public static final int MAX_SHORT = 256;
    public static final int MAX_TEXT = 4096;
    public static final int MAX_DETAILS = 64;

    /** Detail key for a session identifier; like {@code peerId}, sinks may hash it ({@code hash_identities}). */
    public static final String SESSION_ID = "session_id";

    private final String operatorId;
    private final String action;
    private final String target;
    private final String peerId;
    private final Map<String, String> details;

    private AuditEvent(String operatorId, String action, String target, String peerId, Map<String, String> details) {
        this.operatorId = check("operator id", operatorId, 1, MAX_SHORT);
        this.action = check("action", action, 1, MAX_SHORT);
        this.target = check("target", target, 0, MAX_TEXT);
        this.peerId = peerId == null ? null : check("peer id", peerId, 1, MAX_TEXT);
        if (details.size() > MAX_DETAILS) {
            throw new IllegalArgumentException("an audit event carries at most " + MAX_DETAILS + " details");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        details.forEach((k, v) -> copy.put(check("detail key", k, 1, MAX_SHORT), check("detail '" + k + "'", v, 0, MAX_TEXT)));
        this.details = Collections.unmodifiableMap(copy);
    }

    /** An event without peer and details. */
    public static AuditEvent of(String operatorId, String action, String target) {
        return new AuditEvent(operatorId, action, target, null, Map.of());
    }

    /** A copy with the peer id set (null removes it). */
    public AuditEvent withPeer(String peerId) {
        return new AuditEvent(operatorId, action, target, peerId, details);
    }

    /** A copy with one more detail (replacing a detail of the same key). */
    public AuditEvent withDetail(String key, String value) {
        TreeMap<String, String> d = new TreeMap<>(details);
        d.put(Objects.requireNonNull(key, "detail key"), value);
        return new AuditEvent(operatorId, action, target, peerId, d);
    }

    /** A copy with these details added. */
    public AuditEvent withDetails(Map<String, String> more) {
        TreeMap<String, String> d = new TreeMap<>(details);
        d.putAll(more);
        return new AuditEvent(operatorId, action, target, peerId, d);
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

    /** Details sorted by key (unmodifiable). */
    public Map<String, String> details() {
        return details;
    }

    private static String check(String what, String value, int min, int max) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(what + " must be " + min + " to " + max + " characters, got " + value.length());
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditEvent e && e.operatorId.equals(operatorId) && e.action.equals(action)
                && e.target.equals(target) && Objects.equals(e.peerId, peerId) && e.details.equals(details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operatorId, action, target, peerId, details);
    }

    @Override
    public String toString() {
        return "AuditEvent[" + operatorId + " " + action + " " + target + (peerId == null ? "" : " peer " + peerId) + "]";
    }
}
