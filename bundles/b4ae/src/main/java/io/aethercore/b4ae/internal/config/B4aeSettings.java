package io.aethercore.b4ae.internal.config;

import io.aethercore.api.b4ae.Mode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one immutable settings value of a B4AE endpoint: what {@link B4aeSettingsParser} makes of the
 * {@code io.aethercore.b4ae} configuration (or {@code io.aethercore.b4ae.node}'s), handed to the channel host,
 * the engine, the operations component and the audit component. Defaults are those of docs/configuration.md.
 * Build one with {@link #builder()} (tests, extra endpoints) or {@link #toBuilder()}.
 */
public final class B4aeSettings {
    private final String name;
    private final String listenAddress;
    private final EnumSet<Mode> supported;
    private final Mode preferred;
    private final List<String> peers;
    private final int bloomFilterSize;
    private final int expirySeconds;
    private final byte[] cookieSecret;
    private final boolean cookieAlways;
    private final int underLoadInitsPerSecond;
    private final long rekeyAfterMessages;
    private final int rekeyAfterSeconds;
    private final int rejectAfterSeconds;
    private final int keyRotationDays;
    private final int keyOverlapDays;
    private final int maxDatagram;
    private final int maxReassemblyBytes;
    private final int handshakeRetryMs;
    private final int handshakeAttempts;
    private final String x25519Label;
    private final String mldsaLabel;
    private final String x25519Custody;
    private final String mldsaCustody;
    private final String transport;
    private final boolean trustOnFirstUse;
    private final int cookieRotationHours;
    private final boolean autoRotate;
    private final String stateDir;
    private final boolean enrollmentAcceptUnpinned;
    private final int enrollmentMaxSessions;
    private final int enrollmentSessionSeconds;
    private final boolean ownTransport;
    private final int fragmentNackMs;
    private final int maxPendingResponders;
    private final int inboxLimit;
    private final int tickMs;
    private final RuntimeException endpointError;
    private final B4aeConfig document;
    private final List<String> documentProblems;
    private final boolean auditEnabled;
    private final boolean auditHashIdentities;
    private final long auditSummaryIntervalSeconds;

    private B4aeSettings(Builder b) {
        this.name = b.name;
        this.listenAddress = b.listenAddress;
        this.supported = b.supported.isEmpty() ? EnumSet.noneOf(Mode.class) : EnumSet.copyOf(b.supported);
        this.preferred = b.preferred;
        this.peers = List.copyOf(b.peers);
        this.bloomFilterSize = b.bloomFilterSize;
        this.expirySeconds = b.expirySeconds;
        this.cookieSecret = b.cookieSecret == null ? null : b.cookieSecret.clone();
        this.cookieAlways = b.cookieAlways;
        this.underLoadInitsPerSecond = b.underLoadInitsPerSecond;
        this.rekeyAfterMessages = b.rekeyAfterMessages;
        this.rekeyAfterSeconds = b.rekeyAfterSeconds;
        this.rejectAfterSeconds = b.rejectAfterSeconds;
        this.keyRotationDays = b.keyRotationDays;
        this.keyOverlapDays = b.keyOverlapDays;
        this.maxDatagram = b.maxDatagram;
        this.maxReassemblyBytes = b.maxReassemblyBytes;
        this.handshakeRetryMs = b.handshakeRetryMs;
        this.handshakeAttempts = b.handshakeAttempts;
        this.x25519Label = b.x25519Label;
        this.mldsaLabel = b.mldsaLabel;
        this.x25519Custody = b.x25519Custody;
        this.mldsaCustody = b.mldsaCustody;
        this.transport = b.transport;
        this.trustOnFirstUse = b.trustOnFirstUse;
        this.cookieRotationHours = b.cookieRotationHours;
        this.autoRotate = b.autoRotate;
        this.stateDir = b.stateDir;
        this.enrollmentAcceptUnpinned = b.enrollmentAcceptUnpinned;
        this.enrollmentMaxSessions = b.enrollmentMaxSessions;
        this.enrollmentSessionSeconds = b.enrollmentSessionSeconds;
        this.ownTransport = b.ownTransport;
        this.fragmentNackMs = b.fragmentNackMs;
        this.maxPendingResponders = b.maxPendingResponders;
        this.inboxLimit = b.inboxLimit;
        this.tickMs = b.tickMs;
        this.endpointError = b.endpointError;
        this.document = b.document;
        this.documentProblems = List.copyOf(b.documentProblems);
        this.auditEnabled = b.auditEnabled;
        this.auditHashIdentities = b.auditHashIdentities;
        this.auditSummaryIntervalSeconds = b.auditSummaryIntervalSeconds;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.listenAddress = listenAddress;
        b.supported = EnumSet.copyOf(supported);
        b.preferred = preferred;
        b.peers = peers;
        b.bloomFilterSize = bloomFilterSize;
        b.expirySeconds = expirySeconds;
        b.cookieSecret = cookieSecret;
        b.cookieAlways = cookieAlways;
        b.underLoadInitsPerSecond = underLoadInitsPerSecond;
        b.rekeyAfterMessages = rekeyAfterMessages;
        b.rekeyAfterSeconds = rekeyAfterSeconds;
        b.rejectAfterSeconds = rejectAfterSeconds;
        b.keyRotationDays = keyRotationDays;
        b.keyOverlapDays = keyOverlapDays;
        b.maxDatagram = maxDatagram;
        b.maxReassemblyBytes = maxReassemblyBytes;
        b.handshakeRetryMs = handshakeRetryMs;
        b.handshakeAttempts = handshakeAttempts;
        b.x25519Label = x25519Label;
        b.mldsaLabel = mldsaLabel;
        b.x25519Custody = x25519Custody;
        b.mldsaCustody = mldsaCustody;
        b.transport = transport;
        b.trustOnFirstUse = trustOnFirstUse;
        b.cookieRotationHours = cookieRotationHours;
        b.autoRotate = autoRotate;
        b.stateDir = stateDir;
        b.enrollmentAcceptUnpinned = enrollmentAcceptUnpinned;
        b.enrollmentMaxSessions = enrollmentMaxSessions;
        b.enrollmentSessionSeconds = enrollmentSessionSeconds;
        b.ownTransport = ownTransport;
        b.fragmentNackMs = fragmentNackMs;
        b.maxPendingResponders = maxPendingResponders;
        b.inboxLimit = inboxLimit;
        b.tickMs = tickMs;
        b.endpointError = endpointError;
        b.document = document;
        b.documentProblems = documentProblems;
        b.auditEnabled = auditEnabled;
        b.auditHashIdentities = auditHashIdentities;
        b.auditSummaryIntervalSeconds = auditSummaryIntervalSeconds;
        return b;
    }

    /** This endpoint's name in logs and peers entries. */
    public String name() {
        return name;
    }

    /** UDP host:port of the node's own transport. */
    public String listenAddress() {
        return listenAddress;
    }

    /** Modes this node offers. */
    public Set<Mode> supported() {
        return EnumSet.copyOf(supported);
    }

    /** Mode asked for when the caller names none. */
    public Mode preferred() {
        return preferred;
    }

    /** Peers entries (PeerSpec format). */
    public List<String> peers() {
        return peers;
    }

    /** Entries per replay filter. */
    public int bloomFilterSize() {
        return bloomFilterSize;
    }

    /** Cookie epoch and replay window. */
    public int expirySeconds() {
        return expirySeconds;
    }

    /** 32 bytes; null: generated at start. */
    public byte[] cookieSecret() {
        return cookieSecret == null ? null : cookieSecret.clone();
    }

    /** Require a cookie always, not only under load. */
    public boolean cookieAlways() {
        return cookieAlways;
    }

    /** INIT datagrams per second before cookies are required. */
    public int underLoadInitsPerSecond() {
        return underLoadInitsPerSecond;
    }

    public long rekeyAfterMessages() {
        return rekeyAfterMessages;
    }

    public int rekeyAfterSeconds() {
        return rekeyAfterSeconds;
    }

    public int rejectAfterSeconds() {
        return rejectAfterSeconds;
    }

    public int keyRotationDays() {
        return keyRotationDays;
    }

    public int keyOverlapDays() {
        return keyOverlapDays;
    }

    /** Largest handshake datagram. */
    public int maxDatagram() {
        return maxDatagram;
    }

    /** Memory for handshake reassembly. */
    public int maxReassemblyBytes() {
        return maxReassemblyBytes;
    }

    public int handshakeRetryMs() {
        return handshakeRetryMs;
    }

    public int handshakeAttempts() {
        return handshakeAttempts;
    }

    public String x25519Label() {
        return x25519Label;
    }

    public String mldsaLabel() {
        return mldsaLabel;
    }

    /** Custody name; empty: the best one. */
    public String x25519Custody() {
        return x25519Custody;
    }

    /** Custody name; empty: the best one. */
    public String mldsaCustody() {
        return mldsaCustody;
    }

    /** Transport name; empty: the highest-ranked. */
    public String transport() {
        return transport;
    }

    /** Pin unknown Mode A initiators on first contact. */
    /** Directory of the endpoint's persisted trust state (first-seen times of pinned keys); empty: the node's data directory. */
    public String stateDir() {
        return stateDir;
    }

    /** Whether the node rotates its own identity keys after key_rotation_days (auto_rotate). */
    public boolean autoRotate() {
        return autoRotate;
    }

    /** Hours between rotations of a generated cookie secret (0: never). */
    public int cookieRotationHours() {
        return cookieRotationHours;
    }

    public boolean trustOnFirstUse() {
        return trustOnFirstUse;
    }

    /** {@code enrollment.accept_unpinned}: accept Mode B initiators whose key is not pinned but included in FINISH. */
    public boolean enrollmentAcceptUnpinned() {
        return enrollmentAcceptUnpinned;
    }

    /** {@code enrollment.max_sessions}: unpinned sessions open at once, 1 to 1024. */
    public int enrollmentMaxSessions() {
        return enrollmentMaxSessions;
    }

    /** {@code enrollment.session_seconds}: lifetime of an unpinned session, 5 to 3600. */
    public int enrollmentSessionSeconds() {
        return enrollmentSessionSeconds;
    }

    /** The endpoint opens its own UDP socket on listenAddress (extra endpoints). */
    public boolean ownTransport() {
        return ownTransport;
    }

    /** Idle time before a partial handshake message is NACKed. */
    public int fragmentNackMs() {
        return fragmentNackMs;
    }

    public int maxPendingResponders() {
        return maxPendingResponders;
    }

    /** Messages waiting per session. */
    public int inboxLimit() {
        return inboxLimit;
    }

    /** Timer period. */
    public int tickMs() {
        return tickMs;
    }

    /**
     * These settings, when the endpoint's values were valid; otherwise throws what made them invalid
     * (a number that does not parse, an unknown mode, a cookie secret that is not 64 hex digits).
     */
    public B4aeSettings endpointOrThrow() {
        if (endpointError != null) {
            throw endpointError;
        }
        return this;
    }

    /**
     * The keys of docs/configuration.md ({@code section.key}) and {@code B4AE_*} variables, validated (scheduler,
     * padding, keys, audit, monitoring); null when {@link #documentProblems()} is not empty.
     */
    public B4aeConfig document() {
        return document;
    }

    /** Why the document was refused, one entry per key; empty when it was accepted. */
    public List<String> documentProblems() {
        return documentProblems;
    }

    /** The document, or {@link B4aeConfigException} with its problems. */
    public B4aeConfig documentOrThrow() {
        if (document == null) {
            throw new B4aeConfigException(documentProblems);
        }
        return document;
    }

    /** {@code audit.enabled}, read leniently (anything but true is false); default true. */
    public boolean auditEnabled() {
        return auditEnabled;
    }

    /** {@code audit.hash_identities}, read leniently; default true. */
    public boolean auditHashIdentities() {
        return auditHashIdentities;
    }

    /** {@code audit.summary_interval_s} clamped to 1..86400; -1 when it is not a whole number. */
    public long auditSummaryIntervalSeconds() {
        return auditSummaryIntervalSeconds;
    }

    @Override
    public String toString() {
        return "B4aeSettings[name=" + name + ", listen=" + listenAddress + ", modes=" + supported + ", preferred="
                + preferred + ", peers=" + peers.size() + ", cookieSecret=(hidden), transport=" + transport + "]";
    }

    /** Mutable builder; every setter returns it. */
    public static final class Builder {
        private String name = "default";
        private String listenAddress = "0.0.0.0:4000";
        private Set<Mode> supported = EnumSet.allOf(Mode.class);
        private Mode preferred = Mode.B;
        private List<String> peers = List.of();
        private int bloomFilterSize = 1_000_000;
        private int expirySeconds = 30;
        private byte[] cookieSecret = null;
        private boolean cookieAlways = false;
        private int underLoadInitsPerSecond = 50;
        private long rekeyAfterMessages = 1L << 32;
        private int rekeyAfterSeconds = 120;
        private int rejectAfterSeconds = 180;
        private int keyRotationDays = 90;
        private int keyOverlapDays = 7;
        private int maxDatagram = 1200;
        private int maxReassemblyBytes = 4 << 20;
        private int handshakeRetryMs = 1000;
        private int handshakeAttempts = 5;
        private String x25519Label = "b4ae-x25519";
        private String mldsaLabel = "b4ae-mldsa87";
        private String x25519Custody = "";
        private String mldsaCustody = "";
        private String transport = "";
        private boolean trustOnFirstUse = false;
        private int cookieRotationHours = 24;
        private boolean autoRotate = false;
        private String stateDir = "";
        private boolean enrollmentAcceptUnpinned = false;
        private int enrollmentMaxSessions = 32;
        private int enrollmentSessionSeconds = 120;
        private boolean ownTransport = false;
        private int fragmentNackMs = 100;
        private int maxPendingResponders = 1024;
        private int inboxLimit = 4096;
        private int tickMs = 50;
        private RuntimeException endpointError;
        private B4aeConfig document;
        private List<String> documentProblems = List.of();
        private boolean auditEnabled = true;
        private boolean auditHashIdentities = true;
        private long auditSummaryIntervalSeconds = 60;

        private Builder() {}

        public Builder name(String v) {
            this.name = v;
            return this;
        }

        public Builder listenAddress(String v) {
            this.listenAddress = v;
            return this;
        }

        public Builder supported(Set<Mode> v) {
            this.supported = v;
            return this;
        }

        public Builder preferred(Mode v) {
            this.preferred = v;
            return this;
        }

        public Builder peers(List<String> v) {
            this.peers = v;
            return this;
        }

        public Builder bloomFilterSize(int v) {
            this.bloomFilterSize = v;
            return this;
        }

        public Builder expirySeconds(int v) {
            this.expirySeconds = v;
            return this;
        }

        public Builder cookieSecret(byte[] v) {
            this.cookieSecret = v;
            return this;
        }

        public Builder cookieAlways(boolean v) {
            this.cookieAlways = v;
            return this;
        }

        public Builder underLoadInitsPerSecond(int v) {
            this.underLoadInitsPerSecond = v;
            return this;
        }

        public Builder rekeyAfterMessages(long v) {
            this.rekeyAfterMessages = v;
            return this;
        }

        public Builder rekeyAfterSeconds(int v) {
            this.rekeyAfterSeconds = v;
            return this;
        }

        public Builder rejectAfterSeconds(int v) {
            this.rejectAfterSeconds = v;
            return this;
        }

        public Builder keyRotationDays(int v) {
            this.keyRotationDays = v;
            return this;
        }

        public Builder keyOverlapDays(int v) {
            this.keyOverlapDays = v;
            return this;
        }

        public Builder maxDatagram(int v) {
            this.maxDatagram = v;
            return this;
        }

        public Builder maxReassemblyBytes(int v) {
            this.maxReassemblyBytes = v;
            return this;
        }

        public Builder handshakeRetryMs(int v) {
            this.handshakeRetryMs = v;
            return this;
        }

        public Builder handshakeAttempts(int v) {
            this.handshakeAttempts = v;
            return this;
        }

        public Builder x25519Label(String v) {
            this.x25519Label = v;
            return this;
        }

        public Builder mldsaLabel(String v) {
            this.mldsaLabel = v;
            return this;
        }

        public Builder x25519Custody(String v) {
            this.x25519Custody = v;
            return this;
        }

        public Builder mldsaCustody(String v) {
            this.mldsaCustody = v;
            return this;
        }

        public Builder transport(String v) {
            this.transport = v;
            return this;
        }

        public Builder stateDir(String v) {
            this.stateDir = v;
            return this;
        }

        public Builder autoRotate(boolean v) {
            this.autoRotate = v;
            return this;
        }

        public Builder cookieRotationHours(int v) {
            this.cookieRotationHours = v;
            return this;
        }

        public Builder trustOnFirstUse(boolean v) {
            this.trustOnFirstUse = v;
            return this;
        }

        public Builder enrollmentAcceptUnpinned(boolean v) {
            this.enrollmentAcceptUnpinned = v;
            return this;
        }

        public Builder enrollmentMaxSessions(int v) {
            this.enrollmentMaxSessions = v;
            return this;
        }

        public Builder enrollmentSessionSeconds(int v) {
            this.enrollmentSessionSeconds = v;
            return this;
        }

        public Builder ownTransport(boolean v) {
            this.ownTransport = v;
            return this;
        }

        public Builder fragmentNackMs(int v) {
            this.fragmentNackMs = v;
            return this;
        }

        public Builder maxPendingResponders(int v) {
            this.maxPendingResponders = v;
            return this;
        }

        public Builder inboxLimit(int v) {
            this.inboxLimit = v;
            return this;
        }

        public Builder tickMs(int v) {
            this.tickMs = v;
            return this;
        }

        /** An invalid endpoint value: {@link B4aeSettings#endpointOrThrow()} throws it. */
        public Builder endpointError(RuntimeException e) {
            this.endpointError = e;
            return this;
        }

        /** The validated document, or null and the problems that refused it. */
        public Builder document(B4aeConfig doc, List<String> problems) {
            this.document = doc;
            this.documentProblems = problems;
            return this;
        }

        public Builder auditEnabled(boolean v) {
            this.auditEnabled = v;
            return this;
        }

        public Builder auditHashIdentities(boolean v) {
            this.auditHashIdentities = v;
            return this;
        }

        public Builder auditSummaryIntervalSeconds(long v) {
            this.auditSummaryIntervalSeconds = v;
            return this;
        }

        public B4aeSettings build() {
            return new B4aeSettings(this);
        }
    }
}
