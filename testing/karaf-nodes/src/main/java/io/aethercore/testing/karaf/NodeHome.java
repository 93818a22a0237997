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
