package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.dashboard.testing.Chrome;
import io.aethercore.itests.DrillReport.Outcome;
import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import io.aethercore.testing.karaf.LossyNetwork;
import io.aethercore.testing.karaf.PortBinding;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playbook drill (issue 16, item 7): the production playbook's Phases 1 to 8 on this one machine, a Federation
 * Authority and its nodes, each a Karaf JVM in its own network namespace with its own swtpm, nftables loss on
 * every interface, an operator key on SoftHSM2, a real Chromium for the dashboard. Each step prints one line with
 * its verdict, the measured figure and the playbook's number ({@link DrillReport}), and the whole goes to
 * {@code target/playbook-report.md}.
 *
 * <p>Two sizes: the short run (the default, part of the test command) has the authority and two nodes and short
 * load tests; the full run ({@code -Ddrill.full=true}, {@code scripts/playbook-drill.sh}) has four nodes and the
 * playbook's durations. The test fails when any step FAILs; a MISS (a figure the playbook sets for production
 * hardware missed on this machine) is written down, not failed (docs/playbook-drill.md).
 */
class PlaybookDrillIT {

    static final boolean FULL = Boolean.getBoolean("drill.full");
    static final String MESH = "io.aethercore.mesh";
    static final String FA = "fa-1";
    static final List<String> MEMBERS = FULL ? List.of("unit-alpha-7", "unit-bravo-3", "unit-charlie-5", "unit-test-1")
            : List.of("unit-alpha-7", "unit-test-1");
    static final String PURGED = "unit-test-1";
    static final String HOST = "sentinel.aethercore.local";
    static final Duration WAIT = Duration.ofSeconds(45);
    static final Pattern NEW_ROOT = Pattern.compile("Gospel root ([0-9a-f]{16}) \\(");
    static final Pattern EVENT_ID = Pattern.compile("\"event_id\": \"([0-9a-f-]+)\"");

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(1 + MEMBERS.size(), i -> i == 1
            ? AetherCoreNodes.node(FA).configure(AetherCoreNodes.B4AE_PID, "enrollment.accept_unpinned", "true")
                    .env("SOFTHSM2_CONF", softhsmConf().toString())
            : AetherCoreNodes.node(MEMBERS.get(i - 2))).inNamespaces();

    static final DrillReport REPORT = new DrillReport("AetherCore playbook drill (" + (FULL ? "full" : "short") + " run)");
    static KarafNode fa;
    static List<KarafNode> members = new ArrayList<>();
    static List<KarafNode> all = new ArrayList<>();
    static LossyNetwork net;
    static Path rootPem, bundle, password;
    static Chrome chrome;
    static int dashboardPort;

    static Path drillDir() {
        return Path.of("target", "playbook-drill").toAbsolutePath();
    }

    static Path softhsmConf() {
        return drillDir().resolve("softhsm2.conf");
    }

    @AfterAll
    static void report() throws Exception {
        if (chrome != null) {
            chrome.close();
        }
        String setup = String.format(Locale.ROOT, "One Federation Authority (`%s`) and %d nodes (%s), each a Karaf JVM of the"
                + " assembled distribution in its own network namespace with its own swtpm; nftables loss on every"
                + " node's interface; the operator's key on a SoftHSM2 token; headless Chromium for the dashboard."
                + " One shared machine: %d cores, %s.", FA, MEMBERS.size(), String.join(", ", MEMBERS),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        REPORT.write(Path.of("target", "playbook-report.md"), setup);
    }

    @Test
    void thePlaybookPhases1To8() throws Exception {
        fa = NODES.node(1);
        for (int i = 2; i <= NODES.size(); i++) {
            members.add(NODES.node(i));
        }
        all.add(fa);
        all.addAll(members);
        net = NODES.network();
        System.out.printf("Playbook drill: %d nodes in namespaces ready in %d ms%n", all.size(), NODES.startMillis());

        phase1();
        phase2();
        phase3();
        phase4();
        phase5();
        phase6();
        phase7();
        phase8();

        List<String> failed = REPORT.with(DrillReport.Verdict.FAIL).stream().map(DrillReport::line).toList();
        assertEquals(List.of(), failed, "every playbook step works");
    }

    // ---- Phase 1: pre-deployment validation

    void phase1() {
        REPORT.step("1.1", "TPM health check (every node)", "[SUCCESS] TPM attestation passed", () -> {
            for (KarafNode n : all) {
                String out = n.execute("aether:tpm-test");
                assertTrue(out.contains("[SUCCESS] TPM attestation passed"), n.name() + ": " + out);
            }
            return Outcome.met(all.size() + "/" + all.size() + " nodes: quote over PCRs 0,1,2,7 verified (swtpm)");
        });
        REPORT.step("1.2", "Cryptographic benchmarks (authority)", "no row at its failure level", () -> {
            String out = fa.execute("aether:bench --seconds " + (FULL ? 3 : 1), Duration.ofSeconds(90));
            List<String> rows = out.lines().filter(l -> l.contains("BLAKE3 (1MB)") || l.contains("Ed25519 Sign")
                    || l.contains("Ed25519 Verify") || l.contains("Merkle Vine Append")).map(String::strip).toList();
            assertEquals(4, rows.size(), out);
            boolean failure = rows.stream().anyMatch(r -> r.contains("FAIL"));
            assertTrue(!failure, "a row at the playbook's failure level:\n" + out);
            // a software key serving the "Ed25519 Sign (TPM)" row (swtpm has no Ed25519) is not what the playbook measures
            boolean target = rows.stream().allMatch(r -> r.contains("(target)")) && !out.contains("SOFTWARE key");
            List<String> figures = new ArrayList<>();
            for (String r : rows) {
                String[] cols = r.split("\\s{2,}");
                figures.add(cols[0] + " " + (cols.length > 1 ? cols[1] : "?") + (r.contains("SOFTWARE key") ? " (software key)" : ""));
            }
            return Outcome.of(String.join("; ", figures), target);
        });
        REPORT.step("1.3", "Network and clock (preflight, SNTP)", "NTP offset < 1 s; ports free", () -> {
            try (SntpResponder ntp = SntpResponder.start(net.bridgeAddress())) {
                String out = fa.run("aether:preflight --bench-seconds 1 --ntp " + net.bridgeAddress() + ":" + ntp.port(),
                        Duration.ofSeconds(120)).output();
                String clock = out.lines().filter(l -> l.contains("clock")).findFirst().orElse("");
                assertTrue(clock.contains("PASS"), "the clock line:\n" + out);
                assertTrue(ntp.answered() > 0, "the SNTP responder was asked");
                List<String> fails = out.lines().filter(l -> l.startsWith("FAIL")).toList();
                assertTrue(fails.isEmpty(), "preflight FAIL lines:\n" + out);
                return Outcome.met(clock.strip().replaceAll("\\s{2,}", " "));
            }
        });
    }

    // ---- Phase 2: genesis bundle

    void phase2() throws Exception {
        Path etc = Files.createDirectories(fa.home().resolve("etc/aethercore"));
        rootPem = etc.resolve("federation-root.pem");
        bundle = etc.resolve("genesis-bundle.bin");
        password = etc.resolve("genesis-bundle.pass");
        REPORT.step("2.1", "Federation root certificate (TPM-backed key)", "private key in the TPM, never on disk", () -> {
            String out = fa.execute("aether:keygen --type federation-root --validity-days 3650 --output " + rootPem);
            assertTrue(out.contains("generated inside custody tpm"), out);
            return Outcome.met("key generated inside custody tpm; " + Files.size(rootPem) + "-byte PEM certificate");
        });
        REPORT.step("2.2", "Genesis bundle", "encrypted, signed bundle", () -> {
            MeshIT.writeSecret(password, "playbook drill passphrase " + System.nanoTime());
            String out = fa.execute("aether:genesis --root-cert " + rootPem + " --initial-merkle-root " + "ab".repeat(32)
                    + " --output " + bundle + " --password-file " + password + " --authority-name " + FA
                    + " --authority-address " + fa.b4aeAddress() + " --pcr-policy current --allow-software-attestation"
                    + " --heartbeat-seconds 1 --reattestation-seconds 60");
            assertTrue(out.contains("Genesis bundle written"), out);
            fa.configureAll(MESH, Map.of("role", "authority", "node_id", FA, "address", fa.b4aeAddress()));
            MeshIT.awaitLog(fa, "[SUCCESS] Federation Authority " + FA + " serving enrollment", Duration.ofSeconds(60));
            return Outcome.met(Files.size(bundle) + " bytes; authority serving enrollment");
        });
        REPORT.step("2.3", "Distribute the bundle (Option A, mode 0400)", "0400 on every node", () -> {
            for (KarafNode m : members) {
                MeshIT.installGenesis(m, bundle, password);
                Path b = m.home().resolve("etc/aethercore/genesis-bundle.bin");
                assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(b)), m.name());
            }
            return Outcome.met(members.size() + " nodes, r-------- ");
        });
    }

    // ---- Phase 3: enrollment

    void phase3() {
        REPORT.step("3.1", "Boot with the bundle and enrol", "the playbook's log sequence", () -> {
            long t0 = System.nanoTime();
            for (KarafNode m : members) {
                m.configureAll(MESH, Map.of("role", "member", "node_id", m.name(), "address", m.b4aeAddress()));
            }
            for (KarafNode m : members) {
                m.awaitOutput("aether:enrollment", o -> o.contains("State:         ENROLLED"), Duration.ofSeconds(120));
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            for (KarafNode m : members) {
                String log = m.log();
                for (String line : new String[] {"Loading genesis bundle from", "[SUCCESS] Genesis bundle validated",
                    "Generating TPM Quote for enrollment", "Sending enrollment request to Federation Authority",
                    "Received PlatformIdentity (NodeID: " + m.name() + ")", "[SUCCESS] Enrollment complete. Joining mesh"}) {
                    assertTrue(log.contains(line), m.name() + " logs '" + line + "'");
                }
            }
            return Outcome.met(members.size() + " nodes enrolled in " + took + " ms, six log lines each");
        });
        REPORT.step("3.2", "aether-ctl list-nodes --status HEALTHY", "every node HEALTHY", () -> {
            long t0 = System.nanoTime();
            String out = "";
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end) {
                AetherCtlIT.Run r = AetherCtlIT.ctl(fa, "list-nodes", "--status", "HEALTHY");
                assertEquals(0, r.exit(), r.out());
                out = r.out();
                if (all.stream().allMatch(n -> r.out().contains(n.name()))) {
                    break;
                }
                Thread.sleep(500);
            }
            for (KarafNode n : all) {
                assertTrue(out.contains(n.name()), n.name() + " HEALTHY in:\n" + out);
            }
            return Outcome.met(all.size() + " nodes HEALTHY, seen " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                    + " ms after enrolment");
        });
    }

    // ---- Phase 4: the dashboard

    void phase4() {
        dashboardPort = fa.port(PortBinding.DASHBOARD);
        Path keyStore = fa.home().resolve("etc/aethercore/dashboard.p12");
        REPORT.step("4.1", "Dashboard certificate and trusted root", "TLS 1.3, chains to the federation root", () -> {
            String out = fa.execute("aether:keygen --type dashboard --root " + rootPem + " --hostname " + HOST
                    + " --output " + keyStore);
            assertTrue(out.contains("Dashboard certificate"), out);
            Path trusted = Files.createDirectories(fa.home().resolve("etc/aethercore/dashboard")).resolve("trusted-root.pem");
            Files.copy(rootPem, trusted, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(trusted, PosixFilePermissions.fromString("r--r--r--"));
            return Outcome.met("certificate for " + HOST + " under the root; trusted-root.pem 0444");
        });
        REPORT.step("4.2", "WSS endpoint (config.json)", "wss://, pinned root, TLSv1.3, 1 Hz, sweep 10 Hz", () -> {
            Path json = fa.home().resolve("etc/aethercore/dashboard/config.json");
            Files.writeString(json, """
                    {
                      "websocket": {
                        "url": "wss://%s/mesh/health",
                        "tls": {
                          "pinned_cert": "%s",
                          "min_version": "TLSv1.3"
                        }
                      },
                      "update_frequency_hz": 1,
                      "aetheric_sweep_frequency_hz": 10
                    }
                    """.formatted(HOST, fa.home().resolve("etc/aethercore/dashboard/trusted-root.pem")));
            fa.configure("io.aethercore.dashboard", "config_json", json.toString());
            String status = fa.awaitOutput("aether:dashboard-status", o -> o.contains("Dashboard: LISTENING")
                    && o.contains("RP id " + HOST), WAIT);
            assertTrue(status.contains("TLS 1.3 only"), status);
            return Outcome.met("listening on " + dashboardPort + ", TLS 1.3 only, url wss://" + HOST + "/mesh/health");
        });
        REPORT.step("4.3", "Open the dashboard, log in with a hardware token", "login with a hardware token", () -> {
            String enrol = fa.execute("aether:operator-enrol alice");
            Matcher m = Pattern.compile("#enrol=([A-Za-z0-9_-]+)").matcher(enrol);
            assertTrue(m.find(), enrol);
            X509Certificate root;
            try (InputStream in = Files.newInputStream(rootPem)) {
                root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            chrome = Chrome.startTrusting(List.of(root), "--host-resolver-rules=MAP " + HOST + " " + fa.address());
            chrome.addSecurityKey();
            ChromeDriver d = chrome.driver();
            long t0 = System.nanoTime();
            d.get("https://" + HOST + ":" + dashboardPort + "/#enrol=" + m.group(1));
            WebDriverWait wait = new WebDriverWait(d, WAIT);
            wait.until(x -> "enrol".equals(js("return document.body.dataset.view")));
            d.findElement(By.id("enrol-button")).click();
            wait.until(x -> "login".equals(js("return document.body.dataset.view")));
            d.findElement(By.id("login-button")).click();
            wait.until(x -> "dashboard".equals(js("return document.body.dataset.view")));
            wait.until(x -> d.findElements(By.cssSelector("#nodes tbody tr[data-status=HEALTHY]")).size() == all.size());
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return Outcome.met("virtual FIDO key enrolled and logged in; " + all.size() + " nodes HEALTHY on the page, "
                    + took + " ms from first load");
        });
        REPORT.step("2.3B", "Bundle over mutual TLS (Option B, curl)", "mTLS download", () -> {
            Path dir = Files.createDirectories(drillDir().resolve("pki"));
            Path certPem = dir.resolve("node-cert.pem");
            Path keyPem = dir.resolve("node-cert.key");
            String out = fa.execute("aether:keygen --type tls-client --root " + rootPem + " --common-name "
                    + members.get(0).name() + " --output " + certPem);
            assertTrue(out.contains("Client certificate") && Files.exists(keyPem), out);
            Path got = dir.resolve("genesis-bundle.bin");
            String curl = DashboardIT.run(List.of("curl", "-sS", "--fail", "--cert", certPem.toString(), "--key", keyPem.toString(), "--cacert",
                    rootPem.toString(), "--resolve", HOST + ":" + dashboardPort + ":" + fa.address(),
                    "https://" + HOST + ":" + dashboardPort + "/genesis-bundle.bin", "-o", got.toString()));
            assertTrue(curl.startsWith("exit 0"), curl);
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(bundle), Files.readAllBytes(got)), "the same bundle");
            return Outcome.met(Files.size(got) + " bytes, identical to the authority's bundle");
        });
    }

    static Object js(String script) {
        return ((JavascriptExecutor) chrome.driver()).executeScript(script);
    }

    // ---- Phase 5: audit

    void phase5() {
        REPORT.step("5.1", "Audit logging enabled", "enabled; 7-year retention", () -> {
            String out = fa.execute("aether:audit-status");
            assertTrue(out.contains("Records:") && out.contains("Latest signed checkpoint"), out);
            String retention = fa.execute("aether:audit-prune");
            assertTrue(retention.contains("Retention 2555 days"), retention);
            String records = out.lines().filter(l -> l.startsWith("Records:")).findFirst().orElse("").strip();
            return Outcome.met(records + "; signed checkpoints; retention 2555 days (7 years)");
        });
        String[] eventId = {""};
        REPORT.step("5.2", "Non-repudiation: config-update, audit-log, audit-verify",
                "[SUCCESS] Signature valid, Merkle proof verified", () -> {
            String quorum = String.valueOf(all.size());
            AetherCtlIT.Run up = AetherCtlIT.ctl(fa, "config-update", "--key", "mesh.quorum_size", "--value", quorum);
            assertEquals(0, up.exit(), up.out());
            AetherCtlIT.Run last = AetherCtlIT.ctl(fa, "audit-log", "--last", "20");
            assertEquals(0, last.exit(), last.out());
            String record = null;
            for (String r : last.out().split("\\n}\\n?")) {
                if (r.contains("\"action\": \"ConfigUpdate\"") && r.contains("mesh.quorum_size=" + quorum)) {
                    record = r;
                }
            }
            assertTrue(record != null, "a ConfigUpdate record:\n" + last.out());
            assertTrue(record.contains("\"operator_id\": \"local-operator\"") && record.contains("\"merkle_proof\""), record);
            Matcher m = EVENT_ID.matcher(record);
            assertTrue(m.find(), record);
            eventId[0] = m.group(1);
            AetherCtlIT.Run verify = AetherCtlIT.ctl(fa, "audit-verify", "--event-id", eventId[0]);
            assertEquals(0, verify.exit(), verify.out());
            assertTrue(verify.out().contains("[SUCCESS] Signature valid, Merkle proof verified"), verify.out());
            return Outcome.met("ConfigUpdate mesh.quorum_size=" + quorum + " by local-operator, event " + eventId[0]
                    + ": [SUCCESS] Signature valid, Merkle proof verified");
        });
        REPORT.step("5.3", "Audit trail integrity check", "no root mismatch, no bad signature", () -> {
            AetherCtlIT.Run r = AetherCtlIT.ctl(fa, "audit-integrity-check");
            assertEquals(0, r.exit(), r.out());
            String summary = r.out().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("").strip();
            return Outcome.met(summary);
        });
    }

    // ---- Phase 6: contested mode

    void phase6() throws Exception {
        REPORT.step("6.1", "80 % packet loss: Gospel sync", "sync within 30 s; nobody COMPROMISED", () -> {
            net.setLossAll(80);
            Thread.sleep(2_000);
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < (FULL ? 5 : 2); i++) {
                String out = fa.execute("aether:gospel-note --text drill-80-percent-" + i);
                times.add(convergence(newRoot(out), Duration.ofSeconds(60)));
            }
            long worst = Collections.max(times);
            String status = fa.awaitOutput("aether:mesh-status", o -> o.contains("Mesh state: CONTESTED"),
                    Duration.ofSeconds(30));
            String nodes = fa.execute("aether:list-nodes");
            assertTrue(!nodes.contains("COMPROMISED"), nodes);
            assertTrue(worst <= 30_000, "synced in " + times + " ms; the playbook allows 30 s");
            return Outcome.met("one entry reached every node in " + times + " ms at 80 % loss; mesh CONTESTED, none"
                    + " COMPROMISED");
        });
        REPORT.step("6.2", "Aetheric Sweep: purge " + PURGED + " at 80 % loss", "pulse, rings, neighbours; PURGED, gray",
                () -> {
            ChromeDriver d = chrome.driver();
            long t0 = System.nanoTime();
            AetherCtlIT.Run r = AetherCtlIT.ctl(fa, "purge", PURGED, "--reason", "OperatorOverride");
            assertEquals(0, r.exit(), r.out());
            new WebDriverWait(d, WAIT).until(x -> "PURGED".equals(d.findElement(By.cssSelector(
                    "#nodes tbody tr[data-node='" + PURGED + "']")).getAttribute("data-status")));
            long onPage = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            new WebDriverWait(d, WAIT).until(x -> "done".equals(js("return document.body.dataset.sweep")));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> log = (List<Map<String, Object>>) js("return window.aetherDashboard.sweepLog");
            List<String> stages = log.stream().filter(e -> PURGED.equals(e.get("node")))
                    .map(e -> String.valueOf(e.get("stage"))).toList();
            assertEquals(List.of("pulse", "rings", "neighbours", "done"), stages);
            for (KarafNode n : all) {
                if (!n.name().equals(PURGED)) {
                    n.awaitOutput("aether:list-nodes --status PURGED", o -> o.contains(PURGED), Duration.ofSeconds(60));
                }
            }
            long everywhere = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return Outcome.met("PURGED on the page in " + onPage + " ms, on every node in " + everywhere
                    + " ms; sweep stages " + stages);
        });
        REPORT.step("6.3", "Mesh recovery after the loss is removed", "resync within 10 s; HEALTHY; banner", () -> {
            // an entry appended under loss and cut off, then the loss goes away
            List<KarafNode> live = all.stream().filter(n -> !n.name().equals(PURGED)).toList();
            String out = fa.execute("aether:gospel-note --text drill-before-recovery");
            String root = newRoot(out);
            long healed = System.currentTimeMillis();
            net.setLossAll(0);
            long last = healed;
            for (KarafNode n : live) {
                last = Math.max(last, GospelIT.logTime(n, ", root " + root, Duration.ofSeconds(30)));
            }
            long resync = Math.max(0, last - healed);
            String status = fa.awaitOutput("aether:mesh-status", o -> o.contains("Mesh state: HEALTHY"),
                    Duration.ofSeconds(30));
            ChromeDriver d = chrome.driver();
            new WebDriverWait(d, WAIT).until(x -> !d.findElements(By.cssSelector(
                    "#events li[data-type=RESYNC_COMPLETE]")).isEmpty());
            assertTrue(resync <= 10_000, "resync took " + resync + " ms; the playbook allows 10 s");
            return Outcome.met("every live node on the new root " + resync + " ms after the loss was removed; "
                    + status.lines().filter(l -> l.contains("Mesh state")).findFirst().orElse("").strip()
                    + "; the page shows Mesh Resync Complete");
        });
    }

    static String newRoot(String commandOutput) {
        Matcher m = NEW_ROOT.matcher(commandOutput);
        assertTrue(m.find(), commandOutput);
        return m.group(1);
    }

    /** Milliseconds from the authority's append (its log line) to the last member's acceptance of {@code root}. */
    static long convergence(String root, Duration timeout) throws InterruptedException {
        String line = ", root " + root;
        long appended = GospelIT.logTime(fa, line, Duration.ofSeconds(5));
        long last = appended;
        for (KarafNode n : members) {
            if (!n.name().equals(PURGED) || !REPORT.steps().stream().anyMatch(s -> s.id().equals("6.2"))) {
                last = Math.max(last, GospelIT.logTime(n, line, timeout));
            }
        }
        return last - appended;
    }

    // ---- Phase 7: performance

    void phase7() {
        int seconds = FULL ? 60 : 5;
        REPORT.step("7.1", "Telemetry load test, 100 nodes x 10 events/s", "P50 < 10 ms, P99 < 50 ms", () -> {
            String out = fa.execute("aether:load-test --nodes 100 --rate 10 --duration " + seconds + " --clients 1",
                    Duration.ofSeconds(seconds + 60L));
            String latency = out.lines().filter(l -> l.contains("Latency")).findFirst().orElse("").strip();
            assertTrue(out.contains("(100.00 %)"), "every event delivered:\n" + out);
            Matcher m = Pattern.compile("P50 ([0-9.]+) ms, P99 ([0-9.]+) ms").matcher(latency);
            assertTrue(m.find(), out);
            boolean met = Double.parseDouble(m.group(1)) < 10 && Double.parseDouble(m.group(2)) < 50;
            return Outcome.of(seconds + " s, 100 % delivered; " + latency, met);
        });
        REPORT.step("7.1B", "Telemetry throughput, 100 nodes x 1,000 events/s", "> 1,000 events/s per node", () -> {
            String out = fa.execute("aether:load-test --nodes 100 --rate 1000 --duration " + Math.min(seconds, 15)
                    + " --clients 2", Duration.ofSeconds(seconds + 60L));
            String emitted = out.lines().filter(l -> l.contains("Emitted")).findFirst().orElse("").strip();
            String delivered = out.lines().filter(l -> l.contains("Delivered")).findFirst().orElse("").strip();
            String verdicts = out.lines().filter(l -> l.contains("Playbook:")).findFirst().orElse("");
            assertTrue(!emitted.isEmpty() && !delivered.isEmpty(), out);
            return Outcome.of(emitted + "; " + delivered, !verdicts.contains("MISS"));
        });
        REPORT.step("7.2", "Dashboard responsiveness (dashboard-metrics)", "WS < 100 ms, render < 16 ms, no dropped frame",
                () -> {
            js("window.aetherDashboard.reportMetrics()");
            String out = fa.awaitOutput("aether:dashboard-metrics", o -> o.contains("alice"), WAIT);
            List<String> verdicts = out.lines().filter(l -> l.contains("(playbook:")).map(String::strip).toList();
            assertEquals(3, verdicts.size(), out);
            boolean met = verdicts.stream().allMatch(l -> l.endsWith("PASS"));
            return Outcome.of(String.join("; ", verdicts), met);
        });
    }

    // ---- Phase 8: operational readiness

    void phase8() {
        REPORT.step("8.1", "Backup (Gospel, audit, Merkle), verified", "an encrypted backup that restores", () -> {
            Path dir = Files.createDirectories(drillDir().resolve("backup"));
            Path pass = dir.resolve("backup.pass");
            Files.deleteIfExists(pass);
            MeshIT.writeSecret(pass, "playbook drill backup passphrase");
            Path file = dir.resolve("fa-1-" + System.currentTimeMillis() + ".aebak");
            AetherCtlIT.Run b = AetherCtlIT.ctl(fa, "backup", "--output", file.toString(), "--passphrase-file", pass.toString());
            assertEquals(0, b.exit(), b.out());
            String written = b.out().lines().filter(l -> l.startsWith("Backup written")).findFirst().orElse("").strip();
            String gospel = b.out().lines().filter(l -> l.contains("gospel:")).findFirst().orElse("").strip();
            AetherCtlIT.Run v = AetherCtlIT.ctl(fa, "restore", "--verify-only", "--input", file.toString(),
                    "--passphrase-file", pass.toString());
            assertEquals(0, v.exit(), v.out());
            String verified = v.out().lines().filter(l -> l.startsWith("Verified")).findFirst().orElse("").strip();
            assertTrue(!verified.isEmpty(), v.out());
            return Outcome.met(written.replace(file.toString(), "<file>") + "; " + gospel + "; " + verified
                    + " (a full restore onto a fresh node: BackupRestoreIT)");
        });
        REPORT.step("8.2", "Document the baseline (export-baseline)", "a baseline JSON", () -> {
            Path base = fa.home().resolve("baseline-drill.json");
            AetherCtlIT.Run r = AetherCtlIT.ctl(fa, "export-baseline", "--output", base.toString());
            assertEquals(0, r.exit(), r.out());
            String json = Files.readString(base, StandardCharsets.UTF_8);
            assertTrue(json.contains("aethercore-baseline") && json.contains("\"pcrs\""), json);
            return Outcome.met(Files.size(base) + "-byte baseline with bench, mesh, PCR and version figures");
        });
        REPORT.step("8.3", "Operator hardware token (SoftHSM2, PKCS#11)", "hardware token enrollment", () -> {
            // the node's signing key stays in the custody the node enrolled with: with no custody named, the
            // node-key policy would move it to the best-ranked custody, this token, and the mesh would sign with
            // a key its certificate does not carry (docs/playbook-drill.md, "What the drill found")
            fa.configure("io.aethercore.node.key", "custody", "software");
            Path tokens = drillDir().resolve("tokens");
            if (Files.exists(tokens)) {
                try (var walk = Files.walk(tokens)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            Files.createDirectories(tokens);
            Files.writeString(softhsmConf(), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
            String init = DashboardIT.run(List.of("env", "SOFTHSM2_CONF=" + softhsmConf(), "softhsm2-util", "--init-token",
                    "--free", "--label", "drill-operator", "--pin", "drill-4711", "--so-pin", "drill-so-4711"));
            assertTrue(init.startsWith("exit 0"), init);
            Path pin = drillDir().resolve("operator.pin");
            MeshIT.writeSecret(pin, "drill-4711");
            fa.configureAll("io.aethercore.custody.pkcs11-operator", Map.of("token.label", "drill-operator",
                    "pin.file", pin.toString(), "library", "/usr/lib/softhsm/libsofthsm2.so"));
            fa.awaitOutput("aether:crypto-providers", o -> o.contains("pkcs11:drill-operator"), WAIT);
            String out = fa.execute("aether:hsm-keygen --custody pkcs11:drill-operator Ed25519 operator-alice");
            String keys = fa.execute("aether:hsm-keys --custody pkcs11:drill-operator");
            assertTrue(keys.contains("operator-alice"), keys);
            // the mesh still signs with its enrolled key: an entry appended now reaches every live node (the mesh
            // component restarts when its node-key service is re-registered: wait until it runs again)
            fa.awaitOutput("aether:gospel --entries 0", o -> o.contains("Entries:"), Duration.ofSeconds(60));
            long took = convergence(newRoot(fa.execute("aether:gospel-note --text after-the-operator-token")),
                    Duration.ofSeconds(30));
            return Outcome.met("Ed25519 key operator-alice generated on SoftHSM2 token drill-operator over PKCS#11 ("
                    + out.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip() + "); the mesh unaffected,"
                    + " next entry everywhere in " + took + " ms");
        });
    }
}
