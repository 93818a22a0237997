package io.aethercore.audit.internal;

import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public keys that signed records of this log, as PEM files {@code keys/<fingerprint>.pem} beside the
 * records. A key is written (and synced) before the first record it signs is stored, so every stored
 * record's {@code key_id} resolves on the node. An auditor verifies with a key obtained elsewhere.
 */
public final class KeyRegistry {

    private final Path dir;
    private final Map<String, RawPublicKey> keys = new ConcurrentHashMap<>();

    public KeyRegistry(Path dir) throws IOException {
        this.dir = dir;
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.pem")) {
                for (Path p : ds) {
                    try {
                        RawPublicKey k = RawPublicKey.fromPem(Files.readString(p, StandardCharsets.US_ASCII));
                        keys.put(k.fingerprint(), k);
                    } catch (MalformedKeyException | IOException e) {
                        throw new IOException("unreadable public key " + p + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** A registry of given keys only (the offline verifier). */
    public static KeyRegistry of(List<RawPublicKey> given) throws IOException {
        KeyRegistry r = new KeyRegistry(null);
        given.forEach(k -> r.keys.put(k.fingerprint(), k));
        return r;
    }

    public RawPublicKey get(String fingerprint) {
        return keys.get(fingerprint);
    }

    public List<RawPublicKey> all() {
        return new ArrayList<>(keys.values());
    }

    /** Records a key durably if it is new; returns its fingerprint. */
    public String register(RawPublicKey key) throws IOException {
        String fp = key.fingerprint();
        if (keys.containsKey(fp)) {
            return fp;
        }
        synchronized (this) {
            if (!keys.containsKey(fp) && dir != null) {
                Files.createDirectories(dir);
                CheckpointStore.writeAtomically(dir.resolve(fp + ".pem"), key.toPem().getBytes(StandardCharsets.US_ASCII));
            }
            keys.put(fp, key);
        }
        return fp;
    }
}
