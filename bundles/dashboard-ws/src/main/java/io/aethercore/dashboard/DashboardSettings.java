package io.aethercore.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code io.aethercore.dashboard} configuration, validated as a whole: every key takes effect or the
 * dashboard refuses to start and says which key and why (docs/dashboard.md, "Configuration").
 *
 * @param port HTTPS/WSS port (8443)
 * @param bindAddress address to listen on
 * @param wsPath path of the health WebSocket ({@code /mesh/health})
 * @param publicHost host name operators use ({@code websocket.url}'s host), or empty
 * @param pinnedRoot the federation root (PEM) the server certificate must chain to and client certificates
 *     are checked against; null: the federation root this node knows
 * @param keyStore PKCS#12 holding the dashboard key and its certificate chain
 * @param keyStorePasswordFile first line: the key store password
 * @param updateHz node and mesh updates per second at most
 * @param sweepHz rings per second of the Aetheric Sweep on the page
 * @param allowedOrigins origins accepted besides the dashboard's own
 * @param rpId the WebAuthn relying party id
 * @param sessionTtl operator session lifetime
 * @param maxClients WebSocket connections at most
 * @param telemetryBatch how long the pipeline gathers telemetry samples before it sends a batch
 * @param configJson the playbook's {@code config.json}, or null (its values were merged in already)
 */
public record DashboardSettings(int port, String bindAddress, String wsPath, String publicHost, Path pinnedRoot,
        Path keyStore, Path keyStorePasswordFile, int updateHz, int sweepHz, List<String> allowedOrigins, String rpId,
        Duration sessionTtl, int maxClients, Duration telemetryBatch, Path configJson) {

    public static final String PID = "io.aethercore.dashboard";

    static final Set<String> KEYS = Set.of("port", "bind_address", "websocket.url", "tls.min_version", "tls.pinned_cert",
            "tls.keystore", "tls.keystore_password_file", "update_frequency_hz", "aetheric_sweep_frequency_hz",
            "allowed_origins", "webauthn.rp_id", "session.ttl_minutes", "max_clients", "telemetry.batch_ms",
            "config_json");

    public DashboardSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The origins the dashboard accepts: its own (as reached by name, localhost or address) and the configured ones. */
    public Set<String> origins() {
        Set<String> o = new LinkedHashSet<>();
        String suffix = port == 443 ? "" : ":" + port;
        if (!publicHost.isEmpty()) {
            o.add("https://" + publicHost + suffix);
        }
        o.add("https://localhost" + suffix);
        o.add("https://" + rpId + suffix);
        o.addAll(allowedOrigins);
        return o;
    }

    static Path etc() {
        return Path.of(System.getProperty("karaf.etc", "etc"), "aethercore");
    }

    /** Parses the configuration; {@code config.json} (if present) is read and merged first. */
    public static DashboardSettings parse(Map<String, ?> props) {
        Set<String> problems = new TreeSet<>();
        Map<String, Object> p = new HashMap<>();
        for (Map.Entry<String, ?> e : props.entrySet()) {
            String k = e.getKey();
            if (KEYS.contains(k)) {
                p.put(k, e.getValue());
            } else if (!k.startsWith("service.") && !k.startsWith("component.") && !k.startsWith("felix.fileinstall.")
                    && !k.equals("osgi.ds.satisfying.condition.target") && !k.endsWith(".target")) {
                problems.add("unknown key '" + k + "' (known: " + new TreeSet<>(KEYS) + ")");
            }
        }
        Path configJson = null;
        Object cj = p.get("config_json");
        Path defaultJson = etc().resolve("dashboard").resolve("config.json");
        if (cj != null && !cj.toString().isBlank() || Files.isRegularFile(defaultJson)) {
            configJson = cj != null && !cj.toString().isBlank() ? Path.of(cj.toString().trim()) : defaultJson;
            mergeConfigJson(configJson, p, problems);
        }
        int port = intValue(p, "port", 8443, 1, 65535, problems);
        String bind = str(p, "bind_address", "0.0.0.0");
        String url = str(p, "websocket.url", "/mesh/health");
        String wsPath = "/mesh/health";
        String host = "";
        if (url.startsWith("/")) {
            wsPath = url;
        } else {
            try {
                URI u = new URI(url);
                if (!"wss".equals(u.getScheme()) || u.getHost() == null || u.getRawPath() == null
                        || !u.getRawPath().startsWith("/")) {
                    problems.add("websocket.url must be a path (/mesh/health) or wss://host/path, got '" + url + "'"
                            + ("ws".equals(u.getScheme()) ? ": plain ws:// is not offered, only TLS 1.3" : ""));
                } else {
                    wsPath = u.getRawPath();
                    host = u.getHost();
                    if (u.getPort() > 0 && u.getPort() != port) {
                        problems.add("websocket.url names port " + u.getPort() + " but the dashboard listens on " + port
                                + " (set port, or drop the port from the URL)");
                    }
                }
            } catch (URISyntaxException e) {
                problems.add("websocket.url is not a URL: " + e.getMessage());
            }
        }
        if (!wsPath.matches("/[A-Za-z0-9._~/-]{1,128}") || wsPath.startsWith("/auth/") || wsPath.equals("/")) {
            problems.add("websocket.url path '" + wsPath + "' must be an absolute path of letters, digits, . _ ~ / -"
                    + " outside /auth/");
        }
        String tls = str(p, "tls.min_version", "TLSv1.3");
        if (!tls.equals("TLSv1.3") && !tls.equals("1.3")) {
            problems.add("tls.min_version '" + tls + "' is not offered: the dashboard speaks TLS 1.3 only"
                    + " (TLSv1.3)");
        }
        String pinned = str(p, "tls.pinned_cert", "");
        Path pinnedRoot = pinned.isEmpty() ? null : Path.of(pinned);
        if (pinnedRoot != null && !Files.isReadable(pinnedRoot)) {
            problems.add("tls.pinned_cert " + pinnedRoot + " is not a readable file");
        }
        Path ks = Path.of(str(p, "tls.keystore", etc().resolve("dashboard.p12").toString()));
        Path ksPw = Path.of(str(p, "tls.keystore_password_file", ks + ".password"));
        int updateHz = intValue(p, "update_frequency_hz", 1, 1, 60, problems);
        int sweepHz = intValue(p, "aetheric_sweep_frequency_hz", 10, 1, 60, problems);
        List<String> origins = new ArrayList<>();
        for (String o : str(p, "allowed_origins", "").split(",")) {
            String t = o.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.matches("https://[A-Za-z0-9.\\[\\]:-]+")) {
                problems.add("allowed_origins entry '" + t + "' must be https://host[:port] (no path)");
            }
            origins.add(t);
        }
        String rpId = str(p, "webauthn.rp_id", host.isEmpty() ? "localhost" : host);
        if (!rpId.matches("[A-Za-z0-9.-]{1,253}") || rpId.matches("[0-9.]+")) {
            problems.add("webauthn.rp_id '" + rpId + "' must be a host name (WebAuthn does not accept IP addresses)");
        }
        int ttl = intValue(p, "session.ttl_minutes", 15, 1, 720, problems);
        int maxClients = intValue(p, "max_clients", 64, 1, 4096, problems);
        int batchMs = intValue(p, "telemetry.batch_ms", 2, 1, 1000, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " refused: " + String.join("; ", problems));
        }
        return new DashboardSettings(port, bind, wsPath, host, pinnedRoot, ks, ksPw, updateHz, sweepHz, origins, rpId,
                Duration.ofMinutes(ttl), maxClients, Duration.ofMillis(batchMs), configJson);
    }

    /**
     * Reads the playbook's {@code config.json} ({@code websocket.url}, {@code websocket.tls.pinned_cert},
     * {@code websocket.tls.min_version}, {@code update_frequency_hz}, {@code aetheric_sweep_frequency_hz}) into
     * {@code p}. A key set both there and in the PID with a different value is refused.
     */
    static void mergeConfigJson(Path file, Map<String, Object> p, Set<String> problems) {
        JsonNode root;
        try {
            if (Files.size(file) > 64 * 1024) {
                problems.add(file + " is larger than 64 KiB");
                return;
            }
            root = JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            problems.add("cannot read " + file + ": " + e.getMessage());
            return;
        }
        if (root == null || !root.isObject()) {
            problems.add(file + " must hold a JSON object");
            return;
        }
        Map<String, String> flat = new HashMap<>();
        flatten("", root, flat, file, problems);
        for (Map.Entry<String, String> e : flat.entrySet()) {
            String key = switch (e.getKey()) {
                case "websocket.url" -> "websocket.url";
                case "websocket.tls.pinned_cert" -> "tls.pinned_cert";
                case "websocket.tls.min_version" -> "tls.min_version";
                case "update_frequency_hz", "aetheric_sweep_frequency_hz" -> e.getKey();
                default -> null;
            };
            if (key == null) {
                problems.add(file + ": unknown key '" + e.getKey() + "' (known: websocket.url, websocket.tls.pinned_cert,"
                        + " websocket.tls.min_version, update_frequency_hz, aetheric_sweep_frequency_hz)");
                continue;
            }
            Object mine = p.get(key);
            // an empty value in the PID (the shipped cfg lists every key) is no setting: config.json's wins
            if (mine != null && !mine.toString().isBlank() && !mine.toString().trim().equals(e.getValue())) {
                problems.add(key + " is '" + mine + "' in " + PID + " but '" + e.getValue() + "' in " + file
                        + ": set it in one place");
                continue;
            }
            p.put(key, e.getValue());
        }
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out, Path file, Set<String> problems) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(k, v, out, file, problems);
            } else if (v.isString() || v.isNumber() || v.isBoolean()) {
                out.put(k, v.asString());
            } else {
                problems.add(file + ": '" + k + "' must be a string or a number");
            }
        }
    }

    private static String str(Map<String, ?> p, String key, String def) {
        Object v = p.get(key);
        return v == null || v.toString().isBlank() ? def : v.toString().trim();
    }

    private static int intValue(Map<String, ?> p, String key, int def, int min, int max, Set<String> problems) {
        String s = str(p, key, String.valueOf(def));
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                problems.add(key + " must be " + min + " to " + max + ", got " + v);
                return def;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(key + " is not a whole number: '" + s + "'");
            return def;
        }
    }
}
