package io.aethercore.audit.internal;

import io.aethercore.support.json.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.audit.SinkStatus;
import io.aethercore.audit.internal.sink.JsonLinesFileSink;
import io.aethercore.audit.internal.sink.SiemHttpSink;
import io.aethercore.audit.internal.sink.SyslogSink;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sinks against real receivers: a real rsyslogd, a real HTTP socket that never answers, real files. */
class SinksTest {

    @TempDir
    Path tmp;

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitUntil(String what, long millis, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** rsyslogd from Debian, with its own configuration and ports: no system-wide change. */
    @Test
    void syslogSinkDeliversToARealRsyslogOverUdpAndTcp() throws Exception {
        Path rsyslogd = Path.of("/usr/sbin/rsyslogd");
        assertTrue(Files.isExecutable(rsyslogd), "rsyslogd is missing: apt-get install rsyslog (scripts/run-tests.sh does)");
        Path work = Files.createDirectories(tmp.resolve("rsyslog"));
        Path out = work.resolve("out.log");
        int udpPort = freeUdpPort();
        int tcpPort = freeTcpPort();
        Files.writeString(work.resolve("rsyslog.conf"), String.join("\n",
                "global(workDirectory=\"" + work + "\")",
                "module(load=\"imudp\")",
                "module(load=\"imtcp\")",
                "input(type=\"imudp\" port=\"" + udpPort + "\" address=\"127.0.0.1\")",
                "input(type=\"imtcp\" port=\"" + tcpPort + "\" address=\"127.0.0.1\")",
                "template(name=\"t\" type=\"string\" string=\"%inputname% %syslogfacility% %syslogseverity% %app-name%"
                        + " %msgid% %structured-data% %msg%\\n\")",
                "*.* action(type=\"omfile\" file=\"" + out + "\" template=\"t\")", ""));
        Process rs = new ProcessBuilder(rsyslogd.toString(), "-n", "-f", work.resolve("rsyslog.conf").toString(), "-i",
                work.resolve("rsyslog.pid").toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("rsyslogd.out").toFile()).start();
        try (AuditFixture f = new AuditFixture(tmp.resolve("node"), 1 << 20)) {
            waitUntil("rsyslogd listens on TCP " + tcpPort, 10_000, () -> {
                try (Socket s = new Socket("127.0.0.1", tcpPort)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            SyslogSink udp = new SyslogSink("127.0.0.1", udpPort, SyslogSink.Protocol.UDP, 13, "node-1", "aethercore",
                    "aethercore@32473", 8192, 2000);
            SyslogSink tcp = new SyslogSink("127.0.0.1", tcpPort, SyslogSink.Protocol.TCP, 13, "node-1", "aethercore",
                    "aethercore@32473", 8192, 2000);
            f.engine.sinkHub().add(udp, "syslog-udp", 1000, null);
            f.engine.sinkHub().add(tcp, "syslog-tcp", 1000, null);
            List<AuditReceipt> rs1 = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                rs1.add(f.engine.record(AuditEvent.of("operator-\"q\"", "ConfigUpdate", "mesh.k=" + i)));
                Thread.sleep(2); // UDP on loopback: keep the burst below the socket buffer
            }
            waitUntil("rsyslog wrote every record twice", 15_000, () -> {
                String text = read(out);
                return rs1.stream().allMatch(r -> text.split(r.eventId(), -1).length - 1 >= 4); // SD + JSON, per protocol
            });
            String text = read(out);
            String id = rs1.get(7).eventId();
            for (String line : text.split("\n")) {
                if (line.contains(id)) {
                    // facility 13 (log audit), severity 6, app-name, msgid, structured data, JSON message
                    assertTrue(line.matches("imudp 13 6 aethercore ConfigUpdate \\[aethercore@32473 event_id=\"" + id
                            + "\" leaf_index=\"7\" operator_id=\"operator-\\\\\"q\\\\\"\"\\] \\{\"event_id\":\"" + id
                            + "\".*") || line.startsWith("imtcp 13 6 aethercore ConfigUpdate [aethercore@32473 event_id=\""
                            + id + "\""), line);
                }
            }
            assertTrue(text.contains("imudp 13 6"), text);
            assertTrue(text.contains("imtcp 13 6"), text);
            f.engine.publishCheckpoint();
            waitUntil("the checkpoint reached rsyslog", 10_000, () -> read(out).contains("13 5 aethercore Checkpoint"));
            for (SinkStatus s : f.engine.sinks()) {
                assertEquals(0, s.failed(), s.toString());
                assertEquals(0, s.dropped(), s.toString());
            }
            udp.close();
            tcp.close();
        } finally {
            rs.destroy();
            rs.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A SIEM that accepts connections and never answers, and one that refuses them. */
    @Test
    void aDeadSiemNeitherBlocksNorLosesRecords() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0); AuditFixture f = new AuditFixture(tmp.resolve("node"), 1 << 20)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept()); // never reads, never answers
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int refused = freeTcpPort();
            f.engine.sinkHub().add(new SiemHttpSink(URI.create("http://127.0.0.1:" + blackHole.getLocalPort() + "/audit"),
                    Duration.ofSeconds(30), Duration.ofSeconds(30), "Bearer test"), "siem-hung", 16, null);
            f.engine.sinkHub().add(new SiemHttpSink(URI.create("http://127.0.0.1:" + refused + "/audit"),
                    Duration.ofSeconds(30), Duration.ofSeconds(30), null), "siem-refused", 16, null);
            long t0 = System.nanoTime();
            List<CompletableFuture<AuditReceipt>> all = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                all.add(f.engine.recordAsync(AuditEvent.of("op", "Siem", "n=" + i)));
                if (all.size() % 200 == 0) {
                    all.get(all.size() - 1).get();
                }
            }
            for (int i = 0; i < all.size(); i++) {
                AuditReceipt r = all.get(i).get();
                if (i % 100 == 0) {
                    AuditFixture.verifyOffline(r);
                }
            }
            long elapsed = System.nanoTime() - t0;
            // functional bound: recording never waited for the sink's 30 s request timeout
            assertTrue(elapsed < TimeUnit.SECONDS.toNanos(25), "recording waited for the dead SIEM: " + elapsed / 1e9 + " s");
            assertEquals(3000, f.engine.size());
            assertTrue(f.engine.checkIntegrity().ok());
            Map<String, SinkStatus> st = new java.util.HashMap<>();
            f.engine.sinks().forEach(s -> st.put(s.name(), s));
            SinkStatus hung = st.get("siem-hung");
            assertEquals(0, hung.delivered());
            assertTrue(hung.dropped() >= 3000 - 16 - 1, hung.toString()); // bounded queue, counted drops
            assertTrue(hung.queued() <= 16);
            SinkStatus ref = st.get("siem-refused");
            assertEquals(0, ref.delivered());
            assertTrue(ref.failed() > 0, ref.toString()); // connection refused: counted as failed
            assertTrue(ref.dropped() + ref.failed() + ref.queued() >= 3000 - 1, ref.toString()); // one may be in flight
            blackHole.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aSlowSinkIsBoundedAndCountedAndAFastOneGetsEverything() throws Exception {
        try (AuditFixture f = new AuditFixture(tmp.resolve("node"), 1 << 20)) {
            List<AuditRecord> fast = java.util.Collections.synchronizedList(new ArrayList<>());
            AuditSink slow = r -> Thread.sleep(20);
            f.engine.sinkHub().add(slow, "slow", 8, null);
            f.engine.sinkHub().add(fast::add, "fast", 10_000, null);
            for (int i = 0; i < 500; i++) {
                f.engine.record(AuditEvent.of("op", "Slow", "n=" + i));
            }
            waitUntil("the fast sink got everything", 10_000, () -> fast.size() == 500);
            for (int i = 0; i < 500; i++) {
                assertEquals(i, fast.get(i).leafIndex()); // in record order
            }
            SinkStatus s = f.engine.sinks().stream().filter(x -> x.name().equals("slow")).findFirst().orElseThrow();
            assertTrue(s.dropped() > 300, s.toString());
            assertTrue(s.delivered() + s.dropped() + s.queued() <= 500 && s.delivered() + s.dropped() + s.queued() >= 499,
                    s.toString());
        }
    }

    @Test
    void jsonLinesFileSinkWritesRecordsAndCheckpointsAndCanHashIdentities() throws Exception {
        Path plain = tmp.resolve("audit.jsonl");
        Path hashed = tmp.resolve("hashed.jsonl");
        try (AuditFixture f = new AuditFixture(tmp.resolve("node"), 1 << 20)) {
            IdentityHasher h = IdentityHasher.fromFile(tmp.resolve("identity.key"));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(tmp.resolve("identity.key"))));
            f.engine.sinkHub().add(new JsonLinesFileSink(plain, true), "file", 1000, null);
            f.engine.sinkHub().add(new JsonLinesFileSink(hashed, false), "file-hashed", 1000, h);
            AuditReceipt a = f.engine.record(AuditEvent.of("operator-alice", "Handshake", "mode-b").withPeer("node-7")
                    .withDetail(AuditEvent.SESSION_ID, "s-123"));
            AuditReceipt b = f.engine.record(AuditEvent.of("operator-alice", "Handshake", "mode-a").withPeer("node-8"));
            f.engine.publishCheckpoint();
            waitUntil("both files have three lines", 10_000,
                    () -> read(plain).split("\n").length == 3 && read(hashed).split("\n").length == 3);
            String[] lines = read(plain).split("\n");
            Map<String, Object> first = Json.parseObject(lines[0]);
            assertEquals(a.eventId(), first.get("event_id"));
            assertEquals("operator-alice", first.get("operator_id"));
            assertEquals("node-7", first.get("peer_id"));
            assertEquals(0L, first.get("leaf_index"));
            assertTrue(Json.parseObject(lines[2]).get("checkpoint").toString().contains("\n\u2014 "));
            String[] hl = read(hashed).split("\n");
            Map<String, Object> h0 = Json.parseObject(hl[0]);
            Map<String, Object> h1 = Json.parseObject(hl[1]);
            assertEquals(h.apply("operator-alice"), h0.get("operator_id"));
            assertEquals(h0.get("operator_id"), h1.get("operator_id")); // same person, same token
            assertTrue(h0.get("operator_id").toString().startsWith("hmac-sha256:"));
            assertEquals(h.apply("node-7"), h0.get("peer_id"));
            assertEquals(h.apply("s-123"), ((Map<?, ?>) h0.get("details")).get("session_id"));
            assertEquals(Boolean.TRUE, h0.get("identities_hashed"));
            assertFalse(read(hashed).contains("operator-alice") || read(hashed).contains("node-7")
                    || read(hashed).contains("s-123"));
            assertEquals(b.eventId(), h1.get("event_id"));
        }
    }
}
