package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;

/** {@link StaticKeys} held by {@link KeyCustody}s: found by label, generated there when missing. */
public final class CustodyStaticKeys implements StaticKeys {

    private final KeyCustody dhCustody;
    private final KeyHandle dh;
    private final KeyCustody sigCustody;
    private final KeyHandle sig;

    public CustodyStaticKeys(KeyCustody dhCustody, String dhLabel, KeyCustody sigCustody, String sigLabel)
            throws KeyCustodyException {
        this.dhCustody = dhCustody;
        this.dh = findOrCreate(dhCustody, KeyAlgorithm.X25519, dhLabel);
        this.sigCustody = sigCustody;
        this.sig = sigCustody == null ? null : findOrCreate(sigCustody, KeyAlgorithm.ML_DSA_87, sigLabel);
    }

    private CustodyStaticKeys(KeyCustody dhCustody, KeyHandle dh, KeyCustody sigCustody, KeyHandle sig) {
        this.dhCustody = dhCustody;
        this.dh = dh;
        this.sigCustody = sigCustody;
        this.sig = sig;
    }

    /** The keys under these labels if the custodies hold them (of the right algorithms), else null; never generates. */
    public static CustodyStaticKeys existing(KeyCustody dhCustody, String dhLabel, KeyCustody sigCustody,
                                             String sigLabel) throws KeyCustodyException {
        var dh = dhCustody.find(dhLabel).filter(h -> h.algorithm() == KeyAlgorithm.X25519);
        var sig = sigCustody == null ? java.util.Optional.<KeyHandle>empty()
                : sigCustody.find(sigLabel).filter(h -> h.algorithm() == KeyAlgorithm.ML_DSA_87);
        if (dh.isEmpty() || sigCustody != null && sig.isEmpty()) {
            return null;
        }
        return new CustodyStaticKeys(dhCustody, dh.get(), sigCustody, sig.orElse(null));
    }

    /** Deletes both keys from their custodies (retired generation); failures are logged. */
    @Override
    public void destroy() {
        delete(dhCustody, dh);
        if (sig != null) {
            delete(sigCustody, sig);
        }
    }

    private static void delete(KeyCustody c, KeyHandle h) {
        try {
            c.delete(h);
        } catch (KeyCustodyException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(CustodyStaticKeys.class).warn(
                    "retired B4AE key {} could not be deleted from custody '{}': {}", h, c.name(), e.getMessage());
        }
    }

    static KeyHandle findOrCreate(KeyCustody c, KeyAlgorithm alg, String label) throws KeyCustodyException {
        var found = c.find(label);
        if (found.isPresent()) {
            if (found.get().algorithm() != alg) {
                throw new KeyCustodyException("key '" + label + "' in custody '" + c.name() + "' is "
                        + found.get().algorithm().id() + ", expected " + alg.id() + "; configure another label");
            }
            return found.get();
        }
        try {
            return c.generate(alg, label);
        } catch (KeyExistsException raced) {
            return c.find(label).orElseThrow(() -> raced);
        }
    }

    public KeyHandle dhHandle() {
        return dh;
    }

    public KeyHandle sigHandle() {
        return sig;
    }

    @Override
    public RawPublicKey x25519() {
        return dh.publicKey();
    }

    @Override
    public byte[] agree(RawPublicKey peer) throws CryptoException {
        return dhCustody.agree(dh, peer);
    }

    @Override
    public RawPublicKey mldsa() {
        return sig == null ? null : sig.publicKey();
    }

    @Override
    public byte[] sign(byte[] message) throws CryptoException {
        if (sig == null) {
            throw new IllegalStateException("no ML-DSA-87 key: Mode B is not available on this node");
        }
        return sigCustody.sign(sig, message);
    }

    @Override
    public String describe() {
        return "X25519 " + dh + (sig == null ? "; no ML-DSA-87 key" : "; ML-DSA-87 " + sig);
    }
}
