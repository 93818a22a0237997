package io.aethercore.benchmarks;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import io.aethercore.api.merkle.Durability;
import io.aethercore.audit.internal.AuditEngine;
import io.aethercore.crypto.internal.BcSignatures;
import io.aethercore.crypto.internal.SoftwareKeyCustody;
import io.aethercore.hsm.internal.Pkcs11KeyCustody;
import io.aethercore.merkle.internal.VineLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * An audit log on disk as the node runs it (native BLAKE3 Merkle log with group commit, the record
 * store, per-batch signed checkpoints), signing through a custody: {@code software} (Ed25519 in the
 * software custody) or {@code pkcs11} (Ed25519 on a SoftHSM2 token through the PKCS#11 custody; needs
 * {@code SOFTHSM2_CONF} pointing at a file this fixture may overwrite).
 */
final class AuditFixtureBench implements AutoCloseable {

    final Path dir;
    final KeyCustody custody;
    final KeyHandle key;
    final VineLog log;
    final AuditEngine engine;

    AuditFixtureBench(String custodyName) throws Exception {
        dir = Files.createTempDirectory("aethercore-bench-audit-");
        if (custodyName.equals("software")) {
            custody = new SoftwareKeyCustody("software", dir.resolve("keys"), null, new SecureRandom());
        } else if (custodyName.equals("pkcs11")) {
            String conf = System.getenv("SOFTHSM2_CONF");
            if (conf == null) {
                throw new IllegalStateException("set SOFTHSM2_CONF to a file this benchmark may write");
            }
            Path tokens = Files.createDirectories(dir.resolve("tokens"));
            Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
            String label = "audit-bench-" + ProcessHandle.current().pid();
            Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin",
                    "12345678", "--pin", "bench-1234").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("softhsm2-util --init-token failed (apt-get install softhsm2)");
            }
            custody = new Pkcs11KeyCustody(null, HsmSignBench.LIBRARY, label, "bench-1234".toCharArray(), 8,
                    Duration.ofSeconds(5));
        } else {
            throw new IllegalArgumentException("custody must be software or pkcs11");
        }
        key = custody.generate(KeyAlgorithm.ED25519, "node-signing");
        NodeKey nodeKey = new NodeKey() {
            @Override
            public KeyHandle handle() {
                return key;
            }

            @Override
            public byte[] sign(byte[] message) throws KeyCustodyException {
                return custody.sign(key, message);
            }
        };
        var hash = MerkleSupport.provider("native");
        log = VineLog.open(new VineLog.Settings("audit", "bench/audit/merkle", HashAlgorithm.BLAKE3,
                dir.resolve("merkle"), Durability.GROUP, 0, 1 << 20), () -> hash);
        engine = AuditEngine.open(new AuditEngine.Settings(dir.resolve("records"), "bench/audit", 64L << 20, 8192,
                65_536, 0), log, nodeKey, new BcSignatures());
    }

    @Override
    public void close() throws Exception {
        engine.close();
        log.close();
        if (custody instanceof AutoCloseable c) {
            c.close();
        }
        BenchData.deleteTree(dir);
    }
}
