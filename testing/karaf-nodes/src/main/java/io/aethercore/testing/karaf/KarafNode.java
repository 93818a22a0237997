package io.aethercore.testing.karaf;

import io.aethercore.testing.swtpm.Swtpm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One AetherCore node: a Karaf JVM of its own, unpacked from the assembled distribution into its own
 * directory, with its own free ports ({@link PortBinding}), its own data, optionally its own TPM
 * simulator, and a console reached over SSH with this run's key ({@link ConsoleKey}).
 *
 * <pre>{@code
 * try (KarafNode n = KarafNode.builder("node1").swtpm().build()) {
 *     n.start();                                  // unpack, ports, key, swtpm, launch, wait for boot
 *     String out = n.execute("aether:hash hello"); // throws ConsoleException when the command fails
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #prepare()} (unpack, ports, key, configuration; repeated configuration through
 * {@link #configure(String, String, String)} is applied to {@code etc/*.cfg} directly, before or while the
 * node runs), {@link #launch()} (starts {@code bin/karaf daemon}, which execs the JVM, so the process the
 * harness holds is the JVM itself), {@link #awaitReady()} (boot finished, every bundle active, then the
 * builder's readiness probes), {@link #stop()} (SIGTERM: Karaf's shutdown hook stops the framework), {@link
 * #kill()} (SIGKILL, for crash tests), {@link #restart()}, {@link #close()}. A JVM shutdown hook kills
 * every node still running when the test JVM exits.
 *
 * <p>The launch command can be wrapped ({@link Builder#launcher(String...)}), e.g. with {@code nice} or
 * {@code taskset}. The wrapper must exec its command (as {@code ip netns exec}, {@code setsid}, {@code nice},
 * {@code taskset} do) so that stopping the process stops the JVM; the harness also signals every descendant
 * it finds, in case one does not.
 *
 * <p>In a network namespace ({@link Builder#namespace(LossyNetwork)}) the node's JVM and its swtpm run
 * through {@code ip netns exec}: the node has its own address ({@link #address()}, {@code 10.77.X.Y}),
 * its B4AE endpoint listens on {@code 0.0.0.0:4000} ({@link #B4AE_NAMESPACE_PORT}) like a real node's, its
 * console is reached at its address, its swtpm listens on its address too, and {@link LossyNetwork} can drop
 * its outgoing UDP.
 */
public final class KarafNode implements AutoCloseable {

    /** A readiness condition: the command's output must satisfy the predicate. */
    public record Probe(String description, String command, Predicate<String> ready) {}

    private static final Set<KarafNode> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** The B4AE UDP port of a node in a network namespace (the distribution's default, on every address). */
    public static final int B4AE_NAMESPACE_PORT = 4000;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (KarafNode n : LIVE) {
                n.killQuietly();
            }
        }, "karaf-nodes-cleanup"));
    }

    private final String name;
    private final Path home;
    private final NodeHome files;
    private final Path distribution;
    private final ConsoleKey key;
    private final String user;
    private final String roles;
    private final Path javaHome;
    private final List<String> launcher;
    private final Map<String, String> env;
    private final Duration bootTimeout;
    private final List<Probe> probes;
    private final List<PortBinding> bindings;
    private final boolean withSwtpm;
    private final LossyNetwork network;
    private volatile LossyNetwork.Host netHost;
    private final List<String[]> configuration = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private volatile boolean prepared;
    private volatile Process process;
    private volatile Swtpm swtpm;
    private volatile long launchedAt;
    private volatile long bootMillis = -1;

    private KarafNode(Builder b) {
        this.name = b.name;
        this.home = b.baseDir.toAbsolutePath().resolve(b.name);
        this.files = new NodeHome(home);
        this.distribution = b.distribution != null ? b.distribution : Distribution.locate();
        this.key = b.key != null ? b.key : ConsoleKey.ofThisRun();
        this.user = b.user;
        this.roles = b.roles;
        this.javaHome = b.javaHome != null ? b.javaHome : Jdk17.locate();
        this.launcher = List.copyOf(b.launcher);
        this.env = Map.copyOf(b.env);
        this.bootTimeout = b.bootTimeout;
        this.probes = List.copyOf(b.probes);
        this.bindings = List.copyOf(b.bindings);
        this.withSwtpm = b.swtpm;
        this.network = b.network;
        this.configuration.addAll(b.configuration);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    // ---------------------------------------------------------------------------------------- lifecycle

    /**
     * Makes the node's directory: a fresh copy of the distribution (an earlier one of the same name is
     * deleted), free ports, this run's key for the console user, the swtpm, the configuration. Called by
     * {@link #start()} when needed.
     */
    public synchronized void prepare() throws IOException, InterruptedException {
        if (prepared) {
            return;
        }
        NodeHome.deleteTree(home);
        Files.createDirectories(home.getParent());
        files.unpack(distribution);
        if (network != null) {
            netHost = network.hostOrAdd(name);
        }
        Path etc = home.resolve("etc");
        ports.putAll(files.bindPorts(bindings, netHost != null));
        if (!ports.containsKey(PortBinding.SSH)) {
            throw new IllegalStateException(distribution + " has no etc/org.apache.karaf.shell.cfg: not a Karaf distribution?");
        }
        // the console listens where the harness reaches the node: the distribution's default is loopback only,
        // which a node in a network namespace would make unreachable from the test JVM
        CfgFile.set(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", address());
        files.authorize(key, user, roles);
        if (withSwtpm) {
            try {
                swtpm = netHost == null ? Swtpm.start() : Swtpm.start(netHost.address(), netHost.launcher());
            } catch (IOException e) {
                throw new IOException("node " + name + " needs a TPM simulator and swtpm could not start (run"
                        + " scripts/run-tests.sh, which installs it, or apt-get install swtpm swtpm-tools): " + e.getMessage(), e);
            }
            // the simulator only: "auto" would take the machine's own /dev/tpmrm0 first where one exists
            CfgFile.set(etc.resolve("io.aethercore.tpm.cfg"), "device", swtpm.address());
            CfgFile.set(etc.resolve("io.aethercore.tpm.cfg"), "simulator", swtpm.address());
        }
        synchronized (configuration) {
            for (String[] c : configuration) {
                CfgFile.set(etc.resolve(c[0] + ".cfg"), c[1], c[2]);
            }
        }
        prepared = true;
    }

    /** The whole of {@code data/log/karaf.log}. */
    public String log() {
        return files.log();
    }

    /** The last lines of {@code karaf.log}. */
    public String logTail(int lines) {
        return NodeHome.tail(files.log(), lines);
    }

    /** {@link #prepare()}, {@link #launch()}, {@link #awaitReady()}. */
    public void start() throws IOException, InterruptedException {
        prepare();
        launch();
        awaitReady();
    }

    /** Starts the JVM in the background and returns at once (see {@link #awaitReady()}). */
    public synchronized void launch() throws IOException, InterruptedException {
        prepare();
        if (isRunning()) {
            throw new IllegalStateException("node " + name + " is already running (pid " + process.pid() + ")");
        }
        ProcessBuilder pb = files.karafDaemon(netHost == null ? launcher : concat(netHost.launcher(), launcher), javaHome,
                env);
        launchedAt = System.nanoTime();
        bootMillis = -1;
        process = pb.start();
        LIVE.add(this);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /**
     * Waits until Karaf's boot features are installed ({@code BootFinished}), every bundle is active
     * (fragments resolved), and every readiness probe of the builder is satisfied.
     *
     * @throws IllegalStateException when the JVM exits or the boot timeout passes, with the tail of
     *                               {@code karaf.log} and of the JVM's console output
     */
    public void awaitReady() throws InterruptedException {
        List<Probe> all = new ArrayList<>();
        all.add(new Probe("Karaf boot features installed (BootFinished)",
                "service:list org.apache.karaf.features.BootFinished", o -> o.contains("BootFinished")));
        all.add(new Probe("every bundle Active (fragments Resolved)", "bundle:list -t 0 --no-format", BundleStates::allUp));
        all.addAll(probes);
        BootWait.await(name, () -> process, all, bootTimeout, command -> {
            try {
                return SshConsole.run(name, address(), sshPort(), user, key, command, Duration.ofSeconds(20));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, files::diagnostics);
        bootMillis = (System.nanoTime() - launchedAt) / 1_000_000;
    }

    /** Stops the node: SIGTERM (Karaf stops the framework), SIGKILL after 30 s. Keeps its directory. */
    public synchronized void stop() throws InterruptedException {
        end(true);
    }

    /** Kills the JVM at once (SIGKILL), as a crash or power loss would; the swtpm keeps running. */
    public synchronized void kill() throws InterruptedException {
        end(false);
    }

    /** Ends the JVM (and its children: bin/karaf's java), gracefully first or at once. */
    private void end(boolean gracefully) throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        if (gracefully) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } else {
            p.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(10, TimeUnit.SECONDS);
        process = null;
        LIVE.remove(this);
    }

    private void killQuietly() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        Swtpm s = swtpm;
        if (s != null) {
            try {
                s.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops (if running) and starts again on the same directory, ports, data and swtpm. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
        awaitReady();
    }

    /** Stops the node and its swtpm. The directory stays (under the build's target/) for inspection. */
    @Override
    public void close() throws InterruptedException, IOException {
        try {
            stop();
        } finally {
            Swtpm s = swtpm;
            swtpm = null;
            if (s != null) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ console

    /**
     * Runs a console command and returns what it printed.
     *
     * @throws ConsoleException when the command failed (non-zero exit status, "Error executing command",
     *                          "Command not found") or the console did not answer; the message has the output
     */
    public String execute(String command) {
        return execute(command, COMMAND_TIMEOUT);
    }

    public String execute(String command, Duration timeout) {
        ConsoleResult r = run(command, timeout);
        if (!r.ok() || r.output().contains("Error executing command")) {
            throw new ConsoleException("node " + name + ": `" + command + "` failed (exit " + r.exitStatus() + "):\n"
                    + r.output(), r, null);
        }
        return r.output();
    }

    /** Runs a console command and returns its result whatever the exit status. */
    public ConsoleResult run(String command) {
        return run(command, COMMAND_TIMEOUT);
    }

    public ConsoleResult run(String command, Duration timeout) {
        try {
            return SshConsole.run(name, address(), sshPort(), user, key, command, timeout);
        } catch (IOException e) {
            throw new ConsoleException("node " + name + ": console on port " + sshPort() + " did not answer `" + command
                    + "`: " + e.getMessage() + (isRunning() ? "" : " (the node is not running)"), null, e);
        }
    }

    /**
     * Repeats a command until its output satisfies the condition (failures count as not yet), and returns
     * that output.
     *
     * @throws ConsoleException after the timeout, with the last output
     */
    public String awaitOutput(String command, Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            try {
                ConsoleResult r = run(command, timeout);
                last = r.output();
                if (r.ok() && condition.test(r.output())) {
                    return r.output();
                }
            } catch (ConsoleException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new ConsoleException("node " + name + ": `" + command + "` did not give the expected output within "
                        + timeout.toSeconds() + " s; last:\n" + last, null, null);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Runs a command through the distribution's own {@code bin/client} (a JVM per call, command on standard
     * input in batch mode: with Karaf 4.4.10 a command given as an argument only prints "Closed"). Slower
     * than {@link #run(String)}; here to compare and for what a user at a shell does.
     */
    public ConsoleResult runWithBinClient(String command) throws IOException, InterruptedException {
        return files.binClient(name, user, sshPort(), address(), javaHome, command);
    }

    // ------------------------------------------------------------------------------------ configuration

    /**
     * Sets {@code key = value} in {@code etc/<pid>.cfg}: remembered until {@link #prepare()} if the node is not
     * prepared yet, written at once otherwise (a running node's Felix FileInstall picks the change up
     * within about a second and updates the configuration). The value is written as is: {@code I"200"}
     * for an Integer, {@code ["a", "b"]} for an array.
     */
    public KarafNode configure(String pid, String key, String value) {
        configuration.add(new String[] {pid, key, value});
        if (prepared) {
            files.configure(pid, Map.of(key, value));
        }
        return this;
    }

    /**
     * Sets several keys of {@code etc/<fileName>.cfg} of a prepared node in one atomic write (FileInstall sees
     * all of them or none): {@code fileName} is the PID, or {@code factoryPid-name} for a factory configuration.
     */
    public KarafNode configureAll(String fileName, Map<String, String> values) {
        if (!prepared) {
            throw new IllegalStateException("node " + name + " is not prepared yet; use configure(...) before the start");
        }
        files.configure(fileName, values);
        return this;
    }

    // ------------------------------------------------------------------------------------------ queries

    public String name() {
        return name;
    }

    /** The node's Karaf home (and base): {@code bin/}, {@code etc/}, {@code data/}. */
    public Path home() {
        return home;
    }

    /** The port assigned to a {@link PortBinding} id (after {@link #prepare()}). */
    public int port(String id) {
        Integer p = ports.get(id);
        if (p == null) {
            throw new IllegalArgumentException("node " + name + " has no port '" + id + "'" + (prepared ? "" : " (not prepared yet)")
                    + "; ports: " + ports);
        }
        return p;
    }

    public Map<String, Integer> ports() {
        return Collections.unmodifiableMap(ports);
    }

    public int sshPort() {
        return port(PortBinding.SSH);
    }

    /**
     * The B4AE UDP endpoint as other nodes reach it: {@code 127.0.0.1:<free port>}, or in a network namespace
     * {@code <address()>:4000} (the value for the mesh's advertised {@code address}).
     */
    public String b4aeAddress() {
        return address() + ":" + port(PortBinding.B4AE);
    }

    /**
     * Where the node is reached: {@code 127.0.0.1}, or in a network namespace its address there
     * ({@code 10.77.X.Y}, known after {@link #prepare()}).
     */
    public String address() {
        LossyNetwork.Host h = netHost;
        if (h != null) {
            return h.address();
        }
        if (network != null) {
            throw new IllegalStateException("node " + name + " has no address in its namespace yet (not prepared)");
        }
        return "127.0.0.1";
    }

    /** The node's network namespace (after {@link #prepare()}), or null when it runs in the root namespace. */
    public LossyNetwork.Host namespace() {
        return netHost;
    }

    /** The node's TPM simulator, or null when it has none. */
    public Swtpm swtpm() {
        return swtpm;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The JVM's process id, -1 when not running. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Milliseconds from the last launch to ready, -1 while booting. */
    public long bootMillis() {
        return bootMillis;
    }

    @Override
    public String toString() {
        LossyNetwork.Host h = netHost;
        return "KarafNode[" + name + (h == null ? "" : ", " + h.namespace() + " " + h.address()) + ", ssh "
                + ports.get(PortBinding.SSH) + ", " + home + "]";
    }

    // ------------------------------------------------------------------------------------------ builder

    /** How to make a node; {@link #build()} makes it (nothing is unpacked or started until asked). */
    public static final class Builder {
        private final String name;
        private Path baseDir = Path.of(System.getProperty("aethercore.karaf.nodes.dir", "target/karaf-nodes"));
        private Path distribution;
        private ConsoleKey key;
        private String user = "operator";
        private String roles;
        private Path javaHome;
        private final List<String> launcher = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Duration bootTimeout = Duration.ofSeconds(Long.getLong("aethercore.karaf.nodes.boot.timeout", 180));
        private final List<Probe> probes = new ArrayList<>();
        private final List<PortBinding> bindings = new ArrayList<>(PortBinding.DEFAULTS);
        private boolean swtpm;
        private LossyNetwork network;
        private final List<String[]> configuration = new ArrayList<>();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw new IllegalArgumentException("node name must be letters, digits, _ . -: " + name);
            }
            this.name = name;
        }

        /** Where node directories go ({@code <baseDir>/<name>}); default {@code target/karaf-nodes}. */
        public Builder baseDir(Path dir) {
            this.baseDir = dir;
            return this;
        }

        /**
         * The distribution: a {@code .tar.gz} or an unpacked directory. Default: system property
         * {@code aethercore.distribution}, else the installed tar.gz in the local Maven repository, else the
         * reactor's {@code karaf-distro/target}.
         */
        public Builder distribution(Path tarGzOrDirectory) {
            this.distribution = tarGzOrDirectory;
            return this;
        }

        /** The console key (default: {@link ConsoleKey#ofThisRun()}). */
        public Builder key(ConsoleKey key) {
            this.key = key;
            return this;
        }

        /** The console user the key is registered for (default {@code operator}). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Its roles or groups in keys.properties (default {@code _g_:admingroup}: admin, manager, viewer, systembundles, ssh). */
        public Builder roles(String rolesOrGroups) {
            this.roles = rolesOrGroups;
            return this;
        }

        /** A JDK 17 for the node (default: this JVM's if it is a 17, else one found in the usual places). */
        public Builder javaHome(Path jdk) {
            this.javaHome = jdk;
            return this;
        }

        /**
         * A prefix for the launch command, e.g. {@code launcher("ip", "netns", "exec", "ns1")}; it must exec
         * its command (see the class comment).
         */
        public Builder launcher(String... prefix) {
            this.launcher.clear();
            this.launcher.addAll(List.of(prefix));
            return this;
        }

        /** An environment variable of the node's JVM (e.g. {@code B4AE_AUTH_MODE}, {@code JAVA_MAX_MEM}). */
        public Builder env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        public Builder bootTimeout(Duration timeout) {
            this.bootTimeout = timeout;
            return this;
        }

        /** A further readiness condition, checked after boot finished and all bundles are active. */
        public Builder readyWhen(String description, String command, Predicate<String> ready) {
            this.probes.add(new Probe(description, command, ready));
            return this;
        }

        /** A further port of the node's own (see {@link PortBinding}). */
        public Builder port(PortBinding binding) {
            this.bindings.add(binding);
            return this;
        }

        /** Gives the node its own swtpm, started in {@link KarafNode#prepare()}, set as its TPM device. */
        public Builder swtpm() {
            this.swtpm = true;
            return this;
        }

        /**
         * Runs the node (and its swtpm) in its own namespace of {@code net}, a host named after the node (made
         * in {@link KarafNode#prepare()} when the network has none of that name yet). See the class comment.
         */
        public Builder namespace(LossyNetwork net) {
            this.network = net;
            return this;
        }

        /** {@code key = value} in {@code etc/<pid>.cfg}, written before the first start. */
        public Builder configure(String pid, String key, String value) {
            this.configuration.add(new String[] {pid, key, value});
            return this;
        }

        public KarafNode build() {
            return new KarafNode(this);
        }
    }
}
