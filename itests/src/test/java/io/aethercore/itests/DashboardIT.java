package io.aethercore.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.aethercore.dashboard.HealthClient;
import io.aethercore.dashboard.testing.Chrome;
import io.aethercore.dashboard.testing.TestPki;
import io.aethercore.testing.karaf.AetherCoreNodes;
import io.aethercore.testing.karaf.KarafCluster;
import io.aethercore.testing.karaf.KarafNode;
import io.aethercore.testing.karaf.PortBinding;

/**
 * The dashboard on a real federation of three Karaf JVMs (the authority and two members, each with its
 * swtpm), seen through headless Chromium and through Jetty's WebSocket client, as docs/dashboard.md tells an
 * operator: a certificate issued under the federation root, an operator enrolled at the console who logs in
 * with a (virtual) FIDO2 key, the mesh on the page, a purge that plays the Aetheric Sweep, the refusals, the
 * genesis bundle over mutual TLS, the load test, and a bundle update under connected clients. One federation
 * and one browser for the whole class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final String FA = "fa-1", ALPHA = "unit-alpha-7", BRAVO = "unit-bravo-3";
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KarafCluster NODES = KarafCluster.of(3, i -> switch (i) {
        case 1 -> AetherCoreNodes.node(FA).configure(AetherCoreNodes.B4AE_PID, "enrollment.accept_unpinned", "true");
        case 2 -> AetherCoreNodes.node(ALPHA);
        default -> AetherCoreNodes.node(BRAVO);
    });

    static KarafNode fa, alpha, bravo;
    static Path rootPem, bundle, keyStore;
    static X509Certificate root, leaf;
    static int port;
    static Chrome chrome;

    @BeforeAll
    static void federationAndDashboard() throws Exception {
        fa = NODES.node(1);
        alpha = NODES.node(2);
        bravo = NODES.node(3);
        Path etc = Files.createDirectories(fa.home().resolve("etc/aethercore"));
        rootPem = etc.resolve("federation-root.pem");
        bundle = etc.resolve("genesis-bundle.bin");
        Path password = etc.resolve("genesis-bundle.pass");
        assertTrue(fa.execute("aether:keygen --type federation-root --validity-days 3650 --output " + rootPem)
                .contains("generated inside custody tpm"));
        MeshIT.writeSecret(password, "dashboard drill passphrase 42");
        String genesis = fa.execute("aether:genesis --root-cert " + rootPem + " --initial-merkle-root " + "ef".repeat(32)
                + " --output " + bundle + " --password-file " + password + " --authority-name " + FA
                + " --authority-address " + fa.b4aeAddress() + " --pcr-policy current --allow-software-attestation"
                + " --heartbeat-seconds 1 --reattestation-seconds 60");
        assertTrue(genesis.contains("Genesis bundle written"), genesis);
        fa.configureAll(MeshIT.MESH, Map.of("role", "authority", "node_id", FA, "address", fa.b4aeAddress()));
        MeshIT.awaitLog(fa, "[SUCCESS] Federation Authority fa-1 serving enrollment", Duration.ofSeconds(60));
        for (KarafNode m : List.of(alpha, bravo)) {
            MeshIT.installGenesis(m, bundle, password);
            m.configureAll(MeshIT.MESH, Map.of("role", "member", "node_id", m.name(), "address", m.b4aeAddress()));
        }
        for (KarafNode m : List.of(alpha, bravo)) {
            m.awaitOutput("aether:enrollment", o -> o.contains("State:         ENROLLED"), Duration.ofSeconds(90));
        }
        port = fa.port(PortBinding.DASHBOARD);
        root = pem(rootPem);
    }

    @AfterAll
    static void closeBrowser() {
        if (chrome != null) {
            chrome.close();
        }
    }

    static X509Certificate pem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static String origin() {
        return "https://localhost:" + port;
    }

    static URI ws() {
        return URI.create("wss://localhost:" + port + "/mesh/health");
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) chrome.driver()).executeScript(script, args);
    }

    static void until(String what, java.util.function.Supplier<Boolean> condition, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return "exit " + p.exitValue() + "\n" + out;
    }

    @Test
    @Order(1)
    void withoutACertificateUnderTheRootNothingListensThenKeygenIssuesOneAndItServes() throws Exception {
        String waiting = fa.execute("aether:dashboard-status");
        assertTrue(waiting.contains("WAITING_FOR_CERTIFICATE") && waiting.contains("aether:keygen --type dashboard"),
                waiting);
        keyStore = fa.home().resolve("etc/aethercore/dashboard.p12");
        String out = fa.execute("aether:keygen --type dashboard --root " + rootPem + " --output " + keyStore);
        assertTrue(out.contains("Dashboard certificate") && out.contains("mode 0600"), out);
        String listening = fa.awaitOutput("aether:dashboard-status", o -> o.contains("Dashboard: LISTENING"), WAIT);
        assertTrue(listening.contains("TLS 1.3 only"), listening);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = Files.readString(fa.home().resolve("etc/aethercore/dashboard.p12.password")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, pw);
        }
        leaf = (X509Certificate) ks.getCertificate("dashboard");
        assertEquals(root.getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertTrue(listening.contains(leaf.getSubjectX500Principal().getName()), listening);
    }

    @Test
    @Order(2)
    void opensslVerifiesTheServerAgainstTheFederationRootOverTls13AndTls12IsRefused() throws Exception {
        String ok = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                "-tls1_3", "-CAfile", rootPem.toString(), "-verify_return_error", "-brief"));
        assertTrue(ok.startsWith("exit 0") && ok.contains("TLSv1.3") && ok.contains("Verification: OK"), ok);
        String tls12 = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2", "-brief"));
        assertFalse(tls12.startsWith("exit 0"), "a TLS 1.2 client is refused:\n" + tls12);
        assertTrue(tls12.contains("alert protocol version") || tls12.contains("no protocols available")
                || tls12.contains("unsupported protocol"), tls12);
    }

    @Test
    @Order(3)
    void anOperatorEnrolledAtTheConsoleRegistersAKeyLogsInAndSeesTheMesh() throws Exception {
        String enrol = fa.execute("aether:operator-enrol alice");
        Matcher m = Pattern.compile("#enrol=([A-Za-z0-9_-]+)").matcher(enrol);
        assertTrue(m.find(), enrol);
        chrome = Chrome.startTrusting(List.of(root));
        chrome.addSecurityKey();
        ChromeDriver d = chrome.driver();
        d.get(origin() + "/#enrol=" + m.group(1));
        WebDriverWait wait = new WebDriverWait(d, WAIT);
        wait.until(x -> "enrol".equals(js("return document.body.dataset.view")));
        d.findElement(By.id("enrol-button")).click();
        wait.until(x -> "login".equals(js("return document.body.dataset.view")));
        assertEquals("alice", d.findElement(By.id("operator-name")).getAttribute("value"));
        d.findElement(By.id("login-button")).click();
        wait.until(x -> "dashboard".equals(js("return document.body.dataset.view")));
        wait.until(x -> d.findElements(By.cssSelector("#nodes tbody tr[data-status=HEALTHY]")).size() == 3);
        for (String n : List.of(FA, ALPHA, BRAVO)) {
            assertEquals(1, d.findElements(By.cssSelector("#nodes tbody tr[data-node='" + n + "']")).size(), n);
        }
        assertEquals("open", d.findElement(By.id("conn")).getAttribute("data-state"));
        assertEquals("alice", d.findElement(By.id("operator")).getText().strip());
        Cookie session = d.manage().getCookieNamed("aether_session");
        assertTrue(session.isSecure() && session.isHttpOnly(), session.toString());
        String list = fa.execute("aether:operator-list");
        assertTrue(list.contains("alice") && list.contains(" 1 "), list);
        String audit = fa.execute("aether:audit-log --last 1000 | grep dashboard.");
        assertTrue(audit.contains("dashboard.operator.register") && audit.contains("dashboard.login"), audit);
    }

    @Test
    @Order(4)
    void aPurgePlaysTheAethericSweepAndEndsWithThePurgedNodeGray() throws Exception {
        ChromeDriver d = chrome.driver();
        String out = fa.execute("aether:purge " + BRAVO + " --reason OperatorOverride --comment dashboard-drill");
        assertTrue(out.contains(BRAVO), out);
        new WebDriverWait(d, WAIT).until(x -> "done".equals(js("return document.body.dataset.sweep")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> log = (List<Map<String, Object>>) js("return window.aetherDashboard.sweepLog");
        List<String> stages = new ArrayList<>();
        for (Map<String, Object> e : log) {
            if (BRAVO.equals(e.get("node"))) {
                stages.add(String.valueOf(e.get("stage")));
            }
        }
        assertEquals(List.of("pulse", "rings", "neighbours", "done"), stages, "the sweep's stages, in order");
        new WebDriverWait(d, WAIT).until(x -> "PURGED".equals(
                d.findElement(By.cssSelector("#nodes tbody tr[data-node='" + BRAVO + "']")).getAttribute("data-status")));
        assertFalse(d.findElements(By.cssSelector("#events li[data-type=REVOKED]")).isEmpty(), "the event log shows it");
        js("window.aetherDashboard.reportMetrics()");
        String metrics = fa.awaitOutput("aether:dashboard-metrics", o -> o.contains("alice"), WAIT);
        System.out.println("DashboardIT: aether:dashboard-metrics after the sweep:\n" + metrics);
        assertTrue(metrics.contains("WebSocket latency P99") && metrics.contains("UI render time P99")
                && metrics.contains("Dropped frames during the Aetheric Sweep"), metrics);
    }

    @Test
    @Order(5)
    void aWrongCertificateAMissingLoginAndAForgedOriginAreRefused() throws Exception {
        TestPki other = new TestPki("Some Other Root");
        try (Chrome stranger = Chrome.startTrusting(List.of(other.root))) {
            stranger.driver().get(origin() + "/");
            Object view = ((JavascriptExecutor) stranger.driver()).executeScript(
                    "return document.body && document.body.dataset ? document.body.dataset.view || null : null");
            assertEquals(null, view, "a browser that does not trust the federation root gets no page");
        }
        Exception noLogin = assertThrows(Exception.class,
                () -> HealthClient.connect(ws(), List.of(root), origin(), null, WAIT).close());
        assertTrue(String.valueOf(noLogin).contains("401") || String.valueOf(noLogin.getCause()).contains("401"),
                String.valueOf(noLogin));
        String cookie = chrome.driver().manage().getCookieNamed("aether_session").getValue();
        Exception forged = assertThrows(Exception.class,
                () -> HealthClient.connect(ws(), List.of(root), "https://evil.example", cookie, WAIT).close());
        assertTrue(String.valueOf(forged).contains("403") || String.valueOf(forged.getCause()).contains("403"),
                String.valueOf(forged));
        Exception untrusted = assertThrows(Exception.class,
                () -> HealthClient.connect(ws(), List.of(other.root), origin(), cookie, WAIT).close());
        assertFalse(String.valueOf(untrusted).isEmpty());
    }

    @Test
    @Order(6)
    void theAuthorityServesTheGenesisBundleToMutualTlsClientsOnly() throws Exception {
        Path dir = Files.createTempDirectory("dashboard-mtls");
        String issued = fa.execute("aether:keygen --type tls-client --root " + rootPem + " --common-name " + ALPHA
                + " --output " + dir.resolve("node-cert.pem"));
        assertTrue(issued.contains("Client certificate"), issued);
        Path out = dir.resolve("fetched.bin");
        String withCert = run(List.of("curl", "-sS", "-w", "%{http_code}", "--cert", dir.resolve("node-cert.pem").toString(),
                "--key", dir.resolve("node-cert.key").toString(), "--cacert", rootPem.toString(),
                origin() + "/genesis-bundle.bin", "-o", out.toString()));
        assertTrue(withCert.startsWith("exit 0") && withCert.endsWith("200"), withCert);
        assertArrayEquals(Files.readAllBytes(bundle), Files.readAllBytes(out), "the bundle, byte for byte");
        String without = run(List.of("curl", "-sS", "-w", "%{http_code}", "--cacert", rootPem.toString(),
                origin() + "/genesis-bundle.bin", "-o", "/dev/null"));
        assertTrue(without.endsWith("403"), without);
        String audit = fa.execute("aether:audit-log --last 1000 | grep dashboard.genesis");
        assertTrue(audit.contains("dashboard.genesis.fetch"), audit);
    }

    @Test
    @Order(7)
    void theLoadTestCarriesTheTargetLoadToTenClientsWithThePageConnected() {
        String playbook = fa.execute("aether:load-test --nodes 100 --rate 10 --duration 5 --clients 2",
                Duration.ofSeconds(60));
        System.out.println("DashboardIT: the playbook's command line:\n" + playbook);
        assertTrue(playbook.contains("100 synthetic nodes x 10 events/s"), playbook);
        assertTrue(playbook.contains("(100.00 %)"), "every sample reached both clients:\n" + playbook);
        // the issue's target: 100 nodes x 1,000 events/s, ten WSS clients, and the operator's page open
        assertEquals("dashboard", js("return document.body.dataset.view"));
        String out = fa.execute("aether:load-test --nodes 100 --rate 1000 --duration 15 --clients 10",
                Duration.ofSeconds(120));
        System.out.println("DashboardIT: 100 x 1,000 events/s, ten clients and a page:\n" + out);
        Matcher m = Pattern.compile("\\(([0-9.]+) %\\)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) >= 99.0, "delivered to the ten clients:\n" + out);
        assertTrue(out.contains("P50") && out.contains("P99"), out);
    }

    @Test
    @Order(8)
    void updatingTheBundleUnderConnectedClientsMakesThemReconnectAndResyncWithoutLeaks() throws Exception {
        ChromeDriver d = chrome.driver();
        String cookie = d.manage().getCookieNamed("aether_session").getValue();
        long snapshotsBefore = ((Number) js("return window.aetherDashboard.metrics().snapshots")).longValue();
        try (HealthClient c = HealthClient.connect(ws(), List.of(root), origin(), cookie, WAIT)) {
            assertTrue(c.next("snapshot", WAIT) != null);
            String upd = fa.execute("bundle:update io.aethercore.dashboard");
            assertFalse(upd.contains("Error"), upd);
            until("the server to close the client with 1001 (going away)", () -> c.closeCode() == 1001, WAIT);
        }
        until("the page to reconnect and resync", () -> ((Number) js(
                "return window.aetherDashboard.metrics().snapshots")).longValue() > snapshotsBefore
                && "open".equals(d.findElement(By.id("conn")).getAttribute("data-state")), Duration.ofSeconds(60));
        new WebDriverWait(d, WAIT).until(x -> d.findElements(By.cssSelector("#nodes tbody tr[data-node]")).size() == 3);
        assertEquals("PURGED", d.findElement(By.cssSelector("#nodes tbody tr[data-node='" + BRAVO + "']"))
                .getAttribute("data-status"), "the new snapshot carries the purge");
        String status = fa.awaitOutput("aether:dashboard-status", o -> o.contains("1 WebSocket clients"), WAIT);
        String threads = dashboardThreads();
        assertEquals(1, threads.lines().filter(l -> l.equals("aethercore-dashboard-hub")).count(), threads);
        assertEquals(1, threads.lines().filter(l -> l.equals("aethercore-dashboard-telemetry")).count(), threads);
        long pool = threads.lines().filter(l -> l.matches("aethercore-dashboard-\\d+")).count();
        assertTrue(pool <= 32, "one Jetty pool (at most 32 threads), the old one gone:\n" + threads + "\n" + status);
        String listen = run(List.of("ss", "-Htln", "sport = :" + port));
        assertEquals(1, listen.lines().filter(l -> l.contains(":" + port)).count(), "one listening socket: " + listen);
        assertNotEquals(0, port);
    }

    /** Names of the dashboard's threads (Jetty pool, hub, telemetry) in the authority's JVM, one per line. */
    static String dashboardThreads() throws Exception {
        String jstack = Path.of(System.getProperty("java.home"), "bin", "jstack").toString();
        String dump = run(List.of(jstack, String.valueOf(fa.pid())));
        StringBuilder b = new StringBuilder();
        dump.lines().filter(l -> l.startsWith("\"aethercore-dashboard")).forEach(l -> b.append(l, 1, l.indexOf('"', 1))
                .append('\n'));
        return b.toString();
    }
}
