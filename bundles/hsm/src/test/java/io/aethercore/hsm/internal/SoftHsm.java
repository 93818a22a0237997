package io.aethercore.hsm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.aethercore.api.custody.KeyCustodyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SoftHSM2 of our own for one test: a config file (at {@code $SOFTHSM2_CONF}, set by surefire)
 * pointing at a fresh token directory, tokens made with {@code softhsm2-util}, and every custody the
 * test opened closed at the end (so that the library is finalised and the next test's {@code
 * C_Initialize} reads the next config). Missing tools fail the test; they are never a reason to skip.
 */
public final class SoftHsm implements AutoCloseable {

    public static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    static final String SO_PIN = "87654321";
    static final String PIN = "1234-test";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final Path tokenDir;
    final Path conf;
    private final List<Pkcs11KeyCustody> opened = new ArrayList<>();

    public SoftHsm(Path tempDir) throws IOException {
        requireTool("softhsm2-util");
        requireTool("pkcs11-tool");
        if (!Files.isRegularFile(Path.of(LIBRARY))) {
            fail(LIBRARY + " is missing: apt-get install softhsm2 opensc");
        }
        String env = System.getenv("SOFTHSM2_CONF");
        if (env == null) {
            fail("SOFTHSM2_CONF is not set: run the tests through Maven (surefire sets it for this module)");
        }
        conf = Path.of(env);
        tokenDir = tempDir.resolve("tokens");
        Files.createDirectories(tokenDir);
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\nlog.level = ERROR\n"
                + "slots.removable = false\n", StandardCharsets.UTF_8);
    }

    static void requireTool(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: apt-get install softhsm2 opensc (the PKCS#11 tests need SoftHSM2 and OpenSC;"
                + " they are never skipped)");
    }

    /** A fresh label for a new token. */
    public static String newLabel(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    public void initToken(String label) {
        run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", PIN);
    }

    /** Deletes every token file (the token is "removed"). */
    void deleteTokens() throws IOException {
        try (var paths = Files.walk(tokenDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(tokenDir)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    Pkcs11KeyCustody open(String label) throws KeyCustodyException {
        return open(label, PIN.toCharArray(), 4, Duration.ZERO);
    }

    Pkcs11KeyCustody open(String label, char[] pin, int pool, Duration retry) throws KeyCustodyException {
        Pkcs11KeyCustody c = new Pkcs11KeyCustody(null, LIBRARY, label, pin, pool, retry);
        synchronized (opened) {
            opened.add(c);
        }
        return c;
    }

    /** Runs a tool with our SOFTHSM2_CONF; fails the test on a non-zero exit. Returns stdout + stderr. */
    String run(String... command) {
        Result r = exec(command);
        if (r.exit != 0) {
            fail(String.join(" ", command) + " exited " + r.exit + ":\n" + r.output);
        }
        return r.output;
    }

    record Result(int exit, String output) {}

    Result exec(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("SOFTHSM2_CONF", conf.toString());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            fail("cannot run " + command[0] + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
            return null;
        }
    }

    @Override
    public void close() {
        synchronized (opened) {
            for (Pkcs11KeyCustody c : opened) {
                c.close();
            }
            opened.clear();
        }
    }

    static void assertExit(int expected, Result r) {
        assertEquals(expected, r.exit(), r.output());
    }
}
