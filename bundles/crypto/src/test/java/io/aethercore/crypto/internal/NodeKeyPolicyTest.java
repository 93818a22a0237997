package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.merkle.MerkleLog;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node key follows the policy between custodies, and each move is recorded. */
class NodeKeyPolicyTest {

    private static NodeKeyPolicy.Config config(String custody) {
        return new NodeKeyPolicy.Config() {
            public String custody() { return custody; }
            public String label() { return "node-signing"; }
            public String algorithm() { return "Ed25519"; }
            public String record_log() { return "default"; }
            public Class<? extends Annotation> annotationType() { return NodeKeyPolicy.Config.class; }
        };
    }

    /** A Merkle log that only records what is appended. */
    private static MerkleLog recordingLog(List<String> records) {
        return (MerkleLog) Proxy.newProxyInstance(MerkleLog.class.getClassLoader(), new Class<?>[] {MerkleLog.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "default";
                    case "appendAsync" -> {
                        records.add(new String((byte[]) args[0], StandardCharsets.UTF_8));
                        yield CompletableFuture.completedFuture((long) records.size() - 1);
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void keyMovesToTheBestCustodyAndBackAndEveryMoveIsRecorded(@TempDir Path dir) throws Exception {
        SoftwareKeyCustody software = new SoftwareKeyCustody("software", dir.resolve("sw"), null, new SecureRandom());
        SoftwareKeyCustody token = new SoftwareKeyCustody("pkcs11:node-token", dir.resolve("hsm"), null, new SecureRandom());
        List<String> records = new CopyOnWriteArrayList<>();
        BcSignatures verifier = new BcSignatures();
        byte[] msg = "checkpoint".getBytes(StandardCharsets.UTF_8);

        NodeKeyPolicy policy = new NodeKeyPolicy(config(""));
        assertThrows(CustodyUnavailableException.class, () -> policy.sign(msg));
        policy.bindCustody(software, Map.of("service.ranking", 10, "service.id", 1L));
        KeyHandle first = policy.handle();
        policy.bindLog(recordingLog(records)); // the log arrives later: the first choice is recorded then
        assertEquals(1, records.size());
        assertEquals("software", first.custody());
        verifier.verify(first.publicKey(), msg, policy.sign(msg));

        // a better-ranked custody appears (an HSM token is configured): a new key is generated there
        policy.bindCustody(token, Map.of("service.ranking", 20, "service.id", 2L));
        KeyHandle second = policy.handle();
        assertEquals("pkcs11:node-token", second.custody());
        verifier.verify(second.publicKey(), msg, policy.sign(msg));

        // the operator pins the policy to software: the existing software key is used again
        policy.modified(config("software"));
        assertEquals(first, policy.handle());

        // back to automatic, then the token goes away: the key follows each time
        policy.modified(config(""));
        assertEquals(second, policy.handle());
        policy.unbindCustody(token);
        assertEquals(first, policy.handle());

        assertEquals(5, records.size(), String.join("\n", records));
        assertTrue(records.get(1).contains("\"to\":\"pkcs11:node-token/node-signing " + second.publicKey().fingerprint()),
                records.get(1));
        assertTrue(records.get(1).contains("\"generated\":true"), records.get(1));
        assertTrue(records.get(4).contains("went away"), records.get(4));
    }
}
