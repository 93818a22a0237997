package io.aethercore.api.custody;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A place where private keys live. Keys are generated inside the custody and used through {@link
 * KeyHandle}s; no method returns private key bytes. Implementations are thread-safe.
 *
 * <p>Labels are 1 to 64 characters of {@code [A-Za-z0-9._-]}, not starting with a dot ({@link
 * #checkLabel}), so that every custody can use them as file names or token labels.
 */
@ProviderType
public interface KeyCustody {

    /** Service property: the custody's name, unique on the node ({@code String}). */
    String NAME = "aethercore.custody.name";

    /** Service property: {@link CustodyKind#id()} of the custody ({@code String}). */
    String KIND = "aethercore.custody.kind";

    /** Service property: ids of the key algorithms the custody can generate ({@code String[]}). */
    String ALGORITHMS = "aethercore.custody.algorithms";

    String name();

    CustodyKind kind();

    /** Key algorithms this custody can generate and use. */
    Set<KeyAlgorithm> algorithms();

    /**
     * Generates a key pair inside the custody.
     *
     * @throws KeyExistsException if the label is taken
     * @throws IllegalArgumentException for an invalid label or an algorithm not served here
     */
    KeyHandle generate(KeyAlgorithm algorithm, String label) throws KeyCustodyException;

    Optional<KeyHandle> find(String label) throws KeyCustodyException;

    List<KeyHandle> list() throws KeyCustodyException;

    /**
     * Signs with a signature key: Ed25519 (64 bytes), ECDSA P-256 with SHA-256 (P1363 {@code r||s}, 64
     * bytes), ML-DSA-87 (hedged, empty context).
     *
     * @throws KeyNotFoundException if the handle's key is not (or no longer) in this custody
     * @throws IllegalArgumentException if the key does not sign
     */
    byte[] sign(KeyHandle key, byte[] message) throws KeyCustodyException;

    /**
     * Diffie-Hellman with a static key-agreement key (X25519).
     *
     * @throws io.aethercore.api.crypto.KeyAgreementException for an all-zero result
     * @throws io.aethercore.api.crypto.MalformedKeyException if the peer key is of another algorithm
     */
    default byte[] agree(KeyHandle key, RawPublicKey peer) throws CryptoException {
        throw new UnsupportedOperationException("custody '" + name() + "' does not do key agreement");
    }

    /**
     * Deletes a key for good.
     *
     * @throws KeyNotFoundException if it is not there
     */
    void delete(KeyHandle key) throws KeyCustodyException;

    /**
     * Imports an existing private key (PKCS#8 DER), for migration and known-answer tests. The bytes
     * go in; they never come back out. Custodies that cannot import throw {@link
     * UnsupportedOperationException}.
     *
     * @throws KeyExistsException if the label is taken
     * @throws io.aethercore.api.crypto.MalformedKeyException if the bytes are not a PKCS#8 key of a
     *     served algorithm
     */
    default KeyHandle importPkcs8(String label, byte[] pkcs8) throws CryptoException {
        throw new UnsupportedOperationException("custody '" + name() + "' does not import keys");
    }

    /**
     * Validates a key label.
     *
     * @throws IllegalArgumentException naming the rule
     */
    static String checkLabel(String label) {
        if (label == null || !LabelRule.PATTERN.matcher(label).matches()) {
            throw new IllegalArgumentException("invalid key label '" + label
                    + "': use 1 to 64 characters of A-Z a-z 0-9 . _ - , not starting with '.'");
        }
        return label;
    }

    /** Holder of the label pattern (interfaces cannot have private static fields). */
    final class LabelRule {
        static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

        private LabelRule() {}
    }
}
