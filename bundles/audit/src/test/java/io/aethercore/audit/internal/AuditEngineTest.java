package io.aethercore.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditVerification;
import io.aethercore.api.audit.IntegrityReport;
import io.aethercore.api.audit.PruneReport;
import io.aethercore.api.crypto.SignatureVerificationException;
import io.aethercore.api.merkle.InvalidProofException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditEngineTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void receiptVerifiesOffTheNode() throws Exception {
        try (AuditFixture f = new AuditFixture(tmp, 64 << 20)) {
            AuditReceipt r = f.engine.record(AuditEvent.of("operator-alice", "ConfigUpdate", "mesh.quorum_size=5")
                    .withDetail("pid", "io.aethercore.mesh"));
            assertEquals(0, r.leafIndex());
            assertEquals(1, r.checkpoint().checkpoint().size());
            assertEquals(36, r.eventId().length());
            assertTrue(Math.abs(r.timestampNs() / 1_000_000 - System.currentTimeMillis()) < 10_000);
            AuditFixture.verifyOffline(r);
            AuditReceipt second = f.engine.record(AuditEvent.of("operator-bob", "Purge", "unit-test-1").withPeer("node-7"));
            AuditFixture.verifyOffline(second);
            assertEquals(1, second.leafIndex());
            assertEquals(1, second.proof().path().size());

            AuditRecord back = f.engine.get(r.eventId()).orElseThrow();
            assertEquals("operator-alice", back.operatorId());
            assertEquals("mesh.quorum_size=5", back.target());
            assertEquals("io.aethercore.mesh", back.details().get("pid"));
            AuditVerification v = f.engine.verify(r.eventId());
            assertTrue(v.ok(), v.summary());
            assertEquals("[SUCCESS] Signature valid, Merkle proof verified", v.summary());
            assertEquals(List.of(r.eventId(), second.eventId()),
                    f.engine.last(5).stream().map(AuditRecord::eventId).toList());
            assertFalse(f.engine.verify("no-such-id").ok());
        }
    }

    @Test
    void aChangedRecordFailsItsSignatureAndProof() throws Exception {
        try (AuditFixture f = new AuditFixture(tmp, 64 << 20)) {
            AuditReceipt r = f.engine.record(AuditEvent.of("alice", "ConfigUpdate", "mesh.quorum_size=5"));
            byte[] forged = new String(r.record().bytes(), StandardCharsets.UTF_8).replace("quorum_size=5", "quorum_size=1")
                    .getBytes(StandardCharsets.UTF_8);
            AuditVerification v = RecordVerifier.verify(0, forged, r.checkpoint(), (i, s) -> r.proof(), f.engine.keys(),
                    new JdkSignatures(), TestHashers.standalone(r.treeAlgorithm()), new ArrayList<>());
            assertFalse(v.signatureValid());
            assertFalse(v.proofValid());
            assertTrue(v.summary().startsWith("[FAILURE] Signature invalid"), v.summary());
            assertTrue(v.summary().contains("Merkle proof failed"), v.summary());
            // and the receipt's own pieces refuse a forged record
            assertThrows(SignatureVerificationException.class, () -> new JdkSignatures().verify(r.signerKey(),
                    RecordCodec.signedPart(forged), r.signature()));
            var h = TestHashers.standalone(r.treeAlgorithm());
            assertThrows(InvalidProofException.class, () -> io.aethercore.formats.merkle.MerkleProofs.verifyInclusion(h,
                    h.leafHash(Hashers.recordDigest(h, forged)), r.proof(), r.checkpoint().checkpoint().root()));
        }
    }

    @Test
    void concurrentWritersAllGetVerifiableReceiptsAndSurviveReopen() throws Exception {
        List<AuditReceipt> receipts = Collections.synchronizedList(new ArrayList<>());
        try (AuditFixture f = new AuditFixture(tmp, 16 << 10)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        receipts.add(f.engine.record(AuditEvent.of("op-" + thread, "Test", "n=" + i)));
                    }
                    return null;
                }));
            }
            List<CompletableFuture<AuditReceipt>> async = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                async.add(f.engine.recordAsync(AuditEvent.of("async", "Test", "n=" + i)));
            }
            for (Future<?> x : fs) {
                x.get();
            }
            for (CompletableFuture<AuditReceipt> a : async) {
                receipts.add(a.get());
            }
            pool.shutdown();
            assertEquals(1500, f.engine.size());
            for (int i = 0; i < receipts.size(); i += 7) {
                AuditFixture.verifyOffline(receipts.get(i)); // the JDK's Ed25519 is slow: a sample
            }
            assertEquals(1500, receipts.stream().map(AuditReceipt::leafIndex).distinct().count());
            IntegrityReport rep = f.engine.checkIntegrity();
            assertTrue(rep.ok(), rep.summary());
        }
        try (AuditFixture f = new AuditFixture(tmp, 16 << 10)) {
            assertEquals(1500, f.engine.size());
            for (int i = 0; i < receipts.size(); i += 97) {
                AuditReceipt r = receipts.get(i);
                assertEquals(r.leafIndex(), f.engine.get(r.eventId()).orElseThrow().leafIndex());
                assertTrue(f.engine.verify(r.eventId()).ok());
            }
            AuditReceipt more = f.engine.record(AuditEvent.of("alice", "After", "reopen"));
            assertEquals(1500, more.leafIndex());
            AuditFixture.verifyOffline(more);
            IntegrityReport rep = f.engine.checkIntegrity();
            assertTrue(rep.ok(), rep.summary());
            assertEquals(1, rep.checkpointsChecked(), rep.toString()); // published at close
        }
    }

    @Test
    void closeAnswersEveryCallerInFlightAndKeepsWhatItAcknowledged() throws Exception {
        List<CompletableFuture<AuditReceipt>> fs = new ArrayList<>();
        AuditFixture f = new AuditFixture(tmp, 64 << 20);
        for (int i = 0; i < 3000; i++) {
            fs.add(f.engine.recordAsync(AuditEvent.of("op", "Close", "n=" + i)));
        }
        f.close();
        List<String> acked = new ArrayList<>();
        for (CompletableFuture<AuditReceipt> c : fs) {
            try {
                acked.add(c.get(30, java.util.concurrent.TimeUnit.SECONDS).eventId()); // never hangs
            } catch (java.util.concurrent.ExecutionException e) {
                // refused at close: allowed, but then it must not be acknowledged
            }
        }
        assertTrue(acked.size() > 0);
        try (AuditFixture g = new AuditFixture(tmp, 64 << 20)) {
            for (String id : acked) {
                assertTrue(g.engine.get(id).isPresent(), id);
            }
            assertTrue(g.engine.checkIntegrity().ok());
        }
    }

    @Test
    void retentionDropsOldBodiesAndTheTreeStillVerifies() throws Exception {
        try (AuditFixture f = new AuditFixture(tmp, 4096)) {
            List<AuditReceipt> old = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                old.add(f.engine.record(AuditEvent.of("alice", "Old", "n=" + i)));
            }
            f.engine.publishCheckpoint();
            Instant cutoff = Instant.now();
            Thread.sleep(5);
            AuditReceipt kept = f.engine.record(AuditEvent.of("alice", "New", "kept"));
            PruneReport p = f.engine.prune("operator-carol", cutoff);
            assertTrue(p.recordsDropped() > 0 && p.recordsDropped() <= 60, p.toString());
            assertTrue(p.bytesFreed() > 0);
            assertTrue(f.engine.get(old.get(0).eventId()).isEmpty());
            assertTrue(f.engine.verify(old.get(0).eventId()).summary().contains("not found")
                    || f.engine.verify(old.get(0).eventId()).summary().contains("retention"));
            assertTrue(f.engine.verify(kept.eventId()).ok());
            // the prune itself is audited
            AuditRecord audit = f.engine.last(1).get(0);
            assertEquals("AuditPrune", audit.action());
            assertEquals("operator-carol", audit.operatorId());
            f.engine.publishCheckpoint();
            IntegrityReport rep = f.engine.checkIntegrity();
            assertTrue(rep.ok(), rep.summary());
            assertEquals(62, rep.recordsChecked());
        }
        try (AuditFixture f = new AuditFixture(tmp, 4096)) {
            assertEquals(62, f.engine.size());
            IntegrityReport rep = f.engine.checkIntegrity();
            assertTrue(rep.ok(), rep.summary());
        }
    }
}
