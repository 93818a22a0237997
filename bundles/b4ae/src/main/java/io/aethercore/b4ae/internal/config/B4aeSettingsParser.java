package io.aethercore.b4ae.internal.config;

import io.aethercore.api.b4ae.Mode;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one reader of the {@code io.aethercore.b4ae} configuration (and of each {@code io.aethercore.b4ae.node}
 * factory configuration): turns ConfigAdmin properties and the environment into the one immutable
 * {@link B4aeSettings} that the channel, the engine, the operations component and the audit component use.
 *
 * <ul>
 *   <li>The endpoint's properties are those of the typed configuration ({@code B4aeComponent.Config}, whose
 *       {@code __} method names are the single-underscore property names, {@code listen_address}) with its
 *       defaults; the {@code section.key} names of docs/configuration.md win over them where the document has one
 *       ({@code network.listen_address}, {@code authentication.supported_modes},
 *       {@code authentication.preferred_mode}, {@code cookie_challenge.bloom_filter_size},
 *       {@code cookie_challenge.expiry_seconds}, {@code cookie_challenge.secret}); {@code B4AE_AUTH_MODE}
 *       overrides the modes, and the cookie secret comes from {@code cookie_secret_file}, the configuration or
 *       {@code B4AE_COOKIE_SECRET}, in that order. An invalid value here stops the endpoint.</li>
 *   <li>The whole document ({@code section.key} names and every {@code B4AE_*} variable) is validated by
 *       {@link B4aeConfig}; the result, or the problems found, travel in the settings. The operations
 *       component refuses a configuration with problems; the endpoint does not depend on them.</li>
 *   <li>The audit switches ({@code audit.enabled}, {@code audit.hash_identities},
 *       {@code audit.summary_interval_s}) are read leniently, so that the audit keeps working when another
 *       part of the document is refused.</li>
 * </ul>
 */
public final class B4aeSettingsParser {

    private B4aeSettingsParser() {}

    /** Enrollment keys of the endpoint (docs/configuration.md, "Enrollment"): ours, not the document's. */
    public static final String ENROLLMENT_ACCEPT_UNPINNED = "enrollment.accept_unpinned";
    public static final String ENROLLMENT_MAX_SESSIONS = "enrollment.max_sessions";
    public static final String ENROLLMENT_SESSION_SECONDS = "enrollment.session_seconds";

    /**
     * Reads a configuration.
     *
     * @param props        the ConfigAdmin properties (may be null: all defaults)
     * @param env          the environment, {@code System.getenv()} in production
     * @param ownTransport whether the endpoint opens its own UDP socket (extra endpoints)
     * @return the settings; an invalid endpoint value is kept as {@link B4aeSettings#endpointOrThrow()}'s
     *         exception, an invalid document as {@link B4aeSettings#documentProblems()}
     */
    public static B4aeSettings parse(Map<String, ?> props, Map<String, String> env, boolean ownTransport) {
        Map<String, ?> p = props == null ? Map.of() : props;
        Map<String, String> e = env == null ? Map.of() : env;
        B4aeSettings.Builder b = B4aeSettings.builder();
        B4aeSettings d = b.build(); // the defaults, equal to the typed configuration's
        try {
            endpoint(b, d, p, e, ownTransport);
        } catch (RuntimeException invalid) {
            b.endpointError(invalid);
        }
        try {
            b.document(B4aeConfig.parse(p, e), List.of());
        } catch (B4aeConfigException refused) {
            b.document(null, refused.problems());
        }
        b.auditEnabled(bool(p, "audit.enabled", true))
                .auditHashIdentities(bool(p, "audit.hash_identities", true))
                .auditSummaryIntervalSeconds(summaryInterval(p.get("audit.summary_interval_s")));
        return b.build();
    }

    private static void endpoint(B4aeSettings.Builder b, B4aeSettings d, Map<String, ?> p, Map<String, String> e,
                                 boolean ownTransport) {
        Object m = p.get("authentication.supported_modes");
        String[] modes = m instanceof String[] a ? a
                : m != null ? String.valueOf(m).replaceAll("[\\[\\]\"]", "").split(",")
                : strings(p, "supported_modes", new String[] {"mode_a", "mode_b"});
        b.name(str(p, "name", d.name()))
                .listenAddress(alias(p, "network.listen_address", str(p, "listen_address", d.listenAddress())))
                .supported(supported(modes, e.get("B4AE_AUTH_MODE")))
                .preferred(Mode.fromId(alias(p, "authentication.preferred_mode", str(p, "preferred_mode", "mode_b"))))
                .peers(peers(p))
                .bloomFilterSize(Integer.parseInt(alias(p, "cookie_challenge.bloom_filter_size",
                        Integer.toString(integer(p, "bloom_filter_size", d.bloomFilterSize())))))
                .expirySeconds(Integer.parseInt(alias(p, "cookie_challenge.expiry_seconds",
                        Integer.toString(integer(p, "expiry_seconds", d.expirySeconds())))))
                .cookieSecret(cookieSecret(alias(p, "cookie_challenge.secret", str(p, "cookie_secret", "")),
                        str(p, "cookie_secret_file", ""), e.get("B4AE_COOKIE_SECRET")))
                .cookieAlways(bool(p, "cookie_always", d.cookieAlways()))
                .underLoadInitsPerSecond(integer(p, "under_load_inits_per_second", d.underLoadInitsPerSecond()))
                .rekeyAfterMessages(longValue(p, "rekey_after_messages", d.rekeyAfterMessages()))
                .rekeyAfterSeconds(integer(p, "rekey_after_seconds", d.rekeyAfterSeconds()))
                .rejectAfterSeconds(integer(p, "reject_after_seconds", d.rejectAfterSeconds()))
                .keyRotationDays(ranged(p, "key_rotation_days", d.keyRotationDays(), 1, 36_500))
                .keyOverlapDays(ranged(p, "key_overlap_days", d.keyOverlapDays(), 0, 36_500))
                .maxDatagram(integer(p, "max_datagram_size", d.maxDatagram()))
                .maxReassemblyBytes(integer(p, "max_reassembly_bytes", d.maxReassemblyBytes()))
                .handshakeRetryMs(integer(p, "handshake_retry_ms", d.handshakeRetryMs()))
                .handshakeAttempts(integer(p, "handshake_attempts", d.handshakeAttempts()))
                .x25519Label(str(p, "identity_x25519_label", d.x25519Label()))
                .mldsaLabel(str(p, "identity_mldsa87_label", d.mldsaLabel()))
                .x25519Custody(custody(p, e, "x25519_custody"))
                .mldsaCustody(custody(p, e, "mldsa87_custody"))
                .transport(str(p, "transport", "").trim())
                .trustOnFirstUse(bool(p, "trust_on_first_use", d.trustOnFirstUse()))
                .stateDir(str(p, "keys.storage_path", "").trim())
                .autoRotate(strictBool(p, "keys.auto_rotate", strictBool(p, "auto_rotate", d.autoRotate())))
                .cookieRotationHours(ranged(p, "cookie_challenge.rotation_hours",
                        ranged(p, "cookie_rotation_hours", d.cookieRotationHours(), 0, 720), 0, 720))
                .enrollmentAcceptUnpinned(strictBool(p, ENROLLMENT_ACCEPT_UNPINNED, d.enrollmentAcceptUnpinned()))
                .enrollmentMaxSessions(ranged(p, ENROLLMENT_MAX_SESSIONS, d.enrollmentMaxSessions(), 1, 1024))
                .enrollmentSessionSeconds(ranged(p, ENROLLMENT_SESSION_SECONDS, d.enrollmentSessionSeconds(), 5, 3600))
                .ownTransport(ownTransport);
        B4aeSettings r = b.build();
        if (r.keyRotationDays() <= r.keyOverlapDays()) {
            throw new IllegalArgumentException("key_rotation_days (" + r.keyRotationDays() + ") must be greater than"
                    + " key_overlap_days (" + r.keyOverlapDays() + "): a rotated-out key is accepted for the overlap,"
                    + " and the next rotation must not come before that ends");
        }
        if (r.autoRotate() && !r.supported().contains(Mode.B)) {
            throw new IllegalArgumentException("keys.auto_rotate = true needs mode_b in supported_modes: the"
                    + " announcement that tells the peers about new keys is signed with the ML-DSA-87 key, which a"
                    + " Mode A only node does not have");
        }
    }

    /**
     * The custody of an identity key: the configured one; else, with {@code keys.hsm_enabled} (or
     * {@code B4AE_HSM_ENABLED}) true, the PKCS#11 custody of token {@code keys.hsm_token} ({@code B4AE_HSM_TOKEN},
     * default B4AE), named {@code pkcs11:<token>} as the HSM bundle names it, and never a software one;
     * else empty (the best custody doing the algorithm).
     */
    static String custody(Map<String, ?> p, Map<String, String> e, String key) {
        String configured = str(p, key, "").trim();
        if (!configured.isEmpty()) {
            return configured;
        }
        String enabled = e.get("B4AE_HSM_ENABLED");
        if (enabled == null || enabled.isBlank()) {
            enabled = str(p, "keys.hsm_enabled", "false");
        }
        if (!Boolean.parseBoolean(enabled.trim())) {
            return "";
        }
        String token = e.get("B4AE_HSM_TOKEN");
        if (token == null || token.isBlank()) {
            token = str(p, "keys.hsm_token", "B4AE");
        }
        return "pkcs11:" + token.trim();
    }

    /** Seconds between audit summaries, 1 to 86400; -1 when not a whole number (the audit refuses to start). */
    private static long summaryInterval(Object v) {
        try {
            return Math.max(1, Math.min(86_400, Long.parseLong(String.valueOf(v == null ? "60" : v).trim())));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Supported modes from the configuration, overridden by B4AE_AUTH_MODE (mode_a, mode_b, both). */
    static Set<Mode> supported(String[] configured, String env) {
        Set<Mode> m = env != null && !env.isBlank() ? Mode.parseSet(env) : Mode.parseSet(configured);
        if (m.isEmpty()) {
            throw new IllegalArgumentException("supported_modes is empty; use mode_a, mode_b or both");
        }
        return m;
    }

    /** Cookie secret from a file, the configuration, or B4AE_COOKIE_SECRET (in that order); null: generated. */
    public static byte[] cookieSecret(String configured, String file, String env) {
        String text;
        if (file != null && !file.isBlank()) {
            try {
                text = Files.readString(Path.of(file.trim())).strip();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read cookie_secret_file " + file + ": " + e.getMessage());
            }
        } else if (configured != null && !configured.isBlank()) {
            text = configured.trim();
        } else {
            text = env == null || env.isBlank() ? null : env.trim();
        }
        if (text == null) {
            return null;
        }
        byte[] b;
        try {
            b = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cookie secret must be 64 hex digits (32 bytes)");
        }
        if (b.length != 32) {
            throw new IllegalArgumentException("cookie secret must be 64 hex digits (32 bytes), got " + b.length + " bytes");
        }
        return b;
    }

    /** The documented form of {@code peers}, for messages: one peer per key. */
    public static final String PEERS_FORM = "one peer per key: peers.1 = name=node2;address=10.0.0.2:4000;x25519=...;"
            + "mldsa87=... then peers.2 = ... (or peers.<name> = ...); in a typed .config file also"
            + " peers = [\"name=...\", \"name=...\"]";

    /**
     * The peers entries: the values of {@code peers} (a string, or an array or collection from a typed
     * {@code .config} file or a program) followed by the values of every {@code peers.<label>} key, in the
     * order of their labels (numbers by value, {@code peers.2} before {@code peers.10}). A Karaf {@code .cfg}
     * file holds only strings, so that is where several peers get one key each.
     */
    static List<String> peers(Map<String, ?> p) {
        List<String> out = list(strings(p, "peers", new String[0]));
        List<String> labels = new ArrayList<>();
        for (String k : p.keySet()) {
            if (k.startsWith("peers.") && k.length() > "peers.".length()) {
                labels.add(k.substring("peers.".length()));
            }
        }
        labels.sort(B4aeSettingsParser::compareLabels);
        for (String label : labels) {
            out.addAll(list(strings(p, "peers." + label, new String[0])));
        }
        return out;
    }

    private static int compareLabels(String a, String b) {
        boolean na = a.matches("\\d{1,9}");
        boolean nb = b.matches("\\d{1,9}");
        if (na && nb) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return na != nb ? (na ? -1 : 1) : a.compareTo(b);
    }

    private static List<String> list(String[] a) {
        List<String> out = new ArrayList<>();
        for (String s : a) {
            if (s != null && !s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** A document alias: its trimmed value when given and not blank, otherwise {@code otherwise}. */
    private static String alias(Map<String, ?> p, String key, String otherwise) {
        Object v = p.get(key);
        return v == null || String.valueOf(v).isBlank() ? otherwise : String.valueOf(v).trim();
    }

    // ---- typed reads of the typed configuration's properties, converted as Declarative Services does

    private static String str(Map<String, ?> p, String key, String def) {
        Object v = p.get(key);
        if (v == null) {
            return def;
        }
        if (v.getClass().isArray()) {
            return Array.getLength(v) == 0 ? def : String.valueOf(Array.get(v, 0));
        }
        return String.valueOf(v);
    }

    private static String[] strings(Map<String, ?> p, String key, String[] def) {
        Object v = p.get(key);
        if (v == null) {
            return def;
        }
        if (v.getClass().isArray()) {
            String[] out = new String[Array.getLength(v)];
            for (int i = 0; i < out.length; i++) {
                out[i] = String.valueOf(Array.get(v, i));
            }
            return out;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(v)};
    }

    private static int integer(Map<String, ?> p, String key, int def) {
        Object v = p.get(key);
        return v == null ? def : v instanceof Number n ? n.intValue() : Integer.parseInt(str(p, key, "").trim());
    }

    private static long longValue(Map<String, ?> p, String key, long def) {
        Object v = p.get(key);
        return v == null ? def : v instanceof Number n ? n.longValue() : Long.parseLong(str(p, key, "").trim());
    }

    /** A boolean that must be {@code true} or {@code false} (any case); anything else is refused. */
    private static boolean strictBool(Map<String, ?> p, String key, boolean def) {
        Object v = p.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean x) {
            return x;
        }
        String t = str(p, key, "").trim();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException(key + ": '" + t + "' is invalid; allowed: true, false");
    }

    /** A whole number from {@code min} to {@code max}; anything else is refused with the key and the range. */
    private static int ranged(Map<String, ?> p, String key, int def, int min, int max) {
        Object v = p.get(key);
        if (v == null) {
            return def;
        }
        String t = v instanceof Number n ? String.valueOf(n) : str(p, key, "").trim();
        long n;
        try {
            n = v instanceof Integer || v instanceof Long || v instanceof Short ? ((Number) v).longValue() : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + t + "' is invalid; allowed: an integer from " + min
                    + " to " + max);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": '" + t + "' is invalid; allowed: " + min + " to " + max);
        }
        return (int) n;
    }

    private static boolean bool(Map<String, ?> p, String key, boolean def) {
        Object v = p.get(key);
        return v == null ? def : v instanceof Boolean x ? x : Boolean.parseBoolean(str(p, key, "").trim());
    }
}
