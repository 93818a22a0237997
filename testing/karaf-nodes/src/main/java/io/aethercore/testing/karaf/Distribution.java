package io.aethercore.testing.karaf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the assembled AetherCore distribution to unpack. */
final class Distribution {

    private Distribution() {}

    /**
     * In order: system property {@code aethercore.distribution} (a tar.gz or a directory); the tar.gz the
     * reactor installed in the local Maven repository ({@code maven.repo.local}, {@code aethercore.version},
     * both passed by the itests' failsafe configuration); the reactor's {@code karaf-distro/target} seen
     * from the working directory or a parent of it.
     */
    static Path locate() {
        List<String> tried = new ArrayList<>();
        String explicit = System.getProperty("aethercore.distribution");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (Files.exists(p)) {
                return p;
            }
            throw new IllegalStateException("aethercore.distribution=" + explicit + " does not exist");
        }
        String repo = System.getProperty("maven.repo.local");
        String version = System.getProperty("aethercore.version");
        if (repo != null && version != null) {
            Path p = Path.of(repo, "io", "aethercore", "aethercore-karaf-distro", version,
                    "aethercore-karaf-distro-" + version + ".tar.gz");
            if (Files.isRegularFile(p)) {
                return p;
            }
            tried.add(p.toString());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("karaf-distro").resolve("target");
            if (Files.isExecutable(target.resolve("assembly/bin/karaf"))) {
                return target.resolve("assembly");
            }
            if (Files.isDirectory(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    var tgz = s.filter(f -> f.getFileName().toString().matches("aethercore-karaf-distro-.*\\.tar\\.gz")).findFirst();
                    if (tgz.isPresent()) {
                        return tgz.get();
                    }
                } catch (IOException e) {
                    // go on looking
                }
            }
            tried.add(target.toString());
        }
        throw new IllegalStateException("no AetherCore distribution found (tried " + tried + "): build it with"
                + " ./mvnw -pl karaf-distro -am install -DskipTests, or set -Daethercore.distribution=PATH");
    }
}
