package io.aethercore.b4ae.internal.config;

import io.aethercore.b4ae.internal.padding.Padme;
import io.aethercore.b4ae.internal.scheduler.Profile;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import java.lang.reflect.Array;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every B4AE configuration key of docs/configuration.md ("Every key of the document"), read from ConfigAdmin properties as flat
 * {@code section.key} names ({@code global_scheduler.target_rate}), plus a few of ours (marked in
 * {@code docs/configuration.md}). Defaults are the document's values, except for secrets (the cookie secret is
 * generated when not given; the HSM PIN comes only from {@code B4AE_HSM_PIN}).
 *
 * <p>Precedence, lowest first: the profile preset of {@code global_scheduler.profile}; the keys given; the
 * environment ({@code B4AE_MODE} applies its preset over the keys, then {@code B4AE_SCHEDULER_RATE} and
 * {@code B4AE_DUMMY_RATE}, {@code B4AE_AUTH_MODE}, {@code B4AE_COOKIE_SECRET}, {@code B4AE_HSM_*}). Every
 * invalid value is reported, each with its key, the allowed range and, when it came from the environment, the
 * variable's name.
 *
 * <p>Immutable; {@link #toString()} never shows a secret.
 */
public final class B4aeConfig {

    /** A cookie secret published in the B4AE v2 deployment example: public, so refused (docs/configuration.md). */
    static final String DOCUMENT_EXAMPLE_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** Sections of the document; keys under them that we do not know are reported by {@link #warnings()}. */
    public static final Set<String> SECTIONS = Set.of("protocol", "authentication", "cookie_challenge",
            "global_scheduler", "padding", "metadata_protection", "keys", "audit", "monitoring", "network");

    /** Every key we read, with its default as a string ({@code null}: no default / generated). */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("protocol.version", "2.0");
        k.put("authentication.supported_modes", "mode_a,mode_b");
        k.put("authentication.preferred_mode", "mode_b");
        k.put("cookie_challenge.secret", null);
        k.put("cookie_challenge.bloom_filter_size", "1000000");
        k.put("cookie_challenge.expiry_seconds", "30");
        k.put("global_scheduler.profile", "balanced");
        k.put("global_scheduler.target_rate", "100.0");
        k.put("global_scheduler.dummy_rate", "0.2");
        k.put("global_scheduler.constant_rate", "true");
        k.put("global_scheduler.max_queue_latency_ms", "5.0");
        k.put("global_scheduler.max_queue_size", "10000");
        k.put("padding.min_bucket_size", "1024");
        k.put("padding.max_bucket_size", "16384");
        k.put("padding.bucket_multiplier", "2.0");
        k.put("metadata_protection.cover_traffic_rate", "0.2");
        k.put("metadata_protection.timing_delay_min_ms", "50");
        k.put("metadata_protection.timing_delay_max_ms", "500");
        k.put("metadata_protection.traffic_shaping_enabled", "true");
        k.put("keys.storage_path", "/var/lib/b4ae/keys");
        k.put("keys.hsm_enabled", "false");
        k.put("keys.hsm_token", "B4AE");
        k.put("keys.hsm_pin", "");
        k.put("audit.enabled", "true");
        k.put("audit.sink", "syslog");
        k.put("audit.syslog_endpoint", "localhost:514");
        k.put("audit.file_path", "/var/log/b4ae/audit.log");
        k.put("audit.hash_identities", "true");
        k.put("audit.summary_interval_s", "60");   // ours: cookie/DoS counts go to the audit log as summaries
        k.put("monitoring.metrics_enabled", "true");
        k.put("monitoring.metrics_port", "9090");
        k.put("monitoring.metrics_path", "/metrics");
        k.put("monitoring.metrics_bind_address", "127.0.0.1");
        k.put("monitoring.tls_enabled", "false");
        k.put("monitoring.tls_keystore_path", "");
        k.put("monitoring.tls_keystore_type", "PKCS12");
        k.put("monitoring.tls_keystore_password_file", "");
        k.put("network.listen_address", "0.0.0.0:4000");
        k.put("network.elara_enabled", "true");
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    /**
     * Other names of keys (the B4AE document's troubleshooting section and its client example use the
     * TrafficSchedulerConfig field names): each stands for its key; giving both with different values is refused.
     */
    public static final Map<String, String> ALIASES = Map.of(
            "global_scheduler.target_rate_msgs_per_sec", "global_scheduler.target_rate",
            "target_rate_msgs_per_sec", "global_scheduler.target_rate",
            "global_scheduler.dummy_message_rate", "global_scheduler.dummy_rate",
            "dummy_message_rate", "global_scheduler.dummy_rate",
            "global_scheduler.constant_rate_mode", "global_scheduler.constant_rate",
            "constant_rate_mode", "global_scheduler.constant_rate");

    /** Keys of ours beside the document's, read by the endpoint (B4aeSettingsParser): not unknown. */
    static final Set<String> ENDPOINT_KEYS = Set.of("keys.auto_rotate", "cookie_challenge.rotation_hours");

    /** The audit keys of the document: B4AE does not own a sink, the audit bundle does (refused with a hint). */
    static final Map<String, String> AUDIT_SINK_HINTS = Map.of(
            "audit.sink", "configure one file per sink instead: etc/io.aethercore.audit.sink.syslog-<name>.cfg,"
                    + " etc/io.aethercore.audit.sink.file-<name>.cfg or etc/io.aethercore.audit.sink.siem-<name>.cfg",
            "audit.syslog_endpoint", "set endpoint = host:port in etc/io.aethercore.audit.sink.syslog-<name>.cfg",
            "audit.file_path", "set path = ... in etc/io.aethercore.audit.sink.file-<name>.cfg");

    public static final Map<String, String> ENV = Map.of(
            "B4AE_MODE", "global_scheduler.profile",
            "B4AE_AUTH_MODE", "authentication.supported_modes",
            "B4AE_SCHEDULER_RATE", "global_scheduler.target_rate",
            "B4AE_DUMMY_RATE", "global_scheduler.dummy_rate",
            "B4AE_COOKIE_SECRET", "cookie_challenge.secret",
            "B4AE_HSM_ENABLED", "keys.hsm_enabled",
            "B4AE_HSM_TOKEN", "keys.hsm_token",
            "B4AE_HSM_PIN", "keys.hsm_pin");

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+):(\\d{1,5})$");
    private static final Pattern METRICS_PATH = Pattern.compile("^/[A-Za-z0-9/_.\\-]{0,63}$");

    // values
    private final String protocolVersion;
    private final List<String> supportedModes;
    private final String preferredMode;
    private final byte[] cookieSecret;
    private final boolean cookieSecretGenerated;
    private final int bloomFilterSize;
    private final int cookieExpirySeconds;
    private final SchedulerSettings scheduler;
    private final int minBucketSize;
    private final int maxBucketSize;
    private final double bucketMultiplier;
    private final String keyStoragePath;
    private final boolean hsmEnabled;
    private final String hsmToken;
    private final char[] hsmPin;
    private final boolean auditEnabled;
    private final String auditSink;
    private final String auditSyslogEndpoint;
    private final String auditFilePath;
    private final boolean hashIdentities;
    private final boolean metricsEnabled;
    private final int metricsPort;
    private final String metricsPath;
    private final String metricsBindAddress;
    private final boolean tlsEnabled;
    private final String tlsKeystorePath;
    private final String tlsKeystoreType;
    private final String tlsKeystorePasswordFile;
    private final String listenAddress;
    private final boolean elaraEnabled;
    private final List<String> warnings;
    private final Map<String, String> sources;

    /** The properties with every alias replaced by its key; a conflict is reported as a problem. */
    private static Map<String, Object> resolveAliases(Map<String, ?> props, List<String> problems) {
        Map<String, Object> out = new LinkedHashMap<>(props);
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            Object v = out.remove(a.getKey());
            if (v == null) {
                continue;
            }
            Object existing = out.get(a.getValue());
            if (existing != null && !Reader.stringOf(existing).trim().equals(Reader.stringOf(v).trim())) {
                problems.add(a.getKey() + ": '" + Reader.stringOf(v) + "' conflicts with " + a.getValue() + " = '"
                        + Reader.stringOf(existing) + "'; give one of them");
                continue;
            }
            out.put(a.getValue(), v);
        }
        return out;
    }

    private B4aeConfig(Reader r) {
        protocolVersion = r.string("protocol.version");
        if (!"2.0".equals(protocolVersion)) {
            r.problem("protocol.version", protocolVersion, "allowed: 2.0");
        }
        // authentication
        List<String> modes = r.list("authentication.supported_modes");
        String preferred = r.string("authentication.preferred_mode");
        String auth = r.env("B4AE_AUTH_MODE");
        if (auth != null) {
            switch (auth.trim().toLowerCase(Locale.ROOT)) {
                case "mode_a" -> { modes = List.of("mode_a"); preferred = "mode_a"; }
                case "mode_b" -> { modes = List.of("mode_b"); preferred = "mode_b"; }
                case "both" -> modes = List.of("mode_a", "mode_b");
                default -> r.problem("authentication.supported_modes", auth, "allowed: mode_a, mode_b, both");
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String m : modes) {
            if (!m.equals("mode_a") && !m.equals("mode_b")) {
                r.problem("authentication.supported_modes", m, "allowed: a non-empty list of mode_a, mode_b");
            }
            seen.add(m);
        }
        if (seen.isEmpty()) {
            r.problem("authentication.supported_modes", "", "allowed: a non-empty list of mode_a, mode_b");
        }
        supportedModes = List.copyOf(seen);
        if (!seen.contains(preferred)) {
            if (r.given("authentication.preferred_mode")) {
                r.problem("authentication.preferred_mode", preferred, "allowed: one of supported_modes " + seen);
            }
            preferred = seen.isEmpty() ? "mode_a" : seen.iterator().next();
        }
        preferredMode = preferred;
        // cookie challenge
        String secret = r.secret("cookie_challenge.secret");
        if (secret == null || secret.isEmpty()) {
            cookieSecret = new byte[32];
            new SecureRandom().nextBytes(cookieSecret);
            cookieSecretGenerated = true;
        } else {
            cookieSecretGenerated = false;
            byte[] parsed = null;
            if (secret.length() == 64) {
                try {
                    parsed = HexFormat.of().parseHex(secret);
                } catch (IllegalArgumentException e) {
                    parsed = null;
                }
            }
            if (parsed == null) {
                r.problem("cookie_challenge.secret", "(hidden, " + secret.length() + " chars)",
                        "allowed: 64 hex digits (32 bytes), e.g. from 'openssl rand -hex 32'");
                parsed = new byte[32];
            } else if (secret.equalsIgnoreCase(DOCUMENT_EXAMPLE_SECRET)) {
                r.problem("cookie_challenge.secret", "(the published example)",
                        "allowed: a secret of your own, 'openssl rand -hex 32'");
            }
            cookieSecret = parsed;
        }
        bloomFilterSize = r.integer("cookie_challenge.bloom_filter_size", 1_000, 100_000_000);
        cookieExpirySeconds = r.integer("cookie_challenge.expiry_seconds", 1, 3_600);
        // scheduler: preset, keys, env preset, env rates
        Profile profile = r.profile("global_scheduler.profile", false);
        double rate = profile.targetRate();
        double dummy = profile.dummyRate();
        double latency = profile.maxQueueLatencyMs();
        if (r.given("global_scheduler.target_rate")) {
            rate = r.decimal("global_scheduler.target_rate", 10, 1000);
        }
        if (r.given("global_scheduler.dummy_rate")) {
            dummy = r.decimal("global_scheduler.dummy_rate", 0, 1);
        }
        if (r.given("global_scheduler.max_queue_latency_ms")) {
            latency = r.decimal("global_scheduler.max_queue_latency_ms", 0.1, 10_000);
        }
        String profileName = profile.id();
        if (r.env("B4AE_MODE") != null) {
            Profile p = r.profile("global_scheduler.profile", true);
            rate = p.targetRate();
            dummy = p.dummyRate();
            latency = p.maxQueueLatencyMs();
            profileName = p.id();
        }
        if (r.env("B4AE_SCHEDULER_RATE") != null) {
            rate = r.decimal("global_scheduler.target_rate", 10, 1000);
            profileName = "custom";
        }
        if (r.env("B4AE_DUMMY_RATE") != null) {
            dummy = r.decimal("global_scheduler.dummy_rate", 0, 1);
            profileName = "custom";
        }
        if (profileName.equals(profile.id()) && r.env("B4AE_MODE") == null
                && (rate != profile.targetRate() || dummy != profile.dummyRate() || latency != profile.maxQueueLatencyMs())) {
            profileName = "custom";
        }
        boolean constant = r.bool("global_scheduler.constant_rate");
        int maxQueue = r.integer("global_scheduler.max_queue_size", 1, 1_000_000);
        double cover = r.decimal("metadata_protection.cover_traffic_rate", 0, 1);
        long delayMin = r.integer("metadata_protection.timing_delay_min_ms", 0, 60_000);
        long delayMax = r.integer("metadata_protection.timing_delay_max_ms", 0, 60_000);
        if (delayMax < delayMin) {
            r.problem("metadata_protection.timing_delay_max_ms", Long.toString(delayMax),
                    "allowed: timing_delay_min_ms (" + delayMin + ") to 60000");
            delayMax = delayMin;
        }
        boolean shaping = r.bool("metadata_protection.traffic_shaping_enabled");
        SchedulerSettings sched = null;
        try {
            sched = new SchedulerSettings(profileName, rate, dummy, constant, latency, cover, delayMin, delayMax,
                    shaping, maxQueue);
        } catch (IllegalArgumentException e) {
            r.problems.add("global_scheduler: " + e.getMessage());
        }
        scheduler = sched;
        // padding
        minBucketSize = r.integer("padding.min_bucket_size", 64, 65_000);
        maxBucketSize = r.integer("padding.max_bucket_size", 64, 65_000);
        if (maxBucketSize < minBucketSize) {
            r.problem("padding.max_bucket_size", Integer.toString(maxBucketSize),
                    "allowed: min_bucket_size (" + minBucketSize + ") to 65000");
        }
        bucketMultiplier = r.decimal("padding.bucket_multiplier", 1.0, 16.0);
        // keys
        keyStoragePath = r.nonEmpty("keys.storage_path");
        hsmEnabled = r.bool("keys.hsm_enabled");
        hsmToken = r.string("keys.hsm_token");
        if (hsmToken.length() > 32 || hsmEnabled && hsmToken.isEmpty()) {
            r.problem("keys.hsm_token", hsmToken, "allowed: a PKCS#11 token label of 1 to 32 characters");
        }
        if (r.given("keys.hsm_pin") && !Reader.stringOf(r.props.get("keys.hsm_pin")).isEmpty()) {
            r.problems.add("keys.hsm_pin: must not be stored in the configuration; set the environment variable B4AE_HSM_PIN");
        }
        String pin = r.env("B4AE_HSM_PIN");
        hsmPin = pin == null ? new char[0] : pin.toCharArray();
        // audit
        auditEnabled = r.bool("audit.enabled");
        auditSink = r.oneOf("audit.sink", "syslog", "file", "siem");
        auditSyslogEndpoint = r.hostPort("audit.syslog_endpoint");
        auditFilePath = r.nonEmpty("audit.file_path");
        hashIdentities = r.bool("audit.hash_identities");
        for (Map.Entry<String, String> k : AUDIT_SINK_HINTS.entrySet()) {
            if (r.given(k.getKey())) {       // validated above, and then refused rather than silently ignored
                r.problems.add(k.getKey() + ": not used by B4AE (its records go to the node's signed audit log,"
                        + " which feeds the audit bundle's sinks); " + k.getValue() + ", and remove " + k.getKey());
            }
        }
        r.integer("audit.summary_interval_s", 1, 86_400);
        // monitoring
        metricsEnabled = r.bool("monitoring.metrics_enabled");
        metricsPort = r.integer("monitoring.metrics_port", 0, 65_535);
        metricsPath = r.string("monitoring.metrics_path");
        if (!METRICS_PATH.matcher(metricsPath).matches()) {
            r.problem("monitoring.metrics_path", metricsPath,
                    "allowed: a path starting with '/', letters, digits, / _ . - only, at most 64 characters");
        }
        metricsBindAddress = r.nonEmpty("monitoring.metrics_bind_address");
        tlsEnabled = r.bool("monitoring.tls_enabled");
        tlsKeystorePath = r.string("monitoring.tls_keystore_path");
        tlsKeystoreType = r.oneOf("monitoring.tls_keystore_type", "PKCS12", "JKS");
        tlsKeystorePasswordFile = r.string("monitoring.tls_keystore_password_file");
        if (tlsEnabled && (tlsKeystorePath.isEmpty() || tlsKeystorePasswordFile.isEmpty())) {
            r.problems.add("monitoring.tls_enabled: true needs monitoring.tls_keystore_path and "
                    + "monitoring.tls_keystore_password_file (a file holding the keystore password)");
        }
        // network
        listenAddress = r.hostPort("network.listen_address");
        elaraEnabled = r.bool("network.elara_enabled");

        warnings = List.copyOf(r.warnings);
        sources = Map.copyOf(r.sources);
        if (!r.problems.isEmpty()) {
            throw new B4aeConfigException(r.problems);
        }
    }

    /**
     * Reads and validates a configuration.
     *
     * @param properties ConfigAdmin properties (flat {@code section.key} names; other keys are ignored)
     * @param env        the environment, {@code System.getenv()} in production
     * @throws B4aeConfigException listing every invalid value
     */
    public static B4aeConfig parse(Map<String, ?> properties, Map<String, String> env) {
        List<String> aliasProblems = new ArrayList<>();
        Map<String, Object> props = resolveAliases(properties == null ? Map.of() : properties, aliasProblems);
        Reader r = new Reader(props, env == null ? Map.of() : env);
        r.problems.addAll(aliasProblems);
        return new B4aeConfig(r);
    }

    public static B4aeConfig defaults() {
        return parse(Map.of(), Map.of());
    }

    public String protocolVersion() { return protocolVersion; }
    public List<String> supportedModes() { return supportedModes; }
    public String preferredMode() { return preferredMode; }
    /** 32 bytes; a copy. */
    public byte[] cookieSecret() { return cookieSecret.clone(); }
    public boolean cookieSecretGenerated() { return cookieSecretGenerated; }
    public int bloomFilterSize() { return bloomFilterSize; }
    public int cookieExpirySeconds() { return cookieExpirySeconds; }
    public SchedulerSettings scheduler() { return scheduler; }
    public int minBucketSize() { return minBucketSize; }
    public int maxBucketSize() { return maxBucketSize; }
    /** Accepted for compatibility with the document; PADMÉ has no multiplier, see docs/configuration.md. */
    public double bucketMultiplier() { return bucketMultiplier; }
    public Padme padme() { return new Padme(minBucketSize, maxBucketSize); }
    public String keyStoragePath() { return keyStoragePath; }
    public boolean hsmEnabled() { return hsmEnabled; }
    public String hsmToken() { return hsmToken; }
    /** A copy; empty when {@code B4AE_HSM_PIN} is not set. */
    public char[] hsmPin() { return hsmPin.clone(); }
    public boolean auditEnabled() { return auditEnabled; }
    public String auditSink() { return auditSink; }
    public String auditSyslogEndpoint() { return auditSyslogEndpoint; }
    public String auditFilePath() { return auditFilePath; }
    public boolean hashIdentities() { return hashIdentities; }
    public boolean metricsEnabled() { return metricsEnabled; }
    public int metricsPort() { return metricsPort; }
    public String metricsPath() { return metricsPath; }
    public String metricsBindAddress() { return metricsBindAddress; }
    public boolean tlsEnabled() { return tlsEnabled; }
    public String tlsKeystorePath() { return tlsKeystorePath; }
    public String tlsKeystoreType() { return tlsKeystoreType; }
    public String tlsKeystorePasswordFile() { return tlsKeystorePasswordFile; }
    public String listenAddress() { return listenAddress; }
    public boolean elaraEnabled() { return elaraEnabled; }
    /** Unknown keys in the document's sections (likely typos); they are ignored. */
    public List<String> warnings() { return warnings; }
    /** Where each key's value came from: {@code default}, {@code config} or the environment variable. */
    public String source(String key) { return sources.getOrDefault(key, "default"); }

    @Override
    public String toString() {
        return "B4aeConfig[profile=" + (scheduler == null ? "?" : scheduler.profile()) + ", modes=" + supportedModes
                + ", preferred=" + preferredMode + ", cookieSecret=(hidden" + (cookieSecretGenerated ? ", generated" : "")
                + "), scheduler=" + scheduler + ", padding=" + minBucketSize + ".." + maxBucketSize
                + ", hsm=" + hsmEnabled + "/" + hsmToken + ", hsmPin=(hidden), audit=" + auditEnabled + "/" + auditSink
                + ", metrics=" + metricsEnabled + " " + metricsBindAddress + ":" + metricsPort + metricsPath
                + (tlsEnabled ? " tls" : "") + ", listen=" + listenAddress + "]";
    }

    // ------------------------------------------------------------------ reading and checking

    private static final class Reader {
        final Map<String, ?> props;
        final Map<String, String> envMap;
        final List<String> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Map<String, String> sources = new LinkedHashMap<>();

        Reader(Map<String, ?> props, Map<String, String> env) {
            this.props = props;
            this.envMap = env;
            for (String key : props.keySet()) {
                int dot = key.indexOf('.');
                if (dot > 0 && SECTIONS.contains(key.substring(0, dot)) && !KEYS.containsKey(key)
                        && !ENDPOINT_KEYS.contains(key)) {
                    warnings.add("unknown key " + key + " ignored");
                }
            }
        }

        String env(String name) {
            String v = envMap.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        boolean given(String key) {
            return props.get(key) != null;
        }

        /** The raw value: environment first (for the keys an env var maps to), then config, then default. */
        String raw(String key) {
            for (Map.Entry<String, String> e : ENV.entrySet()) {
                if (e.getValue().equals(key) && !e.getKey().equals("B4AE_AUTH_MODE") && !e.getKey().equals("B4AE_MODE")
                        && env(e.getKey()) != null) {
                    sources.put(key, e.getKey());
                    return env(e.getKey());
                }
            }
            Object v = props.get(key);
            if (v != null) {
                sources.put(key, "config");
                return stringOf(v);
            }
            return KEYS.get(key);
        }

        static String stringOf(Object v) {
            if (v.getClass().isArray()) {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < Array.getLength(v); i++) {
                    parts.add(String.valueOf(Array.get(v, i)));
                }
                return String.join(",", parts);
            }
            if (v instanceof Collection<?> c) {
                List<String> parts = new ArrayList<>();
                c.forEach(o -> parts.add(String.valueOf(o)));
                return String.join(",", parts);
            }
            return String.valueOf(v).trim();
        }

        String origin(String key) {
            String s = sources.get(key);
            return s == null || s.equals("config") ? "" : " (from " + s + ")";
        }

        void problem(String key, String value, String allowed) {
            String p = key + origin(key) + ": '" + value + "' is invalid; " + allowed;
            if (!problems.contains(p)) {
                problems.add(p);
            }
        }

        String string(String key) {
            String v = raw(key);
            return v == null ? "" : v.trim();
        }

        String secret(String key) {
            return raw(key);
        }

        String nonEmpty(String key) {
            String v = string(key);
            if (v.isEmpty()) {
                problem(key, v, "allowed: a non-empty value");
            }
            return v;
        }

        List<String> list(String key) {
            List<String> out = new ArrayList<>();
            for (String p : string(key).replace("[", "").replace("]", "").replace("\"", "").split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim().toLowerCase(Locale.ROOT));
                }
            }
            return out;
        }

        boolean bool(String key) {
            String v = string(key).toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return true;
            }
            if (!v.equals("false")) {
                problem(key, v, "allowed: true, false");
            }
            return false;
        }

        int integer(String key, int min, int max) {
            String v = string(key);
            try {
                long n = Long.parseLong(v.endsWith(".0") ? v.substring(0, v.length() - 2) : v);
                if (n < min || n > max) {
                    problem(key, v, "allowed: " + min + " to " + max);
                    return min;
                }
                return (int) n;
            } catch (NumberFormatException e) {
                problem(key, v, "allowed: an integer from " + min + " to " + max);
                return min;
            }
        }

        double decimal(String key, double min, double max) {
            String v = string(key);
            try {
                double d = Double.parseDouble(v);
                if (!(d >= min && d <= max)) {
                    problem(key, v, "allowed: " + fmt(min) + " to " + fmt(max));
                    return min;
                }
                return d;
            } catch (NumberFormatException e) {
                problem(key, v, "allowed: a number from " + fmt(min) + " to " + fmt(max));
                return min;
            }
        }

        static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }

        String oneOf(String key, String... allowed) {
            String v = string(key);
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            problem(key, v, "allowed: " + String.join(", ", allowed));
            return allowed[0];
        }

        String hostPort(String key) {
            String v = string(key);
            var m = HOST_PORT.matcher(v);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65_535) {
                problem(key, v, "allowed: host:port with a port from 1 to 65535");
            }
            return v;
        }

        Profile profile(String key, boolean fromEnv) {
            String v = fromEnv ? env("B4AE_MODE") : string(key);
            if (fromEnv) {
                sources.put(key, "B4AE_MODE");
            }
            try {
                return Profile.parse(v);
            } catch (IllegalArgumentException e) {
                problem(key, v, "allowed: low_overhead, balanced, high_security");
                return Profile.BALANCED;
            }
        }
    }
}
