package io.aethercore.hsm.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import io.aethercore.hsm.internal.TokenState.KeyObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.*;

/**
 * A key custody inside one PKCS#11 token, chosen by its label (slot ids change when tokens are
 * re-initialised). OSGi-free; {@link Pkcs11CustodyRegistrar} registers it.
 *
 * <p>Keys are generated on the token: Ed25519 ({@code CKM_EC_EDWARDS_KEY_PAIR_GEN}, signed with {@code
 * CKM_EDDSA}) and ECDSA P-256 ({@code CKM_EC_KEY_PAIR_GEN}; SHA-256 in Java, then {@code CKM_ECDSA}).
 * Private keys are token objects with CKA_PRIVATE, CKA_SENSITIVE and not CKA_EXTRACTABLE; both halves
 * carry our label as CKA_LABEL and the first 8 bytes of SHA-256 of the raw public key as CKA_ID.
 *
 * <p>Sessions: a pool of at most {@code poolSize} read-write sessions, opened lazily; the user logs in
 * once per token (PKCS#11 login state is shared by all sessions of an application). A session that
 * fails with a session- or device-level error is dropped, never reused. A wrong PIN is remembered and
 * reported on every call until a new custody is made (new configuration): login is never retried,
 * because real tokens lock after a few wrong PINs.
 *
 * <p>Recovery: a token that disappears makes calls fail with {@link CustodyUnavailableException}; the
 * next call after {@code retryInterval} re-initialises the library (see {@link Pkcs11Library}),
 * finds the token by its label again, opens new sessions and logs in again.
 */
public final class Pkcs11KeyCustody implements KeyCustody {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11KeyCustody.class);

    /** PKCS#11 3.2 mechanism codes of ML-DSA (not in the wrapper's constants). */
    static final long CKM_ML_DSA_KEY_PAIR_GEN = 0x1cL;
    static final long CKM_ML_DSA = 0x1dL;

    private final String name;
    private final String tokenLabel;
    private final Pkcs11Library library;
    private final Pkcs11Token token;
    private final TokenKeys keys;
    private final Set<KeyAlgorithm> algorithms;
    private final boolean tokenHasMlDsa;
    private final Object generateLock = new Object();

    /**
     * Opens the custody: loads the library, finds the token by label, logs in.
     *
     * @param name custody name; {@code null} or empty: {@code pkcs11:<token label>}
     * @param pin the user PIN; copied
     * @param poolSize most sessions open at once (at least 1)
     * @param retryInterval least time between two attempts to re-initialise the library for a lost token
     * @throws KeyCustodyException wrong PIN, missing library (not retryable)
     * @throws CustodyUnavailableException no token with that label now (retryable)
     */
    public Pkcs11KeyCustody(String name, String libraryPath, String tokenLabel, char[] pin, int poolSize,
            Duration retryInterval) throws KeyCustodyException {
        if (tokenLabel == null || tokenLabel.isBlank()) {
            throw new KeyCustodyException("no token label configured (tokens are chosen by label, never by slot id)");
        }
        this.tokenLabel = tokenLabel.strip();
        this.name = name == null || name.isBlank() ? "pkcs11:" + this.tokenLabel : name.strip();
        if (pin == null || pin.length == 0) {
            throw new KeyCustodyException("no PIN given for token '" + this.tokenLabel + "'");
        }
        this.keys = new TokenKeys(this.name, this.tokenLabel);
        this.library = Pkcs11Library.acquire(libraryPath);
        Pkcs11Token t = null;
        try {
            t = new Pkcs11Token(this.name, library, this.tokenLabel, pin, Math.max(1, poolSize),
                    retryInterval == null ? Duration.ofSeconds(5) : retryInterval);
            Set<Long> m = t.mechanisms();
            EnumSet<KeyAlgorithm> algs = EnumSet.noneOf(KeyAlgorithm.class);
            if (m.contains(CKM_EC_EDWARDS_KEY_PAIR_GEN) && m.contains(CKM_EDDSA)) {
                algs.add(KeyAlgorithm.ED25519);
            }
            if (m.contains(CKM_EC_KEY_PAIR_GEN) && m.contains(CKM_ECDSA)) {
                algs.add(KeyAlgorithm.ECDSA_P256);
            }
            if (algs.isEmpty()) {
                throw new KeyCustodyException("token '" + this.tokenLabel + "' has neither Ed25519 (CKM_EDDSA) nor"
                        + " ECDSA (CKM_ECDSA) key generation and signing");
            }
            this.algorithms = Collections.unmodifiableSet(algs);
            this.tokenHasMlDsa = m.contains(CKM_ML_DSA);
            this.token = t;
        } catch (KeyCustodyException | RuntimeException e) {
            if (t != null) {
                t.close();
            }
            library.release();
            throw e;
        }
        LOG.info("PKCS#11 custody '{}': token '{}' (serial {}) in {}, algorithms {}", this.name, this.tokenLabel,
                token.serial(), library.path(), algorithms);
    }

    // ------------------------------------------------------------------------------------ the custody

    @Override
    public String name() {
        return name;
    }

    @Override
    public CustodyKind kind() {
        return CustodyKind.HSM;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return algorithms;
    }

    public String tokenLabel() {
        return tokenLabel;
    }

    public String libraryPath() {
        return library.path();
    }

    @Override
    public KeyHandle generate(KeyAlgorithm algorithm, String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        if (algorithm == KeyAlgorithm.ML_DSA_87) {
            throw new IllegalArgumentException(tokenHasMlDsa
                    ? "token '" + tokenLabel + "' lists PKCS#11 3.2 CKM_ML_DSA, but this custody does not use it yet;"
                            + " keep ML-DSA-87 keys in the software custody"
                    : "this token has no ML-DSA (PKCS#11 3.2 CKM_ML_DSA); token '" + tokenLabel + "' cannot hold"
                            + " ML-DSA-87 keys. Keep them in the software custody (or a token with PKCS#11 3.2 ML-DSA)");
        }
        if (!algorithms.contains(algorithm)) {
            throw new IllegalArgumentException("PKCS#11 custody '" + name + "' does not hold " + algorithm.id()
                    + " keys (it holds " + algorithms.stream().map(KeyAlgorithm::id).toList() + ")");
        }
        synchronized (generateLock) {
            return token.call("generate " + algorithm.id() + " key '" + label + "'", (st, s) -> {
                if (!TokenKeys.findObjects(s, CKO_PRIVATE_KEY, label, 1).isEmpty() || !TokenKeys.findObjects(s, CKO_PUBLIC_KEY, label, 1).isEmpty()) {
                    throw new KeyExistsException(name, label);
                }
                boolean ed = algorithm == KeyAlgorithm.ED25519;
                KeyPairTemplate t = new KeyPairTemplate(ed ? CKK_EC_EDWARDS : CKK_EC)
                        .token(true).labels(label).signVerify(true).id(randomId(s));
                t.publicKey().ecParams(ed ? EcPoints.ED25519_PARAMS_OID : EcPoints.P256_PARAMS).private_(false);
                t.privateKey().private_(true).sensitive(true).extractable(false);
                PKCS11KeyPair kp = s.generateKeyPair(new Mechanism(ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN), t);
                RawPublicKey pub;
                try {
                    pub = EcPoints.decode(algorithm, s.getAttrValues(kp.getPublicKey(), CKA_EC_POINT).ecPoint());
                } catch (MalformedKeyException e) {
                    throw new KeyCustodyException("the token returned an unusable public key: " + e.getMessage(), e);
                }
                byte[] id = keyId(pub);
                try {
                    s.setAttributeValues(kp.getPrivateKey(), new AttributeVector().id(id));
                    s.setAttributeValues(kp.getPublicKey(), new AttributeVector().id(id));
                } catch (PKCS11Exception e) {
                    LOG.debug("token '{}' keeps the random CKA_ID of '{}': {}", tokenLabel, label, e.getErrorName());
                }
                KeyHandle h = new KeyHandle(name, CustodyKind.HSM, label, pub, null);
                st.remember(label, new KeyObject(kp.getPrivateKey(), kp.getPublicKey(), h));
                LOG.info("Generated {} key '{}' on token '{}' (custody '{}'), public key {}", algorithm.id(), label,
                        tokenLabel, name, pub.fingerprint());
                return h;
            });
        }
    }

    private static byte[] randomId(Session s) throws PKCS11Exception {
        return s.generateRandom(8);
    }

    /** CKA_ID of our keys: the first 8 bytes of SHA-256 of the raw public key. */
    static byte[] keyId(RawPublicKey pub) {
        return TokenKeys.keyId(pub);
    }

    @Override
    public Optional<KeyHandle> find(String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        return token.call("find key '" + label + "'", (st, s) -> {
            st.probe();
            KeyObject k = keys.lookup(st, s, label, true);
            return k == null ? Optional.<KeyHandle>empty() : Optional.of(k.handle());
        });
    }

    @Override
    public List<KeyHandle> list() throws KeyCustodyException {
        return token.call("list keys", (st, s) -> {
            st.probe();
            List<KeyHandle> out = new ArrayList<>();
            for (long h : TokenKeys.findObjects(s, CKO_PRIVATE_KEY, null, Integer.MAX_VALUE)) {
                String label;
                try {
                    label = s.getAttrValues(h, CKA_LABEL).label();
                } catch (PKCS11Exception e) {
                    if (e.getErrorCode() == CKR_OBJECT_HANDLE_INVALID) {
                        continue;
                    }
                    throw e;
                }
                if (label == null) {
                    continue;
                }
                try {
                    KeyCustody.checkLabel(label);
                } catch (IllegalArgumentException e) {
                    continue; // not a label we could have made
                }
                try {
                    KeyObject k = keys.lookup(st, s, label, true);
                    if (k != null) {
                        out.add(k.handle());
                    }
                } catch (KeyCustodyException e) {
                    if (e instanceof CustodyUnavailableException) {
                        throw e;
                    }
                    LOG.debug("custody '{}': skipping key '{}': {}", name, label, e.getMessage());
                }
            }
            out.sort(Comparator.comparing(KeyHandle::label));
            return out;
        });
    }

    @Override
    public byte[] sign(KeyHandle key, byte[] message) throws KeyCustodyException {
        if (key == null || !name.equals(key.custody())) {
            throw new KeyNotFoundException(name, key == null ? "null" : key.custody() + "/" + key.label());
        }
        if (key.algorithm().purpose() != KeyAlgorithm.Purpose.SIGNATURE) {
            throw new IllegalArgumentException("key '" + key.label() + "' is " + key.algorithm().id() + " and does not sign");
        }
        if (!algorithms.contains(key.algorithm())) {
            throw new KeyNotFoundException(name, key.label());
        }
        if (message.length == 0 && key.algorithm() == KeyAlgorithm.ED25519) {
            // the JNI layer of ipkcs11wrapper hands a zero-length array to C_Sign as a NULL pointer, which
            // tokens (SoftHSM2) reject with CKR_ARGUMENTS_BAD; say so instead of a vague token error
            throw new IllegalArgumentException("cannot sign an empty message with Ed25519 key '" + key.label()
                    + "' on PKCS#11 token '" + tokenLabel + "': zero-length data reaches C_Sign as a NULL pointer"
                    + " (CKR_ARGUMENTS_BAD). Sign a non-empty message (e.g. with a domain prefix)");
        }
        byte[] input = key.algorithm() == KeyAlgorithm.ECDSA_P256 ? sha256(message) : message;
        Mechanism mechanism = new Mechanism(key.algorithm() == KeyAlgorithm.ED25519 ? CKM_EDDSA : CKM_ECDSA);
        return token.call("sign with key '" + key.label() + "'", (st, s) -> {
            KeyObject k = keys.resolve(st, s, key);
            byte[] sig;
            try {
                sig = s.signSingle(mechanism, k.privateKey(), input);
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != CKR_OBJECT_HANDLE_INVALID && e.getErrorCode() != CKR_KEY_HANDLE_INVALID) {
                    throw e;
                }
                // the object vanished under its cached handle: look again, once
                st.forget(key.label(), k);
                k = keys.resolve(st, s, key);
                sig = s.signSingle(mechanism, k.privateKey(), input);
            }
            if (sig.length != key.algorithm().signatureLength()) {
                throw new KeyCustodyException("token '" + tokenLabel + "' returned a " + sig.length + "-byte "
                        + key.algorithm().id() + " signature, expected " + key.algorithm().signatureLength());
            }
            return sig;
        });
    }

    private static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void delete(KeyHandle key) throws KeyCustodyException {
        if (key == null || !name.equals(key.custody())) {
            throw new KeyNotFoundException(name, key == null ? "null" : key.custody() + "/" + key.label());
        }
        synchronized (generateLock) {
            token.call("delete key '" + key.label() + "'", (st, s) -> {
                st.forget(key.label());
                KeyObject k = keys.resolve(st, s, key);
                st.forget(key.label());
                s.destroyObject(k.privateKey());
                if (k.publicKey() != 0) {
                    try {
                        s.destroyObject(k.publicKey());
                    } catch (PKCS11Exception e) {
                        LOG.warn("custody '{}': private key '{}' deleted, its public key object not: {}", name,
                                key.label(), e.getErrorName());
                    }
                }
                LOG.info("Deleted key '{}' from token '{}' (custody '{}')", key.label(), tokenLabel, name);
                return null;
            });
        }
    }

    /** The protection attributes of a key's private object, read from the token. */
    public record KeyProtection(boolean token, boolean isPrivate, boolean sensitive, boolean extractable,
            boolean alwaysSensitive, boolean neverExtractable) {}

    public KeyProtection protection(KeyHandle key) throws KeyCustodyException {
        return token.call("read attributes of key '" + key.label() + "'", (st, s) -> {
            KeyObject k = keys.resolve(st, s, key);
            AttributeVector a = s.getAttrValues(k.privateKey(), CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE,
                    CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE);
            return new KeyProtection(Boolean.TRUE.equals(a.token()), Boolean.TRUE.equals(a.private_()),
                    Boolean.TRUE.equals(a.sensitive()), !Boolean.FALSE.equals(a.extractable()),
                    Boolean.TRUE.equals(a.alwaysSensitive()), Boolean.TRUE.equals(a.neverExtractable()));
        });
    }

    /** Logs out, closes the sessions and releases the library. */
    public void close() {
        if (token.close()) {
            library.release();
        }
    }

    @Override
    public String toString() {
        return "KeyCustody[" + name + ", hsm, token '" + tokenLabel + "' in " + library.path() + "]";
    }
}
