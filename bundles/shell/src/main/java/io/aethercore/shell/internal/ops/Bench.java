package io.aethercore.shell.internal.ops;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.MerkleLog;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The playbook's Step 1.2 table measured in the node (aether:bench): BLAKE3 over 1 MiB through the
 * serving {@link HashService}, a signature by the node's key ({@link NodeKey}, whatever custody and
 * algorithm serve it), an Ed25519 verification through the serving {@link SignatureService}, and an
 * append to a scratch {@link MerkleLog} (never one of the node's logs: the caller provides it).
 *
 * <p>Each row: a warm-up of a quarter of its time (so JIT compilation and first-use costs are not timed),
 * then as many operations as fit in the rest; the figure is the mean over the timed operations (total time
 * / count), from {@link System#nanoTime()}. OSGi-free: the command passes the services in.
 */
public final class Bench {

    /** BLAKE3 input size: 1 MiB, the playbook's "1MB". */
    public static final int BLAKE3_INPUT = 1 << 20;
    /** Merkle entry size: 128 bytes, about one audit record. */
    public static final int MERKLE_ENTRY = 128;
    /** Prefix of every message the node key signs here: no protocol message starts like this. */
    static final byte[] SIGN_CONTEXT = "AetherCore aether:bench scratch message, not a protocol message: "
            .getBytes(StandardCharsets.US_ASCII);

    /** A measured row; {@code value} is NaN and {@code error} says why when nothing was measured. */
    public record Row(String id, Band band, double value, long operations, String provider, String note, String error) {
        public boolean measured() {
            return error == null;
        }

        public Band.Verdict verdict() {
            return measured() ? band.verdict(value) : null;
        }

        /** PASS / WARN / FAIL, and WARN for a row that could not be measured. */
        public String status() {
            return measured() ? verdict().status() : "WARN";
        }

        public String figure() {
            return measured() ? Band.format(value, band.unit()) : "-";
        }
    }

    /** A piece of work timed as one operation. */
    @FunctionalInterface
    interface Op {
        void run(long i) throws Exception;
    }

    record Timing(long operations, long nanos) {
        double nanosPerOp() {
            return (double) nanos / operations;
        }
    }

    private final long budgetNanos;
    private final LongSupplier clock;

    /** @param millisPerRow the time each row takes, warm-up included */
    public Bench(long millisPerRow) {
        this(millisPerRow, System::nanoTime);
    }

    Bench(long millisPerRow, LongSupplier clock) {
        if (millisPerRow < 40 || millisPerRow > 60_000) {
            throw new IllegalArgumentException("time per row must be 40 ms to 60 s, got " + millisPerRow + " ms");
        }
        this.budgetNanos = millisPerRow * 1_000_000L;
        this.clock = clock;
    }

    /** Warm-up for a quarter of the budget (at least 2 runs), then timed runs for the rest (at least 3). */
    Timing time(Op op) throws Exception {
        long start = clock.getAsLong();
        long warmEnd = start + budgetNanos / 4;
        long i = 0;
        do {
            op.run(i++);
        } while (i < 2 || clock.getAsLong() < warmEnd);
        long end = start + budgetNanos;
        long n = 0;
        long t0 = clock.getAsLong();
        long t;
        do {
            op.run(i++);
            n++;
            t = clock.getAsLong();
        } while (n < 3 || t < end);
        return new Timing(n, Math.max(1, t - t0));
    }

    public Row blake3(HashService hash) {
        Band band = Band.BLAKE3_1MB;
        if (hash == null || !hash.algorithms().contains(HashAlgorithm.BLAKE3)) {
            return new Row("blake3_1mb", band, Double.NaN, 0, "none", "", "no BLAKE3 provider: feature:install aethercore-crypto");
        }
        byte[] data = new byte[BLAKE3_INPUT];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        byte[][] sink = new byte[1][];
        try {
            Timing t = time(i -> {
                data[(int) (i & 1023)] ^= 1; // a different input each time
                sink[0] = hash.hash(HashAlgorithm.BLAKE3, data);
            });
            double mbPerSecond = (double) BLAKE3_INPUT * t.operations() * 1000.0 / t.nanos();
            return new Row("blake3_1mb", band, mbPerSecond, t.operations(), hash.provider(), "1 MiB input", null);
        } catch (Exception | LinkageError e) {
            return new Row("blake3_1mb", band, Double.NaN, 0, hash.provider(), "", "BLAKE3 failed: " + e);
        }
    }

    /** The sign row: what custody and algorithm serve the node key is part of the result. */
    public Row sign(NodeKey nodeKey) {
        Band band = Band.SIGN;
        if (nodeKey == null) {
            return new Row("sign", band, Double.NaN, 0, "none", "", "no node key service (feature aethercore-crypto)");
        }
        KeyHandle handle;
        try {
            handle = nodeKey.handle();
        } catch (Exception e) {
            return new Row("sign", band, Double.NaN, 0, "none", "", "the node key is not available: " + e.getMessage());
        }
        String provider = handle.custody() + " (" + handle.kind().id() + ")";
        String note = handle.algorithm().id() + (handle.kind().hardware() ? ", hardware key"
                : ", SOFTWARE key: the playbook's row is for a hardware key");
        try {
            Timing t = time(i -> nodeKey.sign(message(i)));
            return new Row("sign", band, t.nanosPerOp(), t.operations(), provider, note, null);
        } catch (Exception e) {
            return new Row("sign", band, Double.NaN, 0, provider, note, "signing failed: " + e.getMessage());
        }
    }

    static byte[] message(long i) {
        byte[] m = Arrays.copyOf(SIGN_CONTEXT, SIGN_CONTEXT.length + 8);
        for (int k = 0; k < 8; k++) {
            m[SIGN_CONTEXT.length + k] = (byte) (i >>> (8 * k));
        }
        return m;
    }

    /**
     * The verify row: an Ed25519 signature checked by {@code verifier}. The signature comes from a fresh
     * Ed25519 key made here (the JDK's own provider, once, not timed); the node key is not needed.
     */
    public Row verify(SignatureService verifier) {
        Band band = Band.VERIFY;
        if (verifier == null || !verifier.algorithms().contains(KeyAlgorithm.ED25519)) {
            return new Row("verify", band, Double.NaN, 0, "none", "", "no Ed25519 signature provider: feature:install aethercore-crypto");
        }
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = kp.getPublic().getEncoded();
            RawPublicKey pub = RawPublicKey.of(KeyAlgorithm.ED25519, Arrays.copyOfRange(spki, spki.length - 32, spki.length));
            byte[] msg = message(42);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(kp.getPrivate());
            s.update(msg);
            byte[] sig = s.sign();
            Timing t = time(i -> verifier.verify(pub, msg, sig));
            return new Row("verify", band, t.nanosPerOp(), t.operations(), verifier.provider(), "Ed25519", null);
        } catch (Exception e) {
            return new Row("verify", band, Double.NaN, 0, verifier.provider(), "", "verification failed: " + e);
        }
    }

    /** The append row on {@code scratch}, a log made for the bench; {@code where} says what it is. */
    public Row merkleAppend(MerkleLog scratch, String where, String unavailable) {
        Band band = Band.MERKLE_APPEND;
        if (scratch == null) {
            return new Row("merkle_append", band, Double.NaN, 0, "none", "", unavailable);
        }
        byte[] entry = new byte[MERKLE_ENTRY];
        try {
            Timing t = time(i -> {
                entry[0] = (byte) i;
                entry[1] = (byte) (i >>> 8);
                scratch.append(entry);
            });
            return new Row("merkle_append", band, t.nanosPerOp(), t.operations(), where,
                    MERKLE_ENTRY + "-byte entries, " + scratch.algorithm().id(), null);
        } catch (Exception e) {
            return new Row("merkle_append", band, Double.NaN, 0, where, "", "append failed: " + e.getMessage());
        }
    }

    /** The table aether:bench prints. */
    public static List<String> table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"Operation", "Measured", "Target | Acceptable | Failure", "Verdict", "Provider", "Ops", "Note"});
        for (Row r : rows) {
            cells.add(new String[] {r.band().operation(), r.figure(), r.band().limits(),
                r.measured() ? r.status() + " (" + r.verdict().name().toLowerCase(java.util.Locale.ROOT) + ")" : "WARN (not measured)",
                r.provider(), Long.toString(r.operations()), r.measured() ? r.note() : r.error()});
        }
        int[] w = new int[7];
        for (String[] c : cells) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] c : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                sb.append(i == w.length - 1 ? c[i] : String.format("%-" + w[i] + "s  ", c[i]));
            }
            out.add(sb.toString().stripTrailing());
        }
        return out;
    }
}
