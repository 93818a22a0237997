package io.aethercore.testing.karaf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Several nodes started together and closed together. As a JUnit 5 extension in a static field, the nodes
 * start before the first test method of the class and stop after the last one:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KarafCluster NODES = KarafCluster.of(2, i -> AetherCoreNodes.node("node" + i));
 *
 * @Test void talk() { NODES.node(1).execute("aether:b4ae-sessions"); }
 * }</pre>
 *
 * <p>Start: every node is prepared (unpacked, ports, swtpm) one after the other, then all JVMs are launched
 * at once and awaited; they boot concurrently. When a test fails, the tail of each node's karaf.log is
 * printed to standard error. The node directories stay under {@code target/karaf-nodes/<class>/}.
 *
 * <p>{@link #inNamespaces()}: every node runs in its own network namespace of a {@link LossyNetwork} the
 * cluster makes on start and removes on close ({@link #network()} sets loss and partitions):
 *
 * <pre>{@code
 * static final KarafCluster NODES = KarafCluster.of(3, i -> AetherCoreNodes.node("node" + i)).inNamespaces();
 * ...
 * NODES.network().setLossAll(80);
 * NODES.network().partition(Set.of("node1"), Set.of("node2", "node3"));
 * }</pre>
 */
public final class KarafCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    private final int size;
    private final IntFunction<KarafNode.Builder> recipe;
    private final Map<Integer, KarafNode> nodes = new LinkedHashMap<>();
    private Path baseDir;
    private long startMillis = -1;
    private boolean inNamespaces;
    private LossyNetwork network;

    private KarafCluster(int size, IntFunction<KarafNode.Builder> recipe) {
        this.size = size;
        this.recipe = recipe;
    }

    /**
     * {@code size} nodes numbered from 1; {@code recipe} makes the builder of node {@code i} (its base
     * directory is set by the cluster).
     */
    public static KarafCluster of(int size, IntFunction<KarafNode.Builder> recipe) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        return new KarafCluster(size, recipe);
    }

    /** Where the node directories go (default {@code target/karaf-nodes/<test class>} or {@code target/karaf-nodes}). */
    public KarafCluster baseDir(Path dir) {
        this.baseDir = dir;
        return this;
    }

    /**
     * Runs every node in its own network namespace: on {@link #start()} the cluster makes a {@link
     * LossyNetwork} (needs root and nftables) with one host per node, named after the node; {@link #close()}
     * removes it after the nodes stopped.
     */
    public KarafCluster inNamespaces() {
        this.inNamespaces = true;
        return this;
    }

    /** The network of an {@link #inNamespaces()} cluster (after {@link #start()}): loss, partitions, addresses. */
    public LossyNetwork network() {
        if (network == null) {
            throw new IllegalStateException(inNamespaces ? "the cluster has not started yet" : "the cluster is not inNamespaces()");
        }
        return network;
    }

    /** Prepares every node, launches them all, waits until all are ready. */
    public synchronized void start() throws IOException, InterruptedException {
        if (!nodes.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        Path base = baseDir != null ? baseDir
                : Path.of(System.getProperty("aethercore.karaf.nodes.dir", "target/karaf-nodes"));
        try {
            if (inNamespaces) {
                network = LossyNetwork.create();
            }
            for (int i = 1; i <= size; i++) {
                KarafNode.Builder b = recipe.apply(i).baseDir(base);
                if (network != null) {
                    b.namespace(network);
                }
                KarafNode n = b.build();
                nodes.put(i, n);
                n.prepare();
            }
            for (KarafNode n : nodes.values()) {
                n.launch();
            }
            for (KarafNode n : nodes.values()) {
                n.awaitReady();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** Node {@code i}, from 1. */
    public KarafNode node(int i) {
        KarafNode n = nodes.get(i);
        if (n == null) {
            throw new IllegalArgumentException("no node " + i + " (cluster of " + size + ", started: " + !nodes.isEmpty() + ")");
        }
        return n;
    }

    public List<KarafNode> nodes() {
        return new ArrayList<>(nodes.values());
    }

    public int size() {
        return size;
    }

    /** Milliseconds {@link #start()} took (unpacking, swtpm, boot of all nodes), -1 before. */
    public long startMillis() {
        return startMillis;
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        closeQuietly(null);
    }

    private void closeQuietly(Throwable primary) throws IOException, InterruptedException {
        Exception first = null;
        for (KarafNode n : nodes.values()) {
            try {
                n.close();
            } catch (IOException | RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        nodes.clear();
        LossyNetwork net = network;
        network = null;
        if (net != null) {
            try {
                net.close();
            } catch (IOException | RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first instanceof IOException io) {
            throw io;
        } else if (first instanceof RuntimeException re) {
            throw re;
        }
    }

    // ------------------------------------------------------------------------------------------- JUnit 5

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (baseDir == null) {
            baseDir = Path.of(System.getProperty("aethercore.karaf.nodes.dir", "target/karaf-nodes"))
                    .resolve(context.getRequiredTestClass().getSimpleName());
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        for (KarafNode n : nodes.values()) {
            System.err.println("--- " + n + " karaf.log (last 60 lines) ---\n" + n.logTail(60));
        }
        if (network != null) {
            System.err.println("--- " + network + " ---");
        }
        throw throwable;
    }
}
