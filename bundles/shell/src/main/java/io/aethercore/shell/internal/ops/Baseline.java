package io.aethercore.shell.internal.ops;

import io.aethercore.support.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The baseline of playbook Step 8.2 (aether:export-baseline), its JSON form (docs/baseline.md) and the
 * comparison with an older one. Numbers are integers: throughput in bytes per second, latency in
 * nanoseconds. Reading is strict and bounded: a file that is not a baseline of a known schema version is
 * refused with the field that is wrong.
 */
public record Baseline(String created, String node, List<Figure> bench, Mesh mesh, Pcrs pcrs, Versions versions,
        Map<String, ConfigDigest> config) {

    public static final String SCHEMA = "aethercore-baseline";
    public static final int SCHEMA_VERSION = 1;
    /** The largest file {@link #read} accepts. */
    public static final long MAX_BYTES = 1 << 20;
    /** Default regression threshold: a bench figure worse by more than this percentage. */
    public static final int DEFAULT_THRESHOLD_PERCENT = 25;

    public Baseline {
        Objects.requireNonNull(created, "created");
        node = node == null ? "" : node;
        bench = List.copyOf(bench);
        config = new TreeMap<>(config);
    }

    /** One bench figure: {@code unit} is {@code bytes/s} (higher is better) or {@code ns} (lower is better). */
    public record Figure(String id, String operation, String unit, Long value, String verdict, String provider) {
        public boolean higherIsBetter() {
            return unit.equals("bytes/s");
        }

        public static Figure of(Bench.Row r) {
            Long v = null;
            if (r.measured()) {
                v = r.band().unit().equals("MB/s") ? Math.round(r.value() * 1e6) : Math.round(r.value());
            }
            return new Figure(r.id(), r.band().operation(), r.band().unit().equals("MB/s") ? "bytes/s" : "ns", v,
                    r.measured() ? r.verdict().name().toLowerCase(Locale.ROOT) : "not-measured", r.provider());
        }
    }

    /** Mesh figures; {@code present} false when no mesh service runs (then the rest is empty). */
    public record Mesh(boolean present, String state, long gospelSize, String gospelRoot, long nodes,
            Map<String, Long> nodeStates) {
        public Mesh {
            state = state == null ? "" : state;
            gospelRoot = gospelRoot == null ? "" : gospelRoot;
            nodeStates = new TreeMap<>(nodeStates);
        }

        public static Mesh none() {
            return new Mesh(false, "", 0, "", 0, Map.of());
        }
    }

    /** PCR values (hex) by index, from the TPM; {@code source} "none" and a reason when no TPM serves. */
    public record Pcrs(String source, String bank, Map<String, String> values, String reason) {
        public Pcrs {
            bank = bank == null ? "" : bank;
            values = new TreeMap<>(values);
            reason = reason == null ? "" : reason;
        }
    }

    public record Versions(String jdk, String karaf, String aethercore, Map<String, String> bundles) {
        public Versions {
            bundles = new TreeMap<>(bundles);
        }
    }

    /** SHA-256 of a configuration file with the values of secret-named keys masked, and those keys. */
    public record ConfigDigest(String sha256, List<String> maskedKeys) {
        public ConfigDigest {
            maskedKeys = List.copyOf(maskedKeys);
        }
    }

    // ---- JSON ----

    public String toJson() {
        StringBuilder b = new StringBuilder(4096);
        b.append("{\n  \"schema\": ").append(Json.quote(SCHEMA)).append(",\n  \"schema_version\": ").append(SCHEMA_VERSION)
                .append(",\n  \"created\": ").append(Json.quote(created)).append(",\n  \"node\": ").append(Json.quote(node))
                .append(",\n  \"bench\": [");
        for (int i = 0; i < bench.size(); i++) {
            Figure f = bench.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(Json.quote(f.id()))
                    .append(", \"operation\": ").append(Json.quote(f.operation()))
                    .append(", \"unit\": ").append(Json.quote(f.unit()))
                    .append(", \"value\": ").append(f.value() == null ? "null" : f.value().toString())
                    .append(", \"verdict\": ").append(Json.quote(f.verdict()))
                    .append(", \"provider\": ").append(Json.quote(f.provider())).append('}');
        }
        b.append("\n  ],\n  \"mesh\": {\"present\": ").append(mesh.present()).append(", \"state\": ").append(Json.quote(mesh.state()))
                .append(", \"gospel_size\": ").append(mesh.gospelSize()).append(", \"gospel_root\": ").append(Json.quote(mesh.gospelRoot()))
                .append(", \"nodes\": ").append(mesh.nodes()).append(", \"node_states\": ");
        object(b, mesh.nodeStates(), v -> v.toString());
        b.append("},\n  \"pcrs\": {\"source\": ").append(Json.quote(pcrs.source())).append(", \"bank\": ").append(Json.quote(pcrs.bank()))
                .append(", \"reason\": ").append(Json.quote(pcrs.reason())).append(", \"values\": ");
        object(b, pcrs.values(), Json::quote);
        b.append("},\n  \"versions\": {\"jdk\": ").append(Json.quote(versions.jdk())).append(", \"karaf\": ")
                .append(Json.quote(versions.karaf())).append(", \"aethercore\": ").append(Json.quote(versions.aethercore()))
                .append(",\n    \"bundles\": ");
        object(b, versions.bundles(), Json::quote);
        b.append("},\n  \"config\": {");
        int i = 0;
        for (Map.Entry<String, ConfigDigest> e : config.entrySet()) {
            b.append(i++ == 0 ? "\n" : ",\n").append("    ").append(Json.quote(e.getKey())).append(": {\"sha256\": ")
                    .append(Json.quote(e.getValue().sha256())).append(", \"masked_keys\": [");
            List<String> keys = e.getValue().maskedKeys();
            for (int k = 0; k < keys.size(); k++) {
                b.append(k == 0 ? "" : ", ").append(Json.quote(keys.get(k)));
            }
            b.append("]}");
        }
        return b.append(config.isEmpty() ? "}\n}\n" : "\n  }\n}\n").toString();
    }

    private static <V> void object(StringBuilder b, Map<String, V> m, java.util.function.Function<V, String> value) {
        b.append('{');
        int i = 0;
        for (Map.Entry<String, V> e : m.entrySet()) {
            b.append(i++ == 0 ? "" : ", ").append(Json.quote(e.getKey())).append(": ").append(value.apply(e.getValue()));
        }
        b.append('}');
    }

    /** Reads a baseline file; every problem is an {@link IllegalArgumentException} naming the file and the field. */
    public static Baseline read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("baseline " + file + ": not a file");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("baseline " + file + ": " + size + " bytes, more than a baseline's "
                    + MAX_BYTES + "; not a baseline");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("baseline " + file + ": not UTF-8 text");
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseline " + file + ": " + e.getMessage(), e);
        }
    }

    public static Baseline parse(String text) {
        Map<String, Object> root = Json.parseObject(text);
        if (!SCHEMA.equals(root.get("schema"))) {
            throw new IllegalArgumentException("not an AetherCore baseline (\"schema\" is not \"" + SCHEMA + "\")");
        }
        Object v = root.get("schema_version");
        if (!(v instanceof Long n) || n != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schema_version " + v + " is not supported (this node reads " + SCHEMA_VERSION + ")");
        }
        F r = new F("", root);
        List<Figure> bench = new ArrayList<>();
        List<Object> rows = r.list("bench");
        for (int i = 0; i < rows.size(); i++) {
            F f = new F("bench[" + i + "]", rows.get(i));
            String unit = f.str("unit");
            if (!unit.equals("bytes/s") && !unit.equals("ns")) {
                throw new IllegalArgumentException("bench[" + i + "].unit must be bytes/s or ns, not " + unit);
            }
            Long value = f.optLong("value");
            if (value != null && value < 0) {
                throw new IllegalArgumentException("bench[" + i + "].value is negative");
            }
            bench.add(new Figure(f.str("id"), f.str("operation"), unit, value, f.str("verdict"), f.str("provider")));
        }
        F m = r.obj("mesh");
        Map<String, Long> states = new LinkedHashMap<>();
        F st = m.obj("node_states");
        for (String k : st.map.keySet()) {
            states.put(k, st.lng(k));
        }
        Mesh mesh = new Mesh(m.bool("present"), m.str("state"), m.lng("gospel_size"), m.str("gospel_root"), m.lng("nodes"), states);
        F p = r.obj("pcrs");
        Map<String, String> pcrValues = new LinkedHashMap<>();
        F pv = p.obj("values");
        for (String k : pv.map.keySet()) {
            pcrValues.put(k, pv.str(k));
        }
        Pcrs pcrs = new Pcrs(p.str("source"), p.str("bank"), pcrValues, p.str("reason"));
        F ver = r.obj("versions");
        Map<String, String> bundles = new LinkedHashMap<>();
        F bs = ver.obj("bundles");
        for (String k : bs.map.keySet()) {
            bundles.put(k, bs.str(k));
        }
        Versions versions = new Versions(ver.str("jdk"), ver.str("karaf"), ver.str("aethercore"), bundles);
        Map<String, ConfigDigest> config = new LinkedHashMap<>();
        F c = r.obj("config");
        for (String k : c.map.keySet()) {
            F d = c.obj(k);
            List<String> masked = new ArrayList<>();
            for (Object o : d.list("masked_keys")) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("config." + k + ".masked_keys holds a non-string");
                }
                masked.add(s);
            }
            String sha = d.str("sha256");
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("config." + k + ".sha256 is not 64 hex digits");
            }
            config.put(k, new ConfigDigest(sha, masked));
        }
        return new Baseline(r.str("created"), r.str("node"), bench, mesh, pcrs, versions, config);
    }

    /** Typed access to one JSON object, naming the field in every error. */
    private static final class F {
        final String path;
        final Map<String, Object> map;

        @SuppressWarnings("unchecked")
        F(String path, Object o) {
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException((path.isEmpty() ? "the document" : path) + " is not an object");
            }
            this.path = path;
            this.map = (Map<String, Object>) o;
        }

        String name(String k) {
            return path.isEmpty() ? k : path + "." + k;
        }

        Object get(String k) {
            if (!map.containsKey(k)) {
                throw new IllegalArgumentException("field " + name(k) + " is missing");
            }
            return map.get(k);
        }

        String str(String k) {
            if (get(k) instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("field " + name(k) + " is not a string");
        }

        long lng(String k) {
            if (get(k) instanceof Long l) {
                return l;
            }
            throw new IllegalArgumentException("field " + name(k) + " is not an integer");
        }

        Long optLong(String k) {
            Object o = get(k);
            if (o == null || o instanceof Long) {
                return (Long) o;
            }
            throw new IllegalArgumentException("field " + name(k) + " is not an integer or null");
        }

        boolean bool(String k) {
            if (get(k) instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("field " + name(k) + " is not true or false");
        }

        F obj(String k) {
            return new F(name(k), get(k));
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String k) {
            if (get(k) instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw new IllegalArgumentException("field " + name(k) + " is not an array");
        }
    }

    // ---- comparison ----

    /** What changed from {@code old} to this baseline: regressions (the compare fails) and notes. */
    public record Comparison(List<String> regressions, List<String> notes) {}

    public Comparison compare(Baseline old, int thresholdPercent) {
        List<String> reg = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Figure> before = new LinkedHashMap<>();
        old.bench().forEach(f -> before.put(f.id(), f));
        for (Figure now : bench) {
            Figure was = before.get(now.id());
            if (was == null || was.value() == null || now.value() == null || !was.unit().equals(now.unit())) {
                if (was != null && was.value() != null && now.value() == null) {
                    reg.add("bench " + now.id() + ": measured before (" + show(was) + "), not measured now");
                }
                continue;
            }
            double ratio = now.higherIsBetter() ? (double) was.value() / Math.max(1, now.value())
                    : (double) now.value() / Math.max(1, was.value());
            long worsePercent = Math.round((ratio - 1) * 100);
            String line = "bench " + now.id() + ": " + show(was) + " -> " + show(now) + " (" + now.provider()
                    + (now.provider().equals(was.provider()) ? "" : ", was " + was.provider()) + ")";
            if (worsePercent > thresholdPercent) {
                reg.add(line + ": " + worsePercent + "% slower, more than the " + thresholdPercent + "% threshold");
            } else {
                notes.add(line + (worsePercent > 0 ? ": " + worsePercent + "% slower, within " + thresholdPercent + "%" : ""));
            }
        }
        if (old.pcrs().source().equals("tpm") || pcrs.source().equals("tpm")) {
            if (!old.pcrs().source().equals(pcrs.source())) {
                reg.add("PCR baseline: source was " + old.pcrs().source() + ", now " + pcrs.source()
                        + (pcrs.reason().isEmpty() ? "" : " (" + pcrs.reason() + ")"));
            } else {
                diff("PCR " + pcrs.bank() + ":", old.pcrs().values(), pcrs.values(), reg);
            }
        }
        if (!old.versions().jdk().equals(versions.jdk())) {
            reg.add("JDK version: " + old.versions().jdk() + " -> " + versions.jdk());
        }
        if (!old.versions().karaf().equals(versions.karaf())) {
            reg.add("Karaf version: " + old.versions().karaf() + " -> " + versions.karaf());
        }
        if (!old.versions().aethercore().equals(versions.aethercore())) {
            reg.add("AetherCore version: " + old.versions().aethercore() + " -> " + versions.aethercore());
        }
        diff("bundle", old.versions().bundles(), versions.bundles(), reg);
        Map<String, String> oldCfg = new TreeMap<>();
        old.config().forEach((k, d) -> oldCfg.put(k, d.sha256()));
        Map<String, String> newCfg = new TreeMap<>();
        config.forEach((k, d) -> newCfg.put(k, d.sha256()));
        diff("configuration", oldCfg, newCfg, reg);
        if (old.mesh().present() || mesh.present()) {
            notes.add("mesh: " + old.mesh().nodes() + " nodes " + old.mesh().nodeStates() + ", Gospel " + old.mesh().gospelSize()
                    + " -> " + mesh.nodes() + " nodes " + mesh.nodeStates() + ", Gospel " + mesh.gospelSize());
        }
        return new Comparison(reg, notes);
    }

    private static void diff(String what, Map<String, String> before, Map<String, String> after, List<String> out) {
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (now == null) {
                out.add(what + " " + e.getKey() + ": removed (was " + abbreviate(e.getValue()) + ")");
            } else if (!now.equals(e.getValue())) {
                out.add(what + " " + e.getKey() + ": changed " + abbreviate(e.getValue()) + " -> " + abbreviate(now));
            }
        }
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                out.add(what + " " + e.getKey() + ": added (" + abbreviate(e.getValue()) + ")");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 24 && s.matches("[0-9a-f]+") ? s.substring(0, 16) + "..." : s;
    }

    static String show(Figure f) {
        if (f.value() == null) {
            return "-";
        }
        return f.higherIsBetter() ? Band.format(f.value() / 1e6, "MB/s") : Band.format(f.value(), "ns");
    }
}
