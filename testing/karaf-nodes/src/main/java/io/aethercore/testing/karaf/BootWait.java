package io.aethercore.testing.karaf;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Waits for a booting node: each readiness probe in turn, until all hold, the JVM exits, or time runs out. */
final class BootWait {

    private BootWait() {
    }

    /**
     * @param console runs a console command (may throw while the console is not up yet)
     * @throws IllegalStateException when the JVM exits or {@code timeout} passes, with {@code diagnostics}
     */
    static void await(String node, Supplier<Process> process, List<KarafNode.Probe> probes, Duration timeout,
            Function<String, ConsoleResult> console, Supplier<String> diagnostics) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = 0;
        String last = "(the console never answered)";
        while (next < probes.size()) {
            Process p = process.get();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("node " + node + " exited" + (p == null ? "" : " with code " + p.exitValue())
                        + " while booting" + diagnostics.get());
            }
            KarafNode.Probe probe = probes.get(next);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node + " not ready after " + timeout.toSeconds() + " s: waiting for "
                        + probe.description() + "; last answer of `" + probe.command() + "`:\n" + last + diagnostics.get());
            }
            try {
                ConsoleResult r = console.apply(probe.command());
                last = r.output();
                if (r.ok() && probe.ready().test(r.output())) {
                    next++;
                    continue;
                }
            } catch (RuntimeException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
    }
}
