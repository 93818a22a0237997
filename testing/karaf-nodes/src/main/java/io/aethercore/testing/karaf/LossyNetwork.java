package io.aethercore.testing.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private network of Linux network namespaces with real, random packet loss: one bridge in the root
 * namespace, one namespace per host, each joined to the bridge by a veth pair, and an nftables table in
 * each host's namespace that drops a share of the host's outgoing UDP datagrams.
 *
 * <pre>{@code
 * try (LossyNetwork net = LossyNetwork.create()) {
 *     LossyNetwork.Host a = net.add("a"), b = net.add("b");   // 10.77.X.11, 10.77.X.12
 *     new ProcessBuilder(a.exec("java", "-cp", cp, "Sender", b.address())).start();
 *     net.setLoss("a", 80);                         // a's outgoing UDP: 80 % dropped
 *     net.partition(Set.of("a"), Set.of("b"));      // no UDP between a and b at all
 *     net.heal();
 * }
 * }</pre>
 *
 * <p>Addressing: the run takes a free {@code 10.77.X.0/24} (X random, not routed in the root namespace
 * yet); the bridge is {@code 10.77.X.1} (the test JVM reaches the hosts through it) and host number n
 * (in the order of {@link #add(String)}, from 1) is {@code 10.77.X.(10+n)} on its {@code eth0}.
 *
 * <p>Names: the run has a random six-hex-digit id; the bridge is {@code acbr<id>}, the namespaces are
 * {@code ac<id>-<host>}, the root ends of the veth pairs {@code acv<id><n>}. The run's owner file
 * {@code /run/aethercore-netns/<id>} holds the pid of the JVM that made it. {@link #create()} first removes
 * what killed earlier runs left behind (a run whose owner file is missing or whose JVM is gone): it kills
 * the processes in their namespaces and deletes the namespaces and the bridge. Runs of other live JVMs (tests
 * of another checkout at the same time) are left alone.
 *
 * <p>Loss ({@link #setLoss(String, int)}): the rule {@code meta l4proto udp numgen random mod 100 < N drop}
 * in the egress hook of the host's {@code eth0} (nftables family netdev, kernel 5.16 or later), so loopback
 * inside the namespace is exempt and a dropped datagram is lost silently (a drop in the output hook would
 * fail the sender's {@code sendto} with EPERM, which no real network does). UDP only: the SSH consoles and
 * the swtpm (TCP) stay reliable. Egress only: each datagram meets the rule once, on the host that sends it,
 * so with 80 % on every host a one-way datagram arrives with probability 20 % and a request and its answer 4 %.
 *
 * <p>Partition ({@link #partition(Collection, Collection)}): every host of one group drops all its UDP to the
 * addresses of the other group, and the other way round, until {@link #heal()}.
 *
 * <p>{@link #close()} kills every process still in the namespaces and deletes namespaces and bridge; a JVM
 * shutdown hook does the same for networks not closed. Needs root (namespaces, links, nftables), {@code ip}
 * (iproute2) and {@code nft} (nftables).
 */
public final class LossyNetwork implements AutoCloseable {

    /** The nftables table each host's namespace gets (family netdev, egress hook of its eth0). */
    public static final String NFT_TABLE = "aethercore_chaos";
    static final Path STATE_DIR = Path.of(System.getProperty("aethercore.netns.state", "/run/aethercore-netns"));
    private static final Pattern NAMESPACE = Pattern.compile("ac([0-9a-f]{6})-[A-Za-z0-9_.-]+");
    private static final Pattern BRIDGE = Pattern.compile("acbr([0-9a-f]{6})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<LossyNetwork> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (LossyNetwork n : OPEN) {
                try {
                    n.close();
                } catch (Exception e) {
                    System.err.println("LossyNetwork " + n.id + ": cleanup failed: " + e.getMessage());
                }
            }
        }, "lossy-network-cleanup"));
    }

    /** One host: a namespace with one interface on the bridge. */
    public static final class Host {
        private final String name;
        private final String namespace;
        private final String address;
        private final String rootVeth;
        private volatile int lossPercent;
        private final Set<String> blocked = new TreeSet<>();

        private Host(String name, String namespace, String address, String rootVeth) {
            this.name = name;
            this.namespace = namespace;
            this.address = address;
            this.rootVeth = rootVeth;
        }

        public String name() {
            return name;
        }

        /** The namespace's name ({@code ip netns exec <namespace> ...}). */
        public String namespace() {
            return namespace;
        }

        /** Its IPv4 address on the bridge, e.g. {@code 10.77.42.11}. */
        public String address() {
            return address;
        }

        /** The command prefix that runs a program in this namespace: {@code ip netns exec <namespace>}. */
        public List<String> launcher() {
            return List.of("ip", "netns", "exec", namespace);
        }

        /** {@link #launcher()} followed by the command. */
        public List<String> exec(String... command) {
            List<String> c = new ArrayList<>(launcher());
            c.addAll(List.of(command));
            return c;
        }

        /** The share of outgoing UDP datagrams dropped, in percent. */
        public int loss() {
            return lossPercent;
        }

        @Override
        public String toString() {
            return name + "[" + namespace + ", " + address + ", loss " + lossPercent + " %" + (blocked.isEmpty() ? "" : ", cut from " + blocked) + "]";
        }
    }

    private final String id;
    private final int subnet;
    private final String bridge;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private boolean closed;

    private LossyNetwork(String id, int subnet) {
        this.id = id;
        this.subnet = subnet;
        this.bridge = "acbr" + id;
    }

    /**
     * Removes what killed earlier runs left behind, picks a free subnet and makes the bridge.
     *
     * @throws IOException when not root or {@code ip}/{@code nft} are missing (with what to do), or a command fails
     */
    public static LossyNetwork create() throws IOException, InterruptedException {
        checkPrerequisites();
        Files.createDirectories(STATE_DIR);
        try (FileChannel ch = FileChannel.open(STATE_DIR.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            cleanStale();
            String id = HexFormat.of().formatHex(RANDOM.generateSeed(3));
            int subnet = freeSubnet();
            Files.writeString(STATE_DIR.resolve(id), "pid=" + ProcessHandle.current().pid() + "\nsubnet=10.77." + subnet
                    + ".0/24\n", StandardCharsets.UTF_8);
            LossyNetwork n = new LossyNetwork(id, subnet);
            OPEN.add(n);
            try {
                run("ip", "link", "add", n.bridge, "type", "bridge");
                run("ip", "addr", "add", n.bridgeAddress() + "/24", "dev", n.bridge);
                run("ip", "link", "set", n.bridge, "up");
            } catch (IOException | RuntimeException e) {
                n.closeQuietly(e);
                throw e;
            }
            return n;
        }
    }

    /**
     * Adds a host: its namespace ({@code lo} up), a veth pair to the bridge, the next address, an empty
     * nftables table.
     */
    public synchronized Host add(String name) throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("network " + id + " is closed");
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("host name must be letters, digits, _ . -: " + name);
        }
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("network " + id + " has a host " + name + " already");
        }
        int n = hosts.size() + 1;
        if (n > 240) {
            throw new IllegalStateException("at most 240 hosts per network");
        }
        Host h = new Host(name, "ac" + id + "-" + name, "10.77." + subnet + "." + (10 + n), "acv" + id + n);
        hosts.put(name, h);
        run("ip", "netns", "add", h.namespace);
        run("ip", "link", "add", h.rootVeth, "type", "veth", "peer", "name", "eth0", "netns", h.namespace);
        run("ip", "link", "set", h.rootVeth, "master", bridge, "up");
        run("ip", "-n", h.namespace, "addr", "add", h.address + "/24", "dev", "eth0");
        run("ip", "-n", h.namespace, "link", "set", "eth0", "up");
        run("ip", "-n", h.namespace, "link", "set", "lo", "up");
        apply(h);
        return h;
    }

    /** The host, or an exception naming the hosts there are. */
    public synchronized Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("network " + id + " has no host " + name + "; hosts: " + hosts.keySet());
        }
        return h;
    }

    /** The host, added when it is not there yet. */
    public synchronized Host hostOrAdd(String name) throws IOException, InterruptedException {
        Host h = hosts.get(name);
        return h != null ? h : add(name);
    }

    public synchronized List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /** This run's id (six hex digits, in every name it makes). */
    public String id() {
        return id;
    }

    /** The bridge's name in the root namespace. */
    public String bridge() {
        return bridge;
    }

    /** The bridge's address, {@code 10.77.X.1}: where the hosts see the test JVM. */
    public String bridgeAddress() {
        return "10.77." + subnet + ".1";
    }

    /** {@code 10.77.X.0/24}. */
    public String subnet() {
        return "10.77." + subnet + ".0/24";
    }

    // --------------------------------------------------------------------------------------------- faults

    /** Drops {@code percent} % (0 to 100) of the host's outgoing UDP datagrams from now on; 0 drops none. */
    public synchronized void setLoss(String host, int percent) throws IOException, InterruptedException {
        checkPercent(percent);
        Host h = host(host);
        h.lossPercent = percent;
        apply(h);
    }

    /** {@link #setLoss(String, int)} for every host. */
    public synchronized void setLossAll(int percent) throws IOException, InterruptedException {
        checkPercent(percent);
        for (Host h : hosts.values()) {
            h.lossPercent = percent;
            apply(h);
        }
    }

    /**
     * Cuts all UDP between the two groups of hosts (both directions; each host drops what it sends to the
     * other group's addresses). Adds to an earlier partition; {@link #heal()} removes all.
     */
    public synchronized void partition(Collection<String> a, Collection<String> b) throws IOException, InterruptedException {
        Set<String> both = new LinkedHashSet<>(a);
        both.retainAll(new LinkedHashSet<>(b));
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("hosts " + both + " are in both groups");
        }
        Set<Host> changed = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                Host hx = host(x), hy = host(y);
                hx.blocked.add(hy.address);
                hy.blocked.add(hx.address);
                changed.add(hx);
                changed.add(hy);
            }
        }
        for (Host h : changed) {
            apply(h);
        }
    }

    /** Ends every partition (the loss settings stay). */
    public synchronized void heal() throws IOException, InterruptedException {
        for (Host h : hosts.values()) {
            if (!h.blocked.isEmpty()) {
                h.blocked.clear();
                apply(h);
            }
        }
    }

    /** The host's nftables table as the kernel has it (with the counters): for failure messages. */
    public String ruleset(String host) throws IOException, InterruptedException {
        return run(host(host).exec("nft", "list", "table", "netdev", NFT_TABLE), null);
    }

    /** The nftables script that replaces the host's table in one transaction. */
    static String script(int lossPercent, Collection<String> blockedAddresses) {
        StringBuilder b = new StringBuilder();
        // declaring then deleting makes the replacement atomic and work whether or not the table exists
        b.append("table netdev ").append(NFT_TABLE).append('\n');
        b.append("delete table netdev ").append(NFT_TABLE).append('\n');
        b.append("table netdev ").append(NFT_TABLE).append(" {\n");
        b.append("  chain egress {\n");
        // the device's egress hook, not the output hook: a datagram dropped in the output hook fails the
        // sender's sendto() with EPERM, one dropped here is lost silently, as on a real link
        b.append("    type filter hook egress device \"eth0\" priority 0; policy accept;\n");
        if (!blockedAddresses.isEmpty()) {
            b.append("    meta l4proto udp ip daddr { ").append(String.join(", ", blockedAddresses))
                    .append(" } counter drop comment \"partition\"\n");
        }
        if (lossPercent > 0) {
            b.append("    meta l4proto udp numgen random mod 100 < ").append(lossPercent)
                    .append(" counter drop comment \"loss ").append(lossPercent).append(" %\"\n");
        }
        b.append("  }\n}\n");
        return b.toString();
    }

    private void apply(Host h) throws IOException, InterruptedException {
        run(h.exec("nft", "-f", "-"), script(h.lossPercent, h.blocked));
    }

    private static void checkPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss is a percentage from 0 to 100: " + percent);
        }
    }

    // -------------------------------------------------------------------------------------------- cleanup

    /**
     * Kills every process left in the namespaces, deletes them (which removes the veth pairs) and the
     * bridge, removes the owner file. Tries everything and throws the first failure afterwards.
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        List<String> namespaces = new ArrayList<>();
        hosts.values().forEach(h -> namespaces.add(h.namespace));
        try {
            teardown(id, namespaces);
        } catch (IOException e) {
            first = e;
        }
        OPEN.remove(this);
        if (first != null) {
            throw first;
        }
    }

    private void closeQuietly(Throwable primary) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            primary.addSuppressed(e);
        }
    }

    /** Removes the namespaces and bridge of run {@code id} (those given, and any others of its name). */
    private static void teardown(String id, Collection<String> known) throws IOException, InterruptedException {
        Set<String> namespaces = new LinkedHashSet<>(known);
        for (String ns : listNamespaces()) {
            Matcher m = NAMESPACE.matcher(ns);
            if (m.matches() && m.group(1).equals(id)) {
                namespaces.add(ns);
            }
        }
        IOException first = null;
        for (String ns : namespaces) {
            try {
                killAll(ns);
                if (Files.exists(Path.of("/run/netns", ns))) {
                    run("ip", "netns", "del", ns);
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        String bridge = "acbr" + id;
        if (Files.exists(Path.of("/sys/class/net", bridge))) {
            try {
                run("ip", "link", "del", bridge);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        Files.deleteIfExists(STATE_DIR.resolve(id));
        if (first != null) {
            throw first;
        }
    }

    /** SIGKILL to every process in the namespace, then waits until they are gone (at most 10 s). */
    private static void killAll(String namespace) throws IOException, InterruptedException {
        if (!Files.exists(Path.of("/run/netns", namespace))) {
            return;
        }
        List<ProcessHandle> procs = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "pids", namespace), null).split("\\s+")) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(procs::add);
            }
        }
        procs.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : procs) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    /** Tears down every run whose owner JVM is gone or unknown (called under the lock). */
    private static void cleanStale() throws IOException, InterruptedException {
        Set<String> ids = new TreeSet<>();
        for (String ns : listNamespaces()) {
            Matcher m = NAMESPACE.matcher(ns);
            if (m.matches()) {
                ids.add(m.group(1));
            }
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            s.map(p -> BRIDGE.matcher(p.getFileName().toString())).filter(Matcher::matches).forEach(m -> ids.add(m.group(1)));
        }
        try (Stream<Path> s = Files.list(STATE_DIR)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.matches("[0-9a-f]{6}")).forEach(ids::add);
        }
        for (String id : ids) {
            if (!ownerAlive(id)) {
                System.err.println("LossyNetwork: removing the leftovers of run " + id + " (its JVM is gone)");
                teardown(id, List.of());
            }
        }
    }

    private static boolean ownerAlive(String id) throws IOException {
        Path f = STATE_DIR.resolve(id);
        if (!Files.exists(f)) {
            return false;
        }
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("pid=")) {
                long pid = Long.parseLong(line.substring(4).trim());
                return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            }
        }
        return false;
    }

    private static List<String> listNamespaces() throws IOException {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** A third octet X whose 10.77.X.0/24 no address or route of the root namespace touches yet. */
    private static int freeSubnet() throws IOException, InterruptedException {
        String used = run(List.of("ip", "-4", "-o", "addr", "show"), null) + run(List.of("ip", "-4", "route", "show", "table", "all"), null);
        for (int attempt = 0; attempt < 500; attempt++) {
            int x = 1 + RANDOM.nextInt(254);
            if (!used.contains("10.77." + x + ".")) {
                return x;
            }
        }
        throw new IOException("no free 10.77.X.0/24 subnet: every one is in use in the root namespace");
    }

    private static void checkPrerequisites() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("network namespaces, bridges and nftables need root; this JVM runs as "
                    + System.getProperty("user.name") + " (run the tests as root, e.g. in the build container)");
        }
        for (String tool : new String[] {"ip", "nft"}) {
            boolean found = Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
            if (!found) {
                throw new IOException("'" + tool + "' is missing: apt-get install " + (tool.equals("ip") ? "iproute2" : "nftables")
                        + " (scripts/run-tests.sh installs it)");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ commands

    private static void run(String... command) throws IOException, InterruptedException {
        run(List.of(command), null);
    }

    /** Runs a command (optionally with standard input), returns its output, throws with it on failure. */
    static String run(List<String> command, String input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process p = pb.start();
        if (input != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip()
                    + (input == null ? "" : "\ninput:\n" + input));
        }
        return out;
    }

    @Override
    public String toString() {
        return "LossyNetwork[" + id + ", " + subnet() + ", bridge " + bridge + ", " + hosts.values() + "]";
    }
}
