package io.aethercore.testing.swtpm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real TPM 2.0 simulator (swtpm) for tests and benchmarks: started on free ports (command port N,
 * control port N + 1, as the tpm2-tools swtpm TCTI expects) with its own
 * absolute state directory, stopped cleanly with {@code swtpm_ioctl -s} (or killed). Several run side by
 * side. Needs the Debian packages swtpm, swtpm-tools (and tpm2-tools for the interop tests).
 */
public final class Swtpm implements AutoCloseable {

    private final Path stateDir;
    private final int port;
    private final int ctrlPort;
    private final boolean ownsDir;
    private final String host;
    private final List<String> launcher;
    private long pid = -1;
    private Path extraDir;

    private Swtpm(Path stateDir, int port, int ctrlPort, boolean ownsDir) {
        this(stateDir, port, ctrlPort, ownsDir, "127.0.0.1", List.of());
    }

    private Swtpm(Path stateDir, int port, int ctrlPort, boolean ownsDir, String host, List<String> launcher) {
        this.stateDir = stateDir.toAbsolutePath();
        this.port = port;
        this.ctrlPort = ctrlPort;
        this.ownsDir = ownsDir;
        this.host = host;
        this.launcher = List.copyOf(launcher);
    }

    /** Starts a fresh simulator on free ports in a new temporary state directory. */
    public static Swtpm start() throws IOException, InterruptedException {
        return start("127.0.0.1", List.of());
    }

    /**
     * Starts a fresh simulator bound to {@code host} (command and control port), launched through
     * {@code launcher}: e.g. {@code start("10.77.3.11", List.of("ip", "netns", "exec", "ns1"))} runs it in
     * network namespace ns1 on that namespace's address, where both the namespace and the test JVM (through
     * the bridge) reach it. The launcher must exec its command ({@code ip netns exec} does).
     */
    public static Swtpm start(String host, List<String> launcher) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("swtpm-");
        int port = freePortPair();
        Swtpm s = new Swtpm(dir, port, port + 1, true, host, launcher);
        s.launch();
        return s;
    }

    /**
     * Starts a simulator manufactured like a real TPM: {@code swtpm_setup --create-ek-cert} first writes
     * endorsement keys and their certificates (RSA at NV index 0x01C00002, ECC at 0x01C00016), signed by
     * a local CA of its own in the state directory (not the system-wide swtpm-localca), and activates
     * the SHA-256 PCR bank only.
     */
    public static Swtpm startManufactured() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("swtpm-");
        Path ca = Files.createDirectories(dir.resolve("localca"));
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("localca.conf"), "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem")
                + "\nissuercert = " + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Files.writeString(dir.resolve("localca.options"), "--platform-manufacturer AetherCore\n--platform-version 1\n"
                + "--platform-model swtpm\n");
        Files.writeString(dir.resolve("setup.conf"), "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = "
                + dir.resolve("localca.conf") + "\ncreate_certs_tool_options = " + dir.resolve("localca.options")
                + "\nactive_pcr_banks = sha256\n");
        Process p = new ProcessBuilder("swtpm_setup", "--tpm2", "--tpmstate", state.toString(), "--create-ek-cert",
                "--config", dir.resolve("setup.conf").toString(), "--overwrite").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("swtpm_setup --create-ek-cert failed (apt-get install swtpm-tools): " + out);
        }
        int port = freePortPair();
        Swtpm s = new Swtpm(state, port, port + 1, true);
        s.extraDir = dir;
        s.launch();
        return s;
    }

    /** The local CA certificate that signed the EK certificates of a {@link #startManufactured()} simulator. */
    public Path localCaCertificate() {
        return extraDir == null ? null : extraDir.resolve("localca").resolve("issuercert.pem");
    }

    /**
     * A handle on a simulator another process started ({@link #start()} in the Pax Exam driver, used
     * inside the container): same state directory and ports, pid from the pid file.
     */
    public static Swtpm attach(Path stateDir, int port, int ctrlPort) throws IOException {
        Swtpm s = new Swtpm(stateDir, port, ctrlPort, false);
        Path pidFile = s.stateDir.resolve("swtpm.pid");
        if (Files.exists(pidFile)) {
            s.pid = Long.parseLong(Files.readString(pidFile).trim());
        }
        return s;
    }

    public int port() {
        return port;
    }

    public int ctrlPort() {
        return ctrlPort;
    }

    public String host() {
        return host;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The tpm2-tools TCTI string for this simulator. */
    public String tcti() {
        return "swtpm:host=" + host + ",port=" + port;
    }

    /** {@code host:port}, the form our configuration takes. */
    public String address() {
        return host + ":" + port;
    }

    /** Starts the simulator again on the same ports and state (after {@link #kill()} or {@link #stop()}). */
    public void launch() throws IOException, InterruptedException {
        Path pidFile = stateDir.resolve("swtpm.pid");
        Files.deleteIfExists(pidFile);
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("swtpm", "socket", "--tpm2",
                "--server", "type=tcp,port=" + port + ",bindaddr=" + host,
                "--ctrl", "type=tcp,port=" + ctrlPort + ",bindaddr=" + host,
                "--tpmstate", "dir=" + stateDir, "--flags", "not-need-init,startup-clear",
                "--pid", "file=" + pidFile, "--daemon"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String out = "";
        while (true) {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("cannot run swtpm (apt-get install swtpm swtpm-tools tpm2-tools): " + e.getMessage(), e);
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                break;
            }
            // the port of a killed instance may still be in use for a moment
            if (System.nanoTime() > deadline) {
                throw new IOException("swtpm did not start on port " + port + ": " + out);
            }
            Thread.sleep(100);
        }
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("swtpm wrote no pid file: " + out);
            }
            Thread.sleep(10);
        }
        pid = Long.parseLong(Files.readString(pidFile).trim());
        while (!accepts(host, port)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("swtpm does not accept connections on port " + port);
            }
            Thread.sleep(10);
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the simulator at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            waitGone();
        }
    }

    /** Stops it cleanly (swtpm_ioctl -s saves the state), or kills it when that fails. */
    public void stop() throws InterruptedException {
        if (pid <= 0) {
            return;
        }
        try {
            Process p = new ProcessBuilder("swtpm_ioctl", "--tcp", host + ":" + ctrlPort, "-s").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall through to kill
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        kill();
    }

    private void waitGone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        pid = -1;
    }

    /**
     * Runs a tpm2-tools command against this simulator; returns its output or throws with it.
     *
     * @param args the command and its arguments, e.g. {@code tpm2_pcrread sha256:0}
     */
    public String tpm2(Path workDir, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(args))).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("TPM2TOOLS_TCTI", tcti());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", args) + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "): " + out);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        stop();
        if (ownsDir) {
            try (Stream<Path> walk = Files.walk(extraDir != null ? extraDir : stateDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A free port whose next port is free too: the tpm2-tools swtpm TCTI uses port + 1 for control. */
    public static int freePortPair() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket a = new ServerSocket(0)) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try (ServerSocket b = new ServerSocket(p + 1)) {
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no two adjacent free ports");
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
