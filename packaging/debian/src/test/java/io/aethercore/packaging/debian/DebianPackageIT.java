package io.aethercore.packaging.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Debian package as built by this module: its layout and modes (dpkg-deb), lintian (every tag left is one
 * docs/packaging.md explains), and src/test/sh/install-test.sh: install into a fresh root, systemd-analyze
 * verify, the node started as its unit starts it, stopped, upgraded, purged. Never skipped: the tools it
 * needs are installed with apt-get when missing and we are root; otherwise it fails.
 */
class DebianPackageIT {

    private static Path deb;
    private static Path moduleDir;

    @BeforeAll
    static void tools() throws Exception {
        deb = Path.of(System.getProperty("deb.file"));
        moduleDir = Path.of(System.getProperty("module.dir"));
        assertTrue(Files.isRegularFile(deb), "no package at " + deb);
        List<String> missing = new ArrayList<>();
        if (!onPath("lintian")) missing.add("lintian");
        if (!onPath("systemd-analyze")) missing.add("systemd");
        if (!onPath("unshare") || !onPath("setpriv")) missing.add("util-linux");
        if (!missing.isEmpty()) {
            assertEquals("0", run(List.of("id", "-u"), 10).out.trim(),
                    "the package test needs " + missing + " (apt-get install them, or run as root)");
            List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
            cmd.addAll(missing);
            Result r = run(cmd, 600);
            assertEquals(0, r.rc, "apt-get install " + missing + ": " + r.out);
        }
    }

    @Test
    void layoutAndModes() throws Exception {
        Result r = run(List.of("dpkg-deb", "--contents", deb.toString()), 60);
        assertEquals(0, r.rc, r.out);
        String c = r.out;
        assertTrue(c.matches("(?s).*-rwxr-xr-x root/root .* \\./opt/aethercore/bin/karaf\n.*"), "bin/karaf 0755");
        assertTrue(c.contains("./opt/aethercore/bin/audit-integrity-check"), c);
        assertTrue(c.contains("./opt/aethercore/etc -> /etc/aethercore"), "etc link");
        assertTrue(c.contains("./opt/aethercore/data -> /var/lib/aethercore"), "data link");
        assertTrue(c.matches("(?s).*-rw-r----- root/root .* \\./etc/aethercore/config\\.properties\n.*"), "etc 0640");
        assertTrue(c.contains("./etc/aethercore/io.aethercore.audit.sink.file-playbook.cfg"), "audit.log sink");
        assertTrue(c.contains("./etc/default/aethercore"), "/etc/default/aethercore");
        for (String u : List.of("aethercore-node.service", "aethercore-audit-integrity.service",
                "aethercore-audit-integrity.timer", "aethercore-gospel-backup.service", "aethercore-gospel-backup.timer")) {
            assertTrue(c.contains("./lib/systemd/system/" + u), u);
        }
        assertTrue(c.contains("./usr/lib/aethercore/aethercore-node"), "launcher");
        assertFalse(c.contains("./opt/aethercore/assembly/"), "the assembly's source folder leaked in");
        assertFalse(c.contains(".bat"), "Windows scripts");
        assertFalse(c.contains("./var/lib/aethercore/"), "data is created by postinst, not shipped");
        assertFalse(c.contains("genesis-bundle.bin"), "the genesis bundle is the operator's, never shipped");

        Result info = run(List.of("dpkg-deb", "--info", deb.toString()), 30);
        assertTrue(info.out.contains("Depends: openjdk-17-jre-headless | java17-runtime-headless, adduser"), info.out);
        Result conf = run(List.of("sh", "-c", "dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xOf - ./conffiles"), 30);
        Set<String> conffiles = new TreeSet<>(List.of(conf.out.split("\n")));
        for (String f : List.of("/etc/aethercore/config.properties", "/etc/aethercore/io.aethercore.b4ae.cfg",
                "/etc/aethercore/org.ops4j.pax.logging.cfg", "/etc/default/aethercore")) {
            assertTrue(conffiles.contains(f), f + " is not a conffile: " + conffiles);
        }
        // the journal gets Karaf's log without colour codes
        Result log = run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile '" + deb
                + "' | tar -xOf - ./etc/aethercore/org.ops4j.pax.logging.cfg"), 30);
        assertTrue(log.out.contains("log4j2.appender.console.layout.pattern = %-5level [%t] %c{1} - %msg%n%throwable"),
                "console pattern for the journal");
    }

    @Test
    void lintianTagsAreTheDocumentedOnes() throws Exception {
        Result r = run(List.of("lintian", "--tag-display-limit", "0", deb.toString()), 300);
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^[EWX]: aethercore: ([a-z0-9-]+)").matcher(r.out);
        while (m.find()) found.add(m.group(1));
        String docs = Files.readString(Path.of(System.getProperty("docs.file")));
        Set<String> documented = new TreeSet<>();
        Matcher d = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|").matcher(docs);
        while (d.find()) documented.add(d.group(1));
        Set<String> unexplained = new TreeSet<>(found);
        unexplained.removeAll(documented);
        assertTrue(unexplained.isEmpty(), "lintian tags not explained in docs/packaging.md: " + unexplained + "\n" + r.out);
        System.out.println("lintian tags (all documented): " + found);
    }

    @Test
    void installStartUpgradePurge() throws Exception {
        Path script = moduleDir.resolve("src/test/sh/install-test.sh");
        Path work = moduleDir.resolve("target/install-test");
        Result r = run(List.of("bash", script.toString(), deb.toString(), work.toString()), 420);
        System.out.println(r.out);
        assertEquals(0, r.rc, r.out);
        for (String step : List.of("dpkg -i into a fresh root", "systemd-analyze verify", "node started from the installed tree",
                "node stopped cleanly", "audit-integrity-check", "upgrade keeps conffile edits", "purge removes")) {
            assertTrue(r.out.contains("PASS " + step), "missing step: " + step);
        }
    }

    private static boolean onPath(String tool) throws Exception {
        return run(List.of("sh", "-c", "command -v " + tool), 10).rc == 0;
    }

    record Result(int rc, String out) { }

    private static Result run(List<String> cmd, int timeoutS) throws IOException, InterruptedException {
        Path out = Files.createTempFile("deb-it", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutS + " s: " + cmd + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
