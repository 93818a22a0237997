package io.aethercore.testing.karaf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A node's directory: unpacking the distribution into it, reading its logs, removing it. */
final class NodeHome {

    private final Path home;

    NodeHome(Path home) {
        this.home = home;
    }

    /** Sets keys of {@code etc/<fileName>.cfg} in one atomic write. */
    void configure(String fileName, java.util.Map<String, String> values) {
        try {
            CfgFile.setAll(home.resolve("etc").resolve(fileName + ".cfg"), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks a distribution (tar.gz) or copies an assembly directory into this home. */
    void unpack(Path distribution) throws IOException, InterruptedException {
        List<String> cmd;
        if (Files.isDirectory(distribution)) {
            Files.createDirectories(home);
            cmd = List.of("cp", "-a", distribution + "/.", home.toString());
        } else {
            Files.createDirectories(home);
            cmd = List.of("tar", "-xzf", distribution.toString(), "-C", home.toString(), "--strip-components=1");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        if (!Files.isExecutable(home.resolve("bin/karaf"))) {
            throw new IOException(distribution + " unpacked into " + home + " has no executable bin/karaf");
        }
    }

    /** The whole of {@code data/log/karaf.log}. */
    String log() {
        Path f = home.resolve("data/log/karaf.log");
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tails of karaf.log and of the JVM output, for failure messages. */
    String diagnostics() {
        String out = "";
        try {
            Path f = home.resolve("harness/karaf.out");
            out = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            out = e.toString();
        }
        // the readiness polling logs a line per SSH login: leave those out
        String log = log().lines().filter(l -> !(l.contains("ServerSessionImpl") && l.contains(" authenticated")))
                .collect(Collectors.joining("\n"));
        return "\n--- " + home.resolve("data/log/karaf.log") + " (last 40 lines, SSH logins left out) ---\n" + tail(log, 40)
                + "\n--- JVM output (last 20 lines) ---\n" + tail(out, 20);
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return all.subList(Math.max(0, all.size() - lines), all.size()).stream().collect(Collectors.joining("\n"));
    }

    /**
     * Gives each binding whose configuration file the distribution ships a free port (in a network namespace,
     * the B4AE endpoint takes the standard port on every address: the namespace is the node's own).
     *
     * @return binding id to port
     */
    java.util.Map<String, Integer> bindPorts(List<PortBinding> bindings, boolean inNamespace) throws IOException {
        Path etc = home.resolve("etc");
        java.util.Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        for (PortBinding b : bindings) {
            Path cfg = etc.resolve(b.pid() + ".cfg");
            if (!Files.exists(cfg)) {
                continue;
            }
            if (inNamespace && b.id().equals(PortBinding.B4AE)) {
                ports.put(b.id(), KarafNode.B4AE_NAMESPACE_PORT);
                CfgFile.set(cfg, b.key(), "0.0.0.0:" + KarafNode.B4AE_NAMESPACE_PORT);
                continue;
            }
            int port = ports.computeIfAbsent(b.id(), id -> FreePorts.next());
            CfgFile.set(cfg, b.key(), b.value(port));
        }
        return ports;
    }

    /**
     * Lets {@code key} log in to the console as {@code user} ({@code etc/keys.properties}), with {@code roles} or,
     * when null, the administrator's groups, and writes the private key to {@code harness/console.key}.
     */
    void authorize(ConsoleKey key, String user, String roles) throws IOException {
        Path keys = home.resolve("etc").resolve("keys.properties");
        String groups = roles;
        if (groups == null) {
            boolean adminGroup = Files.exists(keys) && Files.readString(keys).contains("_g_\\:admingroup");
            groups = adminGroup ? "_g_:admingroup" : "admin,manager,viewer,systembundles,ssh";
        }
        Files.writeString(keys, (Files.exists(keys) ? Files.readString(keys) : "") + "\n"
                + key.keysPropertiesLine(user, groups) + "\n", StandardCharsets.UTF_8);
        Files.createDirectories(home.resolve("harness"));
        key.writePrivateKey(home.resolve("harness").resolve("console.key"));
    }

    /**
     * Runs {@code command} through this directory's {@code bin/client} (a JVM per call, the command on standard
     * input in batch mode: with Karaf 4.4.10 a command given as an argument only prints "Closed"), with the key
     * {@link #authorize} wrote.
     */
    ConsoleResult binClient(String node, String user, int sshPort, String address, Path javaHome, String command)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", user, "-k",
                home.resolve("harness/console.key").toString(), "-p", Integer.toString(sshPort), "-h", address, "-b")
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_"));
        pb.environment().put("JAVA_HOME", javaHome.toString());
        Process p = pb.start();
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bin/client did not finish: " + out);
        }
        return new ConsoleResult(node, command, p.exitValue(), out.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", ""),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * {@code bin/karaf daemon} of this directory behind {@code prefix} (e.g. {@code ip netns exec}), with a clean
     * environment (no KARAF_* or JVM options of the test's own shell) plus {@code env}; output to
     * {@code harness/karaf.out}, no standard input.
     */
    ProcessBuilder karafDaemon(List<String> prefix, Path javaHome, java.util.Map<String, String> env) {
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.add(home.resolve("bin").resolve("karaf").toString());
        cmd.add("daemon");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        java.util.Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("KARAF_") || k.equals("JAVA_OPTS") || k.equals("EXTRA_JAVA_OPTS")
                || k.equals("JAVA_MIN_MEM") || k.equals("JAVA_MAX_MEM"));
        e.put("JAVA_HOME", javaHome.toString());
        e.putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = home.resolve("harness").resolve("karaf.out");
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
