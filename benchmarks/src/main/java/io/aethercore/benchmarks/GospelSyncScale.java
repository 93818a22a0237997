package io.aethercore.benchmarks;

import io.aethercore.mesh.gospel.Gospel;
import io.aethercore.mesh.gospel.GospelLab;
import io.aethercore.mesh.gospel.GospelLab.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Gospel anti-entropy at scale, simulated in one JVM in virtual time ({@code GospelLab} from the mesh
 * test-jar: real {@code Gospel} and {@code GospelSync} objects, the real wire codec, each message dropped
 * with probability {@code loss} in each direction, 1–4 virtual ms of delay per message).
 *
 * <p>For each size and loss: one federation per size (the authority {@code fa-1} and members), settled at
 * 0 % loss; then, R times, one note appended at the authority and the virtual time until every node holds
 * the same Gospel root, the bytes and messages all nodes sent meanwhile (divided by the number of nodes:
 * "per node per converged entry"), and the wall-clock time the simulation took. Between repetitions the
 * loss goes back to 0 and the mesh is left quiet for {@code --quiet} virtual ms, so that every repetition
 * starts from a settled mesh; each repetition draws its losses from its own seed.
 *
 * <p>Then the catch-up: a 5-node federation, one member stopped, 10,000 notes appended at the authority,
 * the other members synced, the stopped member restarted from its journal; virtual and wall-clock time
 * until it holds the authority's root.
 *
 * <pre>java -Xmx3g -cp benchmarks.jar io.aethercore.benchmarks.GospelSyncScale
 *     [--nodes 5,20,100,1000] [--loss 0,50,80,90] [--reps 20] [--reps-large 5] [--large 1000]
 *     [--enrol-max 100] [--max-ms 180000] [--quiet-ms 3000] [--quiet-ms-large 500] [--catchup-reps 5]
 *     [--catchup-loss 0,50,80] [--catchup-max-ms 600000]
 *     [--catchup-entries 10000]</pre>
 *
 * Sizes at or above {@code --large} get {@code --reps-large} repetitions and {@code --quiet-ms-large} of quiet
 * between them (simulating 1,000 nodes costs ~15–25 s of wall time per virtual second on 2 cores). Members of federations up to
 * {@code --enrol-max} nodes get a node certificate enrolled in the Gospel (ML-DSA-87 keys, ~3.3 KB each);
 * larger ones only the authority's (1,000 certificates in each of 1,000 Gospels would be 3.3 GB; the sync
 * of the measured note does not depend on them: peers are every other node either way).
 */
public final class GospelSyncScale {

    public static void main(String[] args) throws Exception {
        int[] sizes = ints(arg(args, "--nodes", "5,20,100,1000"));
        int[] losses = ints(arg(args, "--loss", "0,50,80,90"));
        int reps = Integer.parseInt(arg(args, "--reps", "20"));
        int repsLarge = Integer.parseInt(arg(args, "--reps-large", "5"));
        int large = Integer.parseInt(arg(args, "--large", "1000"));
        int enrolMax = Integer.parseInt(arg(args, "--enrol-max", "100"));
        long maxMs = Long.parseLong(arg(args, "--max-ms", "180000"));
        long quietMs = Long.parseLong(arg(args, "--quiet-ms", "3000"));
        long quietLarge = Long.parseLong(arg(args, "--quiet-ms-large", "500"));
        int catchupReps = Integer.parseInt(arg(args, "--catchup-reps", "5"));
        int[] catchupLoss = ints(arg(args, "--catchup-loss", "0,50,80"));
        long catchupMax = Long.parseLong(arg(args, "--catchup-max-ms", "600000"));
        int catchupEntries = Integer.parseInt(arg(args, "--catchup-entries", "10000"));

        System.out.printf(Locale.ROOT, "GospelSyncScale: %d CPUs, max heap %d MiB, load %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, load());
        List<String> table = new ArrayList<>();
        for (int n : sizes) {
            int r = n >= large ? repsLarge : reps;
            scale(n, losses, r, n <= enrolMax, maxMs, n >= large ? quietLarge : quietMs, table);
        }
        List<String> catchup = new ArrayList<>();
        if (catchupReps > 0) {
            for (int l : catchupLoss) {
                catchup(l, catchupReps, catchupEntries, catchupMax, catchup);
            }
        }
        System.out.println();
        System.out.println("== one entry, convergence in virtual time (ms); bytes and messages per node for the entry");
        System.out.println("| nodes | loss | reps | median ms | P90 ms | max ms | not converged | bytes/node | messages/node | background bytes/node/s | wall s/rep |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        table.forEach(System.out::println);
        if (!catchup.isEmpty()) {
            System.out.println();
            System.out.printf(Locale.ROOT, "== catch-up of %,d entries by a restarted node (5 nodes)%n", catchupEntries);
            System.out.println("| loss | reps | virtual median ms | virtual max ms | wall median ms | wall max ms | bytes sent by all nodes (median) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            catchup.forEach(System.out::println);
        }
        System.out.printf(Locale.ROOT, "load at the end: %s%n", load());
    }

    static GospelLab federation(int nodes, boolean enrol, long seed) throws Exception {
        GospelLab lab = new GospelLab("fa-1", 1, seed);
        lab.add("fa-1", true);
        List<Node> enrolled = new ArrayList<>();
        for (int i = 1; i < nodes; i++) {
            Node m = lab.add("unit-" + i, enrol);
            if (enrol) {
                enrolled.add(m);
            }
        }
        lab.seedAuthority(enrolled);
        if (lab.runUntil(120_000, () -> lab.converged(lab.node("fa-1"))) < 0) {
            throw new IllegalStateException("the federation of " + nodes + " did not settle at 0 % loss");
        }
        return lab;
    }

    static void scale(int n, int[] losses, int reps, boolean enrol, long maxMs, long quietMs, List<String> table)
            throws Exception {
        long w0 = System.nanoTime();
        GospelLab lab = federation(n, enrol, 1_000L * n + 1);
        Node fa = lab.node("fa-1");
        // leave the mesh quiet (slow gossip), then measure the background: summaries only, nothing changes
        // (at 1,000 nodes gossip runs at its fanout limit whatever the state: a shorter wait says the same)
        long window = Math.min(5_000, Math.max(1_000, quietMs));
        lab.runUntil(Math.max(quietMs, 2_000) + window, () -> false);
        long b0 = lab.bytesSent();
        lab.runUntil(window, () -> false);
        double background = (lab.bytesSent() - b0) * 1000.0 / window / n;
        System.out.printf(Locale.ROOT, "%d nodes (%s): built and settled in %.1f s wall; background %.0f bytes/node/s%n",
                n, enrol ? "every member enrolled" : "only the authority enrolled", (System.nanoTime() - w0) / 1e9,
                background);
        int note = 0;
        for (int loss : losses) {
            long[] took = new long[reps];
            long[] bytes = new long[reps];
            long[] msgs = new long[reps];
            double wall = 0;
            int failed = 0;
            for (int r = 0; r < reps; r++) {
                lab.reseed(31L * n + 1_000_003L * loss + r);
                lab.loss(loss / 100.0);
                long bytes0 = lab.bytesSent();
                long msgs0 = lab.messagesSent();
                long t0 = System.nanoTime();
                fa.gospel.append(List.of(GospelLab.note("scale note " + note++)));
                long t = lab.runUntil(maxMs, () -> lab.converged(fa));
                wall += (System.nanoTime() - t0) / 1e9;
                took[r] = t < 0 ? Long.MAX_VALUE : t;
                failed += t < 0 ? 1 : 0;
                bytes[r] = lab.bytesSent() - bytes0;
                msgs[r] = lab.messagesSent() - msgs0;
                lab.loss(0);
                if (t < 0 && lab.runUntil(60_000, () -> lab.converged(fa)) < 0) {
                    throw new IllegalStateException(n + " nodes did not converge even at 0 % loss");
                }
                lab.runUntil(quietMs, () -> false);
            }
            long[] sorted = took.clone();
            Arrays.sort(sorted);
            long[] b = bytes.clone();
            Arrays.sort(b);
            long[] m = msgs.clone();
            Arrays.sort(m);
            String row = String.format(Locale.ROOT, "| %d | %d %% | %d | %s | %s | %s | %d | %,.0f | %.1f | %,.0f | %.2f |", n, loss, reps,
                    ms(pct(sorted, 50)), ms(pct(sorted, 90)), ms(sorted[reps - 1]), failed, (double) pct(b, 50) / n,
                    (double) pct(m, 50) / n, background, wall / reps);
            System.out.printf(Locale.ROOT, "gospel nodes=%d loss=%d: took %s ms; bytes/node %s%n", n, loss,
                    Arrays.toString(took).replace(String.valueOf(Long.MAX_VALUE), "none"),
                    Arrays.stream(bytes).map(x -> x / n).boxed().toList());
            System.out.println(row);
            table.add(row);
        }
    }

    static void catchup(int loss, int reps, int entries, long maxMs, List<String> out) throws Exception {
        long[] virtual = new long[reps];
        long[] wall = new long[reps];
        long[] bytes = new long[reps];
        for (int r = 0; r < reps; r++) {
            GospelLab lab = federation(5, true, 77 + r);
            Node fa = lab.node("fa-1");
            Node late = lab.node("unit-4");
            late.stop();
            List<Gospel.Draft> drafts = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                drafts.add(GospelLab.note("maintenance log line " + i));
            }
            fa.gospel.append(drafts);
            long size = fa.gospel.summary().size();
            if (lab.runUntil(maxMs, () -> lab.converged(fa)) < 0) {
                throw new IllegalStateException("the running members did not sync " + entries + " entries");
            }
            lab.loss(loss / 100.0);
            lab.reseed(5_000L + r);
            long bytes0 = lab.bytesSent();
            long t0 = System.nanoTime();
            late.start(); // rebuilt from its journal, as after a restart
            long t = lab.runUntil(maxMs, () -> lab.converged(fa));
            wall[r] = (System.nanoTime() - t0) / 1_000_000;
            virtual[r] = t < 0 ? Long.MAX_VALUE : t;
            bytes[r] = lab.bytesSent() - bytes0;
            if (late.gospel.summary().size() != size && t >= 0) {
                throw new IllegalStateException("caught up to another size");
            }
            System.out.printf(Locale.ROOT, "catch-up loss=%d rep %d: %s ms virtual, %d ms wall, %,d bytes%n", loss, r,
                    ms(virtual[r]), wall[r], bytes[r]);
        }
        Arrays.sort(virtual);
        Arrays.sort(wall);
        Arrays.sort(bytes);
        out.add(String.format(Locale.ROOT, "| %d %% | %d | %s | %s | %,d | %,d | %,d |", loss, reps, ms(pct(virtual, 50)),
                ms(virtual[reps - 1]), pct(wall, 50), wall[reps - 1], pct(bytes, 50)));
    }

    /** Nearest-rank percentile of a sorted array. */
    static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String ms(long v) {
        return v == Long.MAX_VALUE ? "none" : String.format(Locale.ROOT, "%,d", v);
    }

    static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    static int[] ints(String csv) {
        return csv.isBlank() ? new int[0] : Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    static String load() {
        try {
            String[] l = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).split(" ");
            return l[0] + " " + l[1] + " " + l[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
