package io.aethercore.testing.karaf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds a JDK 17 for the nodes: Karaf 4.4.10 does not start on newer ones. */
final class Jdk17 {

    private Jdk17() {}

    static Path locate() {
        List<Path> candidates = new ArrayList<>();
        if (Runtime.version().feature() == 17) {
            candidates.add(Path.of(System.getProperty("java.home")));
        }
        String env = System.getenv("JAVA_HOME");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            s.sorted().forEach(candidates::add);
        } catch (IOException e) {
            // none there
        }
        for (Path c : candidates) {
            if (is17(c)) {
                return c;
            }
        }
        throw new IllegalStateException("the nodes need a JDK 17 (Karaf 4.4.10 does not start on newer ones); tried "
                + candidates + ": install openjdk-17-jdk-headless or pass KarafNode.Builder.javaHome");
    }

    private static boolean is17(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isRegularFile(release)) {
            return false;
        }
        try {
            return Files.readAllLines(release).stream().anyMatch(l -> l.matches("JAVA_VERSION=\"17(\\..*)?\""));
        } catch (IOException e) {
            return false;
        }
    }
}
