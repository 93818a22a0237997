package io.aethercore.audit.internal;

import io.aethercore.api.audit.IdentityHashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashing of identities, the node's one {@link IdentityHashing} (registered by {@link
 * IdentityHashingComponent}) for sinks with {@code hash_identities} and B4AE's audit records: {@code hmac-sha256:<first 16 bytes, hex>} of the operator, peer and session ids under a
 * node-local 32-byte key. The same id always maps to the same token on this node, so a SIEM can still
 * correlate, but cannot recover the id without the key. The key file is created (mode 0600) on first
 * use.
 */
public final class IdentityHasher implements IdentityHashing, UnaryOperator<String> {

    private final SecretKeySpec key;

    public IdentityHasher(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("identity hashing key must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** Loads the key from {@code file}, creating it with 32 random bytes (mode 0600) if missing. */
    public static IdentityHasher fromFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.write(tmp, HexFormat.of().formatHex(k).getBytes(StandardCharsets.US_ASCII));
            Files.move(tmp, file);
        }
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return new IdentityHasher(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IOException("identity hashing key " + file + " must be hex: " + e.getMessage());
        }
    }

    @Override
    public String hash(String identity) {
        return identity == null || identity.isEmpty() ? identity : apply(identity);
    }

    @Override
    public String apply(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] h = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
            return "hmac-sha256:" + HexFormat.of().formatHex(h, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }
}
