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
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Hashtable;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
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

    /**
     * State-changing commands are recorded before they run (ConsoleCommand, with the authenticated user and the
     * channel), then their outcome (ConsoleCommandResult); read-only ones are not recorded.
     */
    @Test
    public void consoleCommandsAreAuditedAutomatically() throws Exception {
        AuditLog audit = audit();
        long before = audit.size();
        executeCommand("aether:vine-status");
        executeCommand("aether:hash hello");
        executeCommand("bundle:list");
        assertEquals("read-only commands are not recorded", before, audit.size());

        executeCommand("aether:vine-append --log default \"audited entry\"");
        waitUntil("the command and its outcome are recorded", 10_000, () -> audit.size() == before + 2);
        AuditRecord r = audit.last(2).get(0);
        assertEquals("karaf", r.operatorId());
        assertEquals("ConsoleCommand", r.action());
        assertEquals("aether:vine-append --log default audited entry", r.target());
        assertTrue(audit.verify(r.eventId()).ok());
        AuditRecord outcome = audit.last(1).get(0);
        assertEquals("ConsoleCommandResult", outcome.action());
        assertEquals("success", outcome.details().get("outcome"));
        assertEquals(r.eventId(), outcome.details().get("command_event_id"));

        executeCommandExpectingFailure("aether:vine-append --log no-such-log x");
        waitUntil("the failed command is recorded", 10_000, () -> audit.size() == before + 4);
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
        // bundle:update was recorded before it ran, right after the first record
        AuditRecord update = audit().at(before.leafIndex() + 1).orElseThrow();
        assertEquals("ConsoleCommand", update.action());
        assertEquals("bundle:update " + bundle("io.aethercore.merkle").getBundleId(), update.target());
        assertTrue(after.leafIndex() > before.leafIndex() + 1);
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

    // ------------------------------------------------------------------ issue 18: the attacks, each reproduced

    /** Attack 1a: Karaf's own commands (bundle:stop of the audit bundle itself) leave a signed record first. */
    @Test
    public void stoppingTheAuditBundleIsRecordedFirst() throws Exception {
        AuditLog audit = audit();
        long id = bundle("io.aethercore.audit").getBundleId();
        long before = audit.size();
        executeCommand("bundle:stop " + id);
        try {
            waitUntil("the audit bundle stopped", 30_000,
                    () -> bundle("io.aethercore.audit").getState() == org.osgi.framework.Bundle.RESOLVED);
        } finally {
            bundle("io.aethercore.audit").start();
        }
        waitUntil("the audit log is back", 60_000, () -> {
            try {
                return audit().size() > before;
            } catch (AssertionError restarting) {
                return false;
            }
        });
        AuditRecord stop = audit().at(before).orElseThrow();
        assertEquals("ConsoleCommand", stop.action());
        assertEquals("bundle:stop " + id, stop.target());
        assertEquals("karaf", stop.operatorId());
        assertTrue(audit().verify(stop.eventId()).ok());
        awaitAuditLogSettled();
    }

    /**
     * Attack 1b: config:property-set -p io.aethercore.audit console.audit false. The attempt is recorded before it
     * runs, and Karaf's command ACL refuses it to an admin without the role audit-admin.
     */
    @Test
    public void disablingTheConsoleAuditIsRecordedAndNeedsAuditAdmin() throws Exception {
        AuditLog audit = audit();
        long before = audit.size();
        String out = executeCommandExpectingFailure("config:property-set -p io.aethercore.audit console.audit false");
        waitUntil("the attempt and its outcome are recorded", 10_000, () -> audit.size() >= before + 2);
        AuditRecord attempt = audit.at(before).orElseThrow();
        assertEquals("ConsoleCommand", attempt.action());
        assertEquals("config:property-set -p io.aethercore.audit console.audit false", attempt.target());
        assertEquals("failure", audit.at(before + 1).orElseThrow().details().get("outcome"));
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        java.util.Dictionary<String, Object> p = ca.getConfiguration("io.aethercore.audit", null).getProperties();
        assertTrue(out, p == null || !"false".equals(String.valueOf(p.get("console.audit"))));
    }

    /** Attack 1c: aether:vine-append -l audit x is refused; the audit log keeps recording. */
    @Test
    public void appendingToTheAuditTreeIsRefused() throws Exception {
        AuditLog audit = audit();
        MerkleLog tree = waitForService(MerkleLog.class, "(aethercore.merkle.name=audit)", 30_000);
        assertEquals("audit", tree.writer());
        String out = executeCommandExpectingFailure("aether:vine-append -l audit x");
        assertTrue(out, out.contains("Refused") && out.contains("written only by 'audit'"));
        try {
            tree.append("planted".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            throw new AssertionError("the audit tree accepted an entry from outside the audit log");
        } catch (io.aethercore.api.merkle.MerkleLogException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("written only by its writer 'audit'"));
        }
        waitUntil("the attempt is recorded", 10_000, () -> audit.size() == tree.size()
                && audit.last(2).get(0).target().equals("aether:vine-append -l audit x"));
        AuditReceipt r = audit.record(AuditEvent.of("itest", "StillRecording", "after the attempt"));
        assertTrue(audit.verify(r.eventId()).ok());
        assertEquals(audit.size(), tree.size());
    }

    /** Fail closed: while the audit log cannot record, a state-changing command is refused and does not run. */
    @Test
    public void commandsAreRefusedWhileTheLogCannotRecord() throws Exception {
        audit();
        org.osgi.framework.Bundle merkle = bundle("io.aethercore.merkle");
        merkle.stop();
        try {
            String out = executeCommandExpectingFailure("config:property-set -p itest.refused answer 42");
            assertTrue(out, out.contains("Refused: the audit log cannot record this command"));
            ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
            org.osgi.service.cm.Configuration[] c = ca.listConfigurations("(service.pid=itest.refused)");
            assertTrue("the refused command ran", c == null || c.length == 0);
            String list = executeCommand("bundle:list -t 0 | grep -i merkle");
            assertTrue(list, list.toLowerCase(java.util.Locale.ROOT).contains("merkle"));
        } finally {
            merkle.start();
        }
        awaitAuditLogSettled();
    }

    /** Attack 2: a forged USER changes nothing; the record names the authenticated user, channel and address. */
    @Test
    public void operatorIsTheAuthenticatedSubjectNotUser() throws Exception {
        AuditLog audit = audit();
        long before = audit.size();
        executeAs(operator("bob", "ssh", "/203.0.113.7:40022", "admin", "manager", "viewer"),
                "USER = alice ; aether:vine-append --log default forged-user");
        executeAs(operator("bob", "ssh", "/203.0.113.7:40022", "admin", "manager", "viewer"),
                "USER = alice ; aether:config-update --key itest.forged_user --value 7");
        waitUntil("both recorded", 10_000, () -> audit.size() >= before + 3);
        for (AuditRecord r : audit.last((int) (audit.size() - before))) {
            assertEquals(r.toString(), "bob", r.operatorId());
            assertEquals(r.toString(), "ssh", r.details().get("channel"));
            assertEquals(r.toString(), "/203.0.113.7:40022", r.details().get("remote_address"));
        }
        assertTrue(audit.last((int) (audit.size() - before)).stream().anyMatch(r -> r.action().equals("ConfigUpdate")));
    }

    /** Attack 3: a secret in a configuration update is masked in the record and in every sink. */
    @Test
    public void secretsNeverReachTheLogOrItsSinks() throws Exception {
        AuditLog audit = audit();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("audit-secret-", ".jsonl");
        ConfigurationAdmin ca = bundleContext.getService(bundleContext.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration sink = ca.createFactoryConfiguration("io.aethercore.audit.sink.file", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", "jsonl-secrets");
        p.put("path", file.toString());
        sink.update(p);
        waitUntil("the sink is bound", 20_000, () -> audit().sinks().stream().anyMatch(s -> s.name().equals("jsonl-secrets")));
        long before = audit().size();
        String out = executeCommand("aether:config-update --key dashboard.cookie.secret --value s3cr3t-cookie-1");
        assertFalse(out, out.contains("s3cr3t"));
        executeCommand("config:property-set -p io.aethercore.dashboard cookie.secret s3cr3t-cookie-2");
        executeCommand("config:property-set -p io.aethercore.dashboard admin.token s3cr3t-token-3");
        assertEquals("the change itself is applied", "s3cr3t-cookie-2",
                ca.getConfiguration("io.aethercore.dashboard", "?").getProperties().get("cookie.secret"));
        waitUntil("recorded and delivered", 20_000, () -> audit().size() >= before + 5
                && java.nio.file.Files.readString(file).contains("admin.token"));
        List<AuditRecord> records = audit().last((int) (audit().size() - before));
        AuditRecord update = records.stream().filter(r -> r.action().equals("ConfigUpdate")).findFirst().orElseThrow();
        assertEquals("dashboard.cookie.secret=***", update.target());
        assertEquals("***", update.details().get("new_value"));
        for (AuditRecord r : records) {
            assertFalse(r + " " + r.details(), (r.target() + r.details()).contains("s3cr3t"));
        }
        String delivered = java.nio.file.Files.readString(file);
        assertFalse(delivered, delivered.contains("s3cr3t"));
        assertTrue(delivered, delivered.contains("cookie.secret ***"));
        String shown = executeCommand("aether:audit-log --last 10");
        assertFalse(shown, shown.contains("s3cr3t"));
        sink.delete();
    }

    /** Attack 4: audit-prune --days 0 --apply: below retention.days it is refused; --apply needs audit-admin. */
    @Test
    public void pruneRespectsRetentionAndNeedsItsRole() throws Exception {
        AuditLog audit = audit();
        long before = audit.size();
        String asAdmin = executeCommandExpectingFailure("aether:audit-prune --days 0 --apply");
        assertFalse(asAdmin, asAdmin.contains("Dropped"));
        Subject auditor = operator("auditor", "ssh", "/192.0.2.1:2222", "viewer", "audit-admin");
        String low = executeAsExpectingFailure(auditor, "aether:audit-prune --days 0 --apply");
        assertTrue(low, low.contains("below the retention period of 2555 days"));
        String plain = executeCommandExpectingFailure("aether:audit-prune --apply");
        assertFalse(plain, plain.contains("Dropped"));
        String ok = executeAs(auditor, "aether:audit-prune --apply");
        assertTrue(ok, ok.contains("Dropped 0 record bodies"));
        assertTrue(audit.size() > before);
        assertTrue(audit.last(10).stream().anyMatch(r -> r.action().equals("AuditPrune") && r.operatorId().equals("auditor")));
    }

    static Subject operator(String user, String channel, String address, String... roles) {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal(user));
        s.getPrincipals().add(new ClientPrincipal(channel, address));
        for (String role : roles) {
            s.getPrincipals().add(new RolePrincipal(role));
        }
        return s;
    }

    /** Runs a console command as the given subject (as Karaf's SSH server does after login). */
    String executeAs(Subject subject, String command) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session session = sessionFactory.create(System.in, ps, ps);
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                ps.println(result);
            }
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            ps.flush();
            session.close();
        }
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.println(subject.getPrincipals() + "> " + command + "\n" + text);
        return text;
    }

    String executeAsExpectingFailure(Subject subject, String command) throws Exception {
        try {
            return executeAs(subject, command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    String executeCommandExpectingFailure(String command) throws Exception {
        try {
            return executeCommand(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
