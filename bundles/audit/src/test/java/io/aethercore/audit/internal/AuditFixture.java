package io.aethercore.audit.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.crypto.internal.BcHashing;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import io.aethercore.merkle.internal.VineLog;
import java.nio.file.Path;
import java.security.SecureRandom;

/** A real audit log on disk: software custody (Ed25519), a Merkle Vine log, BouncyCastle verification. */
final class AuditFixture implements AutoCloseable {

    static final String ORIGIN = "test.aethercore/audit";

    final Path dir;
    final SoftwareKeyCustody custody;
    final NodeKey nodeKey;
    final VineLog log;
    final AuditEngine engine;

    AuditFixture(Path dir, long segmentBytes) throws Exception {
        this(dir, segmentBytes, 0);
    }

    AuditFixture(Path dir, long segmentBytes, long publishSeconds) throws Exception {
        this.dir = dir;
        this.custody = new SoftwareKeyCustody("software", dir.resolve("custody"), null, new SecureRandom());
        KeyHandle h = custody.find("node-signing").isPresent() ? custody.find("node-signing").get()
                : custody.generate(KeyAlgorithm.ED25519, "node-signing");
        this.nodeKey = new NodeKey() {
            @Override
            public KeyHandle handle() {
                return h;
            }

            @Override
            public byte[] sign(byte[] message) throws KeyCustodyException {
                return custody.sign(h, message);
            }
        };
        this.log = VineLog.open(new VineLog.Settings("audit", ORIGIN, HashAlgorithm.BLAKE3, dir.resolve("merkle"),
                Durability.GROUP, 0, 1 << 20), BcHashing::new);
        this.engine = AuditEngine.open(new AuditEngine.Settings(dir.resolve("records"), ORIGIN, segmentBytes, 8192,
                65_536, publishSeconds), log, nodeKey, new BcSignatures());
    }

    Path records() {
        return dir.resolve("records");
    }

    /** Verifies a receipt the way an auditor would: JDK signatures, standalone hasher, nothing from the node. */
    static void verifyOffline(AuditReceipt r) throws Exception {
        JdkSignatures jdk = new JdkSignatures();
        MerkleHasher h = TestHashers.standalone(r.treeAlgorithm());
        byte[] stored = r.record().bytes();
        jdk.verify(r.signerKey(), RecordCodec.signedPart(stored), r.signature());
        CheckpointNotes.verify(r.checkpoint(), r.checkpointKeyName(), r.signerKey(), jdk);
        MerkleProofs.verifyInclusion(h, h.leafHash(Hashers.recordDigest(h, stored)), r.proof(),
                r.checkpoint().checkpoint().root());
    }

    @Override
    public void close() throws Exception {
        engine.close();
        log.close();
    }
}
