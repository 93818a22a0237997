package io.aethercore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.MerkleLog;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The audit log in our distribution, driven through the console as an operator would (docs/operations.md, "Audit log"). */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuditIT extends AetherCoreTestSupport {

    static final Pattern PLAYBOOK_JSON = Pattern.compile("\\{\\n  \"event_id\": \"([0-9a-f-]{36})\",\\n"
            + "  \"timestamp_ns\": (\\d+),\\n  \"operator_id\": \"([^\"]*)\",\\n  \"action\": \"([^\"]*)\",\\n"
            + "  \"target\": \"([^\"]*)\",\\n  \"signature\": \"([0-9a-f]{128})\",\\n"
            + "  \"merkle_proof\": \\[((\"[0-9a-f]{64}\"(, )?)*)\\]\\n\\}");

    @Configuration
    public Option[] config() {
        return containerOptions(aethercoreDistribution(), "AetherCore");
    }

    AuditLog audit() throws Exception {
        return waitForService(AuditLog.class, null, 60_000);
    }

    /** Playbook 5.2: config-update, then audit-log --last 1 prints the record, audit-verify verifies it. */
    @Test
    public void configUpdateIsAuditedAndVerifies() throws Exception {
        AuditLog audit = audit();
        waitForService(MerkleLog.class, "(aethercore.merkle.name=audit)", 30_000);
        String update = executeCommand("aether:config-update --key mesh.quorum_size --value 5");
        assertTrue(update, update.contains("io.aethercore.mesh quorum_size = 5"));
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        assertEquals("5", ca.getConfiguration("io.aethercore.mesh", "?").getProperties().get("quorum_size"));

        String json = executeCommand("aether:audit-log --last 1");
        Matcher m = PLAYBOOK_JSON.matcher(json.trim());
        assertTrue("not the playbook's JSON:\n" + json, m.matches());
        assertEquals("karaf", m.group(3));
        assertEquals("ConfigUpdate", m.group(4));
        assertEquals("mesh.quorum_size=5", m.group(5));
        long ts = Long.parseLong(m.group(2));
        assertTrue(Math.abs(ts / 1_000_000 - System.currentTimeMillis()) < 60_000);
        String id = m.group(1);

        String verify = executeCommand("aether:audit-verify --event-id " + id);
        assertEquals("[SUCCESS] Signature valid, Merkle proof verified", verify.trim());
        AuditRecord r = audit.get(id).orElseThrow();
        assertEquals("io.aethercore.mesh", r.details().get("pid"));
        assertEquals("(unset)", r.details().get("old_value"));

        String bad = executeCommandExpectingFailure("aether:audit-verify --event-id 00000000-0000-0000-0000-000000000000");
        assertTrue(bad, bad.contains("[FAILURE]") && bad.contains("not found"));
        String check = executeCommand("aether:audit-check");
        assertTrue(check, check.startsWith("[SUCCESS]"));
    }

    /** State-changing commands of other bundles are recorded with the console user; read-only ones are not. */
    @Test
    public void consoleCommandsAreAuditedAutomatically() throws Exception {
        AuditLog audit = audit();
        long before = audit.size();
        executeCommand("aether:vine-status");
        executeCommand("aether:hash hello");
        assertEquals("read-only commands are not recorded", before, audit.size());

        executeCommand("aether:vine-append --log default \"audited entry\"");
        waitUntil("the command is recorded", 10_000, () -> audit.size() == before + 1);
        AuditRecord r = audit.last(1).get(0);
        assertEquals("karaf", r.operatorId());
        assertEquals("ConsoleCommand", r.action());
        assertEquals("aether:vine-append --log default audited entry", r.target());
        assertEquals("success", r.details().get("outcome"));
        assertTrue(audit.verify(r.eventId()).ok());

        executeCommandExpectingFailure("aether:vine-append --log no-such-log x");
        waitUntil("the failed command is recorded", 10_000, () -> audit.size() == before + 2);
        assertEquals("failure", audit.last(1).get(0).details().get("outcome"));
    }

    /**
     * Read-only is the command's own mark (io.aethercore.api.console.ReadOnly on its class), not the operator's
     * console.readonly list: with the list replaced, the marked commands of other bundles stay unrecorded,
     * while an unmarked command that was only on the list (audit-status) is now recorded.
     */
    @Test
    public void readOnlyIsTheCommandsOwnMark() throws Exception {
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration c = ca.getConfiguration("io.aethercore.audit", null);
        java.util.Dictionary<String, Object> original = c.getProperties();
        Hashtable<String, Object> changed = new Hashtable<>();
        if (original != null) {
            for (java.util.Enumeration<String> keys = original.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                changed.put(k, original.get(k));
            }
        }
        changed.put("console.readonly", new String[] {"audit-log"});
        try {
            c.update(changed);
            waitUntil("the operator's list is replaced (audit-status is recorded)", 60_000, () -> {
                try {
                    long n = audit().size();
                    executeCommand("aether:audit-status");
                    Thread.sleep(200);
                    return audit().size() > n;
                } catch (Exception restarting) {
                    return false; // the audit log restarts with the new configuration: ask again
                }
            });
            AuditLog audit = audit();
            long before = audit.size();
            executeCommand("aether:vine-status");
            executeCommand("aether:hash hello");
            executeCommand("aether:crypto-providers");
            Thread.sleep(500);
            assertEquals("commands marked read-only are not recorded", before, audit.size());
        } finally {
            if (original == null) {
                c.delete();
            } else {
                c.update(original);
            }
            awaitAuditLogSettled();
        }
    }

    /** After a configuration change the audit log restarts: wait until it has answered several times in a row. */
    private void awaitAuditLogSettled() throws Exception {
        int[] answers = {0};
        waitUntil("the audit log runs again after its configuration change", 60_000, () -> {
            try {
                audit();
                executeCommand("aether:audit-status");
                answers[0]++;
            } catch (Exception restarting) {
                answers[0] = 0;
            }
            Thread.sleep(300);
            return answers[0] >= 4;
        });
    }

    /** Sinks are whiteboard services: one added at runtime receives records, removed it receives no more. */
    @Test
    public void sinksComeAndGoAtRuntime() throws Exception {
        AuditLog audit = audit();
        List<AuditRecord> got = new CopyOnWriteArrayList<>();
        AuditSink sink = got::add;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(AuditSink.NAME, "itest");
        ServiceRegistration<AuditSink> reg = bundleContext.registerService(AuditSink.class, sink, props);
        waitUntil("the sink is bound", 10_000, () -> audit.sinks().stream().anyMatch(s -> s.name().equals("itest")));
        AuditReceipt r = audit.record(AuditEvent.of("itest", "SinkTest", "one"));
        waitUntil("the sink got the record", 10_000, () -> got.stream().anyMatch(x -> x.eventId().equals(r.eventId())));
        String status = executeCommand("aether:audit-status");
        assertTrue(status, status.contains("itest"));
        reg.unregister();
        waitUntil("the sink is gone", 10_000, () -> audit.sinks().stream().noneMatch(s -> s.name().equals("itest")));
        int count = got.size();
        audit.record(AuditEvent.of("itest", "SinkTest", "two"));
        Thread.sleep(300);
        assertEquals(count, got.size());
        assertFalse(audit.sinks().stream().anyMatch(s -> s.name().equals("itest")));
    }

    /** The Merkle bundle and the audit bundle updated at runtime: the log closes, reopens, keeps every record. */
    @Test
    public void auditLogSurvivesBundleUpdates() throws Exception {
        AuditReceipt before = audit().record(AuditEvent.of("itest", "BeforeUpdate", "merkle"));
        executeCommand("bundle:update " + bundle("io.aethercore.merkle").getBundleId());
        waitUntil("the audit log is back after the Merkle update", 60_000, () -> {
            AuditLog a = waitForService(AuditLog.class, null, 60_000);
            return a.size() > before.leafIndex() && a.get(before.eventId()).isPresent();
        });
        AuditReceipt after = audit().record(AuditEvent.of("itest", "AfterUpdate", "merkle"));
        assertEquals(before.leafIndex() + 1, after.leafIndex());
        executeCommand("bundle:update " + bundle("io.aethercore.audit").getBundleId());
        waitUntil("the audit log is back after its own update", 60_000, () -> {
            AuditLog a = waitForService(AuditLog.class, null, 60_000);
            return a.get(after.eventId()).isPresent();
        });
        AuditLog a = audit();
        assertTrue(a.verify(before.eventId()).ok());
        assertTrue(a.verify(after.eventId()).ok());
        String check = executeCommand("aether:audit-check");
        assertTrue(check, check.startsWith("[SUCCESS]"));
    }

    /** A JSON-lines file sink configured through ConfigAdmin (as etc/io.aethercore.audit.sink.file-<name>.cfg does). */
    @Test
    public void configuredFileSinkWithHashedIdentities() throws Exception {
        AuditLog audit = audit();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("audit-itest-", ".jsonl");
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration c = ca.createFactoryConfiguration("io.aethercore.audit.sink.file", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", "jsonl-itest");
        p.put("path", file.toString());
        p.put("hash_identities", "true");
        c.update(p);
        waitUntil("the configured sink is bound", 20_000,
                () -> audit().sinks().stream().anyMatch(s -> s.name().equals("jsonl-itest")));
        AuditReceipt r = audit().record(AuditEvent.of("operator-zed", "SinkConfig", "file").withPeer("peer-9"));
        waitUntil("the line is in the file", 20_000,
                () -> java.nio.file.Files.readString(file).contains(r.eventId()));
        String line = java.nio.file.Files.readString(file);
        assertTrue(line, line.contains("\"operator_id\":\"hmac-sha256:") && line.contains("\"identities_hashed\":true"));
        assertFalse(line, line.contains("operator-zed") || line.contains("peer-9"));
        c.delete();
        waitUntil("the sink is gone", 20_000, () -> audit().sinks().stream().noneMatch(s -> s.name().equals("jsonl-itest")));
    }

    String executeCommandExpectingFailure(String command) throws Exception {
        try {
            return executeCommand(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
