package io.aethercore.audit.tool;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditVerification;
import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.audit.internal.CheckpointStore;
import io.aethercore.audit.internal.Hashers;
import io.aethercore.audit.internal.IntegrityChecker;
import io.aethercore.audit.internal.JdkSignatures;
import io.aethercore.audit.internal.KeyRegistry;
import io.aethercore.audit.internal.PinnedKeys;
import io.aethercore.audit.internal.RecordCodec;
import io.aethercore.audit.internal.RecordStore;
import io.aethercore.audit.internal.RecordVerifier;
import io.aethercore.crypto.internal.BcHashing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The auditor's tool, off the node: needs only exported records, the checkpoint(s) and the node's
 * public key, and the JDK plus this jar (the audit bundle's verification code, the crypto bundle's
 * BouncyCastle hash provider, instantiated directly: there is no OSGi registry off the node).
 *
 * <pre>
 * check  --dir DIR --key node.pem [--key ...] [--keys-dir DIR [--pin FP]...] [--hash BLAKE3|SHA-256] [--live]
 * check  --config etc/io.aethercore.audit.cfg [--karaf-home DIR] [--keys-dir DIR] [--live]
 * verify --dir DIR --key node.pem --event-id ID [--hash ...]
 * </pre>
 *
 * <p>Trust: a key given with {@code --key} is trusted (the auditor chose it). Keys found under {@code --keys-dir}
 * (the {@code keys/} folder beside the records, writable by whoever can write the records) are trusted only if
 * their fingerprint is pinned: {@code --pin}, {@code checkpoint.pinned_keys} of the configuration, or the pin file
 * {@code etc/aethercore/audit-pinned-keys} the node wrote at first start ({@link PinnedKeys}). An unpinned key
 * there is reported as planted and fails the check. {@code --trust-keys-dir} restores the old behaviour (trust
 * every key in the folder) for a copy the auditor assembled himself.
 *
 * <p>With {@code --config}, the records directory is the configuration's {@code log.path} (alias {@code
 * log_path}; {@code ${karaf.data}} and {@code ${karaf.home}} are replaced), so {@code AUDIT_LOG_PATH} is not needed.
 *
 * Exit status: 0 all verified, 1 verification failed (tampering, a bad signature, a planted key), 2 bad usage or
 * unreadable input.
 */
public final class AuditTool {

    private AuditTool() {}

    /** The Merkle hasher of an audit tree, from the crypto bundle's hash provider (no service registry here). */
    static MerkleHasher standaloneHasher(HashAlgorithm algorithm) {
        if (algorithm != HashAlgorithm.BLAKE3 && algorithm != HashAlgorithm.SHA_256) {
            throw new IllegalArgumentException("audit trees hash with BLAKE3 or SHA-256, not " + algorithm.id());
        }
        return algorithm == HashAlgorithm.SHA_256 ? MerkleHasher.sha256() : MerkleHasher.of(new BcHashing(), algorithm);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static final class Args {
        String command;
        Path dir;
        List<Path> keys = new ArrayList<>();
        Path keysDir;
        String eventId;
        String hash;
        boolean live;
        Path config;
        Path karafHome;
        List<String> pins = new ArrayList<>();
        boolean trustKeysDir;
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: check (--dir DIR | --config CFG [--karaf-home DIR]) (--key PEM | --keys-dir DIR [--pin FP]...)..."
                    + " [--trust-keys-dir] [--hash BLAKE3|SHA-256] [--live]");
            err.println("       verify --dir DIR (--key PEM | --keys-dir DIR)... --event-id ID [--hash BLAKE3|SHA-256]");
            return 2;
        }
        try {
            List<RawPublicKey> keys = new ArrayList<>();
            for (Path k : a.keys) {
                keys.add(RawPublicKey.fromPem(Files.readString(k, StandardCharsets.US_ASCII)));
            }
            ConfiguredPaths configured = a.config == null ? null : ConfiguredPaths.read(a.config, a.karafHome);
            if (a.dir == null) {
                a.dir = configured.logPath();
                out.println("records: " + a.dir + " (log.path of " + a.config + ")");
            }
            if (a.keysDir == null && a.keys.isEmpty()) {
                a.keysDir = a.dir.resolve("keys");
            }
            Set<String> pins = new LinkedHashSet<>();
            for (String p : a.pins) {
                pins.addAll(PinnedKeys.parse(p));
            }
            if (configured != null) {
                pins.addAll(configured.pinnedKeys());
            }
            List<String> planted = new ArrayList<>();
            if (a.keysDir != null) {
                if (pins.isEmpty() && !a.trustKeysDir && a.keys.isEmpty()) {
                    err.println("no pinned key: the keys under " + a.keysDir + " can be planted by whoever can write the"
                            + " records. Pin the node key (checkpoint.pinned_keys in etc/io.aethercore.audit.cfg, or"
                            + " the file etc/aethercore/" + PinnedKeys.FILE + " the node writes at first start), pass"
                            + " --key PEM or --pin FINGERPRINT, or --trust-keys-dir to trust them all");
                    return 2;
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(a.keysDir, "*.pem")) {
                    for (Path k : ds) {
                        RawPublicKey key = RawPublicKey.fromPem(Files.readString(k, StandardCharsets.US_ASCII));
                        if (a.trustKeysDir || pins.contains(key.fingerprint())) {
                            keys.add(key);
                        } else if (keys.stream().noneMatch(g -> g.fingerprint().equals(key.fingerprint()))) {
                            planted.add(key.fingerprint());
                        }
                    }
                }
            }
            if (keys.isEmpty()) {
                err.println("no trusted public key (--key node.pem, or a pinned key under --keys-dir): the check needs"
                        + " the node's public key");
                return planted.isEmpty() ? 2 : 1;
            }
            KeyRegistry registry = KeyRegistry.of(keys);
            MerkleHasher hasher = standaloneHasher(HashAlgorithm.fromId(a.hash != null ? a.hash : exportedHash(a.dir)));
            if (a.command.equals("check")) {
                IntegrityReport r = new IntegrityChecker(hasher, new JdkSignatures(), registry)
                        .check(a.dir, a.dir.resolve(CheckpointStore.LOG), a.live ? liveLimit(a.dir) : -1, null);
                out.println(r.summary());
                r.problems().forEach(p -> out.println("  " + p));
                for (String fp : planted) {
                    out.println("[FAILURE] key " + fp + " under " + a.keysDir + " is not pinned: a key planted beside"
                            + " the records could re-sign a rewritten log; it is not trusted");
                }
                return r.ok() && planted.isEmpty() ? 0 : 1;
            }
            return verify(a, hasher, registry, out);
        } catch (IOException | MalformedKeyException | IllegalArgumentException e) {
            err.println("cannot verify: " + e.getMessage());
            return 2;
        }
    }

    private static Args parse(String[] argv) {
        if (argv.length == 0 || !(argv[0].equals("check") || argv[0].equals("verify"))) {
            throw new IllegalArgumentException("first argument must be check or verify");
        }
        Args a = new Args();
        a.command = argv[0];
        for (int i = 1; i < argv.length; i++) {
            String o = argv[i];
            if (o.equals("--live")) {
                a.live = true;
                continue;
            }
            if (o.equals("--trust-keys-dir")) {
                a.trustKeysDir = true;
                continue;
            }
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException(o + " needs a value");
            }
            String v = argv[++i];
            switch (o) {
                case "--dir" -> a.dir = Path.of(v);
                case "--key" -> a.keys.add(Path.of(v));
                case "--keys-dir" -> a.keysDir = Path.of(v);
                case "--event-id" -> a.eventId = v;
                case "--hash" -> a.hash = v;
                case "--config" -> a.config = Path.of(v);
                case "--karaf-home" -> a.karafHome = Path.of(v);
                case "--pin" -> a.pins.add(v);
                default -> throw new IllegalArgumentException("unknown option " + o);
            }
        }
        if (a.dir == null && a.config == null) {
            throw new IllegalArgumentException("--dir or --config is required");
        }
        if (a.command.equals("verify") && a.eventId == null) {
            throw new IllegalArgumentException("verify needs --event-id");
        }
        return a;
    }

    private static String exportedHash(Path dir) throws IOException {
        Path info = dir.resolve("audit-export.properties");
        if (!Files.exists(info)) {
            return "BLAKE3";
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(info)) {
            p.load(in);
        }
        return p.getProperty("hash.algorithm", "BLAKE3");
    }

    /** On a live node: check up to the last published checkpoint (later records may be mid-write). */
    private static long liveLimit(Path dir) throws IOException {
        long max = 0;
        for (CheckpointStore.Entry e : CheckpointStore.readLog(dir.resolve(CheckpointStore.LOG))) {
            if (e.checkpoint() != null) {
                max = Math.max(max, e.checkpoint().checkpoint().size());
            }
        }
        return max;
    }

    private static int verify(Args a, MerkleHasher hasher, KeyRegistry keys, PrintStream out) throws IOException {
        SignedCheckpoint cp;
        try {
            cp = CheckpointNotes.parse(Files.readAllBytes(a.dir.resolve(CheckpointStore.LATEST)));
        } catch (InvalidProofException e) {
            out.println("[FAILURE] " + CheckpointStore.LATEST + ": " + e.getMessage());
            return 1;
        }
        long size = cp.checkpoint().size();
        List<byte[]> leaves = new ArrayList<>();
        Path pruned = a.dir.resolve("pruned.digests");
        if (Files.exists(pruned)) {
            byte[] d = Files.readAllBytes(pruned);
            for (int i = 0; i + 32 <= d.length; i += 32) {
                leaves.add(hasher.leafHash(Arrays.copyOfRange(d, i, i + 32)));
            }
        }
        long found = -1;
        byte[] foundBytes = null;
        List<Path> segs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(a.dir, "records-*.seg")) {
            ds.forEach(segs::add);
        }
        segs.sort(null);
        for (Path seg : segs) {
            byte[] all = Files.readAllBytes(seg);
            int pos = 0;
            while (pos + RecordStore.HEADER <= all.length && leaves.size() < size) {
                java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(all, pos, RecordStore.HEADER);
                int len = h.getInt();
                h.getInt();
                long idx = h.getLong();
                if (len < 0 || pos + RecordStore.HEADER + (long) len > all.length) {
                    out.println("[FAILURE] record " + leaves.size() + " in " + seg.getFileName() + " is truncated;"
                            + " run check for details");
                    return 1;
                }
                byte[] data = Arrays.copyOfRange(all, pos + RecordStore.HEADER, pos + RecordStore.HEADER + len);
                pos += RecordStore.HEADER + len;
                if (idx < leaves.size()) {
                    continue; // pruned region of a straddling segment
                }
                try {
                    AuditRecord r = RecordCodec.parse(idx, data);
                    if (r.eventId().equals(a.eventId)) {
                        found = leaves.size();
                        foundBytes = data;
                    }
                } catch (IllegalArgumentException e) {
                    // reported by check; the proof below fails if it matters
                }
                leaves.add(hasher.leafHash(Hashers.recordDigest(hasher, data)));
            }
        }
        if (found < 0) {
            out.println("[FAILURE] event " + a.eventId + " is not among the " + leaves.size() + " exported records");
            return 1;
        }
        if (leaves.size() < size) {
            out.println("[FAILURE] the checkpoint covers " + size + " records but only " + leaves.size() + " are exported");
            return 1;
        }
        List<byte[]> path = new ArrayList<>();
        auditPath(hasher, leaves.subList(0, (int) size), (int) found, path);
        InclusionProof proof = new InclusionProof(found, size, path);
        AuditVerification v = RecordVerifier.verify(found, foundBytes, cp, (i, s) -> proof, keys, new JdkSignatures(),
                hasher, new ArrayList<>());
        out.println(v.summary());
        return v.ok() ? 0 : 1;
    }

    /** RFC 6962 PATH(m, D[n]), from the leaves. */
    static byte[] auditPath(MerkleHasher h, List<byte[]> leaves, int m, List<byte[]> path) {
        int n = leaves.size();
        if (n == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            byte[] left = auditPath(h, leaves.subList(0, k), m, path);
            byte[] right = root(h, leaves.subList(k, n));
            path.add(right);
            return h.nodeHash(left, right);
        }
        byte[] left = root(h, leaves.subList(0, k));
        byte[] right = auditPath(h, leaves.subList(k, n), m - k, path);
        path.add(left);
        return h.nodeHash(left, right);
    }

    static byte[] root(MerkleHasher h, List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return h.nodeHash(root(h, leaves.subList(0, k)), root(h, leaves.subList(k, leaves.size())));
    }
}
