package io.aethercore.shell.internal.ops;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.CryptoServices;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.mesh.MeshHealth;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeRegistry;
import io.aethercore.support.console.SecretNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the three operator commands read from the running node: the serving services (borrowed for one call
 * and released), configuration, bundle versions, the etc/ files. The measuring and judging is in
 * {@link Bench}, {@link Preflight} and {@link Baseline}.
 */
public final class NodeProbe {

    /** The Merkle log factory PID (io.aethercore.merkle.log); a bench scratch log is one such configuration. */
    static final String MERKLE_LOG_PID = "io.aethercore.merkle.log";
    /** Name prefix of the bench's scratch logs: in memory, deleted after the run. */
    static final String SCRATCH_PREFIX = "bench-scratch-";

    private final BundleContext context;

    public NodeProbe(BundleContext context) {
        this.context = context;
    }

    /** Calls {@code use} with the best-ranked service of {@code type} matching {@code filter} (or null), then releases it. */
    public <S, R> R with(Class<S> type, String filter, Function<S, R> use) {
        ServiceReference<S> ref = null;
        try {
            var refs = new ArrayList<>(context.getServiceReferences(type, filter));
            refs.sort(java.util.Comparator.<ServiceReference<S>>naturalOrder().reversed());
            ref = refs.isEmpty() ? null : refs.get(0);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        S service = ref == null ? null : context.getService(ref);
        try {
            return use.apply(service);
        } finally {
            if (service != null) {
                context.ungetService(ref);
            }
        }
    }

    /** Runs the four bench rows, {@code millisPerRow} each. */
    public List<Bench.Row> bench(long millisPerRow) {
        Bench bench = new Bench(millisPerRow);
        List<Bench.Row> rows = new ArrayList<>();
        rows.add(with(HashService.class, "(" + CryptoServices.ALGORITHMS + "=BLAKE3)", bench::blake3));
        rows.add(with(NodeKey.class, null, bench::sign));
        rows.add(with(SignatureService.class, "(" + CryptoServices.ALGORITHMS + "=" + KeyAlgorithm.ED25519.id() + ")", bench::verify));
        rows.add(merkle(bench));
        return rows;
    }

    /**
     * The append row on a scratch log: an in-memory log of the node's Merkle Vine ({@code storage.dir =
     * :memory:}), made as a factory configuration for this run and deleted after it; the node's own logs are
     * never touched.
     */
    Bench.Row merkle(Bench bench) {
        ConfigurationAdmin cm = with(ConfigurationAdmin.class, null, c -> c);
        if (cm == null) {
            return bench.merkleAppend(null, "none", "no configuration admin: cannot make a scratch Merkle log");
        }
        if (with(MerkleLog.class, null, l -> l) == null && context.getServiceReference("io.aethercore.api.merkle.MerkleVine") == null) {
            return bench.merkleAppend(null, "none", "no Merkle Vine (feature aethercore-merkle not installed)");
        }
        String name = SCRATCH_PREFIX + Long.toHexString(System.nanoTime() & 0xFFFFFFFFL);
        Configuration config = null;
        try {
            config = cm.getFactoryConfiguration(MERKLE_LOG_PID, name, "?");
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("name", name);
            p.put("hash.algorithm", "BLAKE3");
            p.put("storage.dir", ":memory:");
            p.put("durability", "ASYNC");
            config.update(p);
            String filter = "(" + MerkleLog.NAME + "=" + name + ")";
            long deadline = System.nanoTime() + 10_000_000_000L;
            ServiceReference<MerkleLog> ref = null;
            while (ref == null && System.nanoTime() < deadline) {
                var refs = context.getServiceReferences(MerkleLog.class, filter);
                if (!refs.isEmpty()) {
                    ref = refs.iterator().next();
                } else {
                    Thread.sleep(20);
                }
            }
            if (ref == null) {
                return bench.merkleAppend(null, "none", "the scratch Merkle log did not appear within 10 s (see karaf.log)");
            }
            MerkleLog log = context.getService(ref);
            try {
                return bench.merkleAppend(log, "merkle vine, scratch in-memory log", null);
            } finally {
                context.ungetService(ref);
            }
        } catch (IOException | InvalidSyntaxException e) {
            return bench.merkleAppend(null, "none", "cannot make a scratch Merkle log: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return bench.merkleAppend(null, "none", "interrupted");
        } finally {
            if (config != null) {
                try {
                    config.delete();
                } catch (IOException | IllegalStateException e) {
                    // already gone
                }
            }
        }
    }

    /** The properties of a singleton configuration, or an empty map. */
    public Map<String, Object> config(String pid) {
        return with(ConfigurationAdmin.class, null, cm -> {
            Map<String, Object> out = new LinkedHashMap<>();
            if (cm == null) {
                return out;
            }
            try {
                Configuration[] cs = cm.listConfigurations("(service.pid=" + pid + ")");
                if (cs != null && cs.length > 0 && cs[0].getProperties() != null) {
                    Dictionary<String, Object> d = cs[0].getProperties();
                    for (var keys = d.keys(); keys.hasMoreElements();) {
                        String k = keys.nextElement();
                        out.put(k, d.get(k));
                    }
                }
            } catch (IOException | InvalidSyntaxException e) {
                throw new IllegalStateException("cannot read configuration " + pid + ": " + e.getMessage(), e);
            }
            return out;
        });
    }

    public String karafVersion() {
        String v = System.getProperty("karaf.version");
        if (v != null && !v.isBlank()) {
            return v;
        }
        for (Bundle b : context.getBundles()) {
            if ("org.apache.karaf.shell.core".equals(b.getSymbolicName())) {
                return b.getVersion().toString();
            }
        }
        return "";
    }

    public Path dataDirectory() {
        return Path.of(System.getProperty("karaf.data", "data"), "aethercore");
    }

    public Path etc() {
        return Path.of(System.getProperty("karaf.etc", "etc"));
    }

    public Baseline baseline(List<Bench.Row> rows) throws IOException {
        Map<String, String> bundles = new TreeMap<>();
        String aethercore = "";
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null) {
                bundles.put(b.getSymbolicName(), b.getVersion().toString());
            }
            if ("io.aethercore.api".equals(b.getSymbolicName())) {
                aethercore = b.getVersion().toString();
            }
        }
        Baseline.Versions versions = new Baseline.Versions(Runtime.version().toString(), karafVersion(), aethercore, bundles);
        String node = with(NodeRegistry.class, null, r -> r == null ? "" : r.localNodeId().orElse(""));
        if (node.isEmpty()) {
            node = System.getProperty("karaf.name", "");
        }
        return new Baseline(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), node,
                rows.stream().map(Baseline.Figure::of).toList(), mesh(), pcrs(), versions, configDigests(etc()));
    }

    Baseline.Mesh mesh() {
        MeshHealth.Status status = with(MeshHealth.class, null, h -> h == null ? null : h.status());
        List<NodeRecord> nodes = with(NodeRegistry.class, null, r -> r == null ? null : r.nodes());
        if (status == null && nodes == null) {
            return Baseline.Mesh.none();
        }
        Map<String, Long> states = new TreeMap<>();
        if (nodes != null) {
            nodes.forEach(n -> states.merge(n.status().name(), 1L, Long::sum));
        }
        return new Baseline.Mesh(true, status == null ? "" : status.state(), status == null ? 0 : status.gospelSize(),
                status == null ? "" : status.gospelRoot(), nodes == null ? 0 : nodes.size(), states);
    }

    Baseline.Pcrs pcrs() {
        return with(Attestation.class, null, a -> {
            if (a == null) {
                return new Baseline.Pcrs("none", "", Map.of(), "no attestation provider");
            }
            if (!a.kind().hardware()) {
                return new Baseline.Pcrs("none", "", Map.of(), "no TPM: only the software attestation serves");
            }
            try {
                PcrValues v = a.readPcrs(PcrSelection.PLAYBOOK);
                Map<String, String> values = new TreeMap<>();
                for (int pcr : PcrSelection.PLAYBOOK.pcrs()) {
                    values.put(Integer.toString(pcr), HexFormat.of().formatHex(v.value(pcr)));
                }
                return new Baseline.Pcrs("tpm", PcrSelection.PLAYBOOK.bank().id(), values, "");
            } catch (Exception e) {
                return new Baseline.Pcrs("none", "", Map.of(), "TPM PCR read failed: " + e.getMessage());
            }
        });
    }

    /**
     * SHA-256 of each {@code etc/*.cfg}, with the value of every key that {@link SecretNames} calls secret
     * replaced by {@value SecretNames#MASK} first (a digest of a short PIN could be searched), and the masked
     * keys listed. The bench's scratch Merkle logs are left out.
     */
    public static Map<String, Baseline.ConfigDigest> configDigests(Path etc) throws IOException {
        Map<String, Baseline.ConfigDigest> out = new TreeMap<>();
        if (!Files.isDirectory(etc)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(etc, "*.cfg")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(MERKLE_LOG_PID + "-" + SCRATCH_PREFIX) || !Files.isRegularFile(f)) {
                    continue;
                }
                out.put("etc/" + name, digest(Files.readAllLines(f, StandardCharsets.ISO_8859_1)));
            }
        }
        return out;
    }

    static Baseline.ConfigDigest digest(List<String> lines) {
        List<String> masked = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            String t = line.strip();
            int sep = -1;
            if (!t.isEmpty() && t.charAt(0) != '#' && t.charAt(0) != '!') {
                for (int i = 0; i < t.length(); i++) {
                    char c = t.charAt(i);
                    if (c == '=' || c == ':') {
                        sep = i;
                        break;
                    }
                }
            }
            if (sep > 0 && SecretNames.isSecret(t.substring(0, sep).strip())) {
                String key = t.substring(0, sep).strip();
                masked.add(key);
                text.append(key).append(" = ").append(SecretNames.MASK).append('\n');
            } else {
                text.append(line).append('\n');
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            return new Baseline.ConfigDigest(HexFormat.of().formatHex(d), masked);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
