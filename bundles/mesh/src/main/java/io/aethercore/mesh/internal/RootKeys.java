package io.aethercore.mesh.internal;

import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.mesh.MeshException;
import io.aethercore.api.crypto.KeyAlgorithm;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the federation root key lives: the custody named in the configuration, else the best one
 * present (TPM, then PKCS#11, then — only when explicitly allowed — software). The private key never
 * leaves it; certificates are signed through {@link KeyCustody#sign}.
 */
public final class RootKeys {

    private RootKeys() {
    }

    /** A custody and the key algorithm to use in it. */
    public record Choice(KeyCustody custody, KeyAlgorithm algorithm) {
    }

    static int rank(CustodyKind kind) {
        return switch (kind) {
            case TPM -> 0;
            case HSM -> 1;
            case HSM_WRAPPED -> 2;
            default -> 3;
        };
    }

    /** Chooses the custody for a new root key. */
    public static Choice choose(List<KeyCustody> custodies, String named, boolean allowSoftware) throws MeshException {
        List<KeyCustody> usable = custodies.stream()
                .filter(c -> named.isEmpty() || c.name().equals(named))
                .filter(c -> algorithm(c).isPresent())
                .sorted(Comparator.comparingInt(c -> rank(c.kind())))
                .toList();
        if (usable.isEmpty()) {
            throw new MeshException(named.isEmpty() ? "no key custody that can hold a root key (Ed25519 or ECDSA P-256)"
                    : "custody '" + named + "' is not present or cannot hold Ed25519 / ECDSA P-256 keys");
        }
        KeyCustody best = usable.get(0);
        if (!best.kind().hardware() && !allowSoftware) {
            throw new MeshException("no hardware custody (TPM or PKCS#11 token) is present; the federation root key must"
                    + " never touch disk. Install aethercore-tpm or configure a PKCS#11 token, or pass"
                    + " --allow-software-key to accept a software key (not for production)");
        }
        return new Choice(best, algorithm(best).get());
    }

    /** The signature algorithm a custody offers for a root key: P-256 first (TPMs), then Ed25519. */
    static Optional<KeyAlgorithm> algorithm(KeyCustody c) {
        if (c.algorithms().contains(KeyAlgorithm.ECDSA_P256)) {
            return Optional.of(KeyAlgorithm.ECDSA_P256);
        }
        if (c.algorithms().contains(KeyAlgorithm.ED25519)) {
            return Optional.of(KeyAlgorithm.ED25519);
        }
        return Optional.empty();
    }

    /** Finds the root key by label, in the named custody or in any. */
    public static Optional<Located> find(List<KeyCustody> custodies, String named, String label) throws MeshException {
        for (KeyCustody c : custodies) {
            if (!named.isEmpty() && !c.name().equals(named)) {
                continue;
            }
            try {
                Optional<KeyHandle> h = c.find(label);
                if (h.isPresent()) {
                    return Optional.of(new Located(c, h.get()));
                }
            } catch (Exception e) {
                throw new MeshException("custody '" + c.name() + "' could not be searched for '" + label + "': "
                        + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    /** A key found in a custody. */
    public record Located(KeyCustody custody, KeyHandle handle) {
        public byte[] sign(byte[] message) throws Exception {
            return custody.sign(handle, message);
        }
    }
}
