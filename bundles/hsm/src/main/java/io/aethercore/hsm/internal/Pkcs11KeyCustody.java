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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.TokenInfo;

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

    private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String tokenLabel;
    private final int poolSize;
    private final Duration retryInterval;
    private final char[] pin;
    private final Pkcs11Library library;
    private final Set<KeyAlgorithm> algorithms;
    private final boolean tokenHasMlDsa;
    private final Object stateLock = new Object();
    private final Object generateLock = new Object();

    private volatile TokenState state;
    private volatile KeyCustodyException loginFailure;
    private long lastRecovery;
    private volatile boolean closed;

    /** What we know of the token while its sessions are valid. */
    private static final class TokenState {
        final long generation;
        final Token token;
        final String serial;
        final int poolSize;
        final LinkedBlockingDeque<Session> idle = new LinkedBlockingDeque<>();
        final AtomicInteger open = new AtomicInteger();
        final Map<String, KeyObject> keys = new ConcurrentHashMap<>();
        volatile boolean broken;

        TokenState(long generation, Token token, String serial, int poolSize) {
            this.generation = generation;
            this.token = token;
            this.serial = serial;
            this.poolSize = poolSize;
        }
    }

    /** A key found on the token: object handles and its handle for callers. */
    private record KeyObject(long privateKey, long publicKey, KeyHandle handle) {}

    @FunctionalInterface
    private interface SessionCall<T> {
        T run(TokenState st, Session s) throws KeyCustodyException, TokenException;
    }

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
        this.poolSize = Math.max(1, poolSize);
        this.retryInterval = retryInterval == null ? Duration.ofSeconds(5) : retryInterval;
        if (pin == null || pin.length == 0) {
            throw new KeyCustodyException("no PIN given for token '" + this.tokenLabel + "'");
        }
        this.pin = pin.clone();
        this.library = Pkcs11Library.acquire(libraryPath);
        try {
            TokenState st;
            try {
                st = openState(false);
            } catch (CustodyUnavailableException e) {
                // the library may have been initialised (by another custody) before the token was made
                st = openState(true);
            }
            long[] mechanisms = st.token.getMechanismList();
            Set<Long> m = new java.util.HashSet<>();
            for (long x : mechanisms) {
                m.add(x);
            }
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
            this.state = st;
        } catch (KeyCustodyException | RuntimeException e) {
            Arrays.fill(this.pin, '\0');
            library.release();
            throw e;
        }
        LOG.info("PKCS#11 custody '{}': token '{}' (serial {}) in {}, algorithms {}", this.name, this.tokenLabel,
                state.serial, library.path(), algorithms);
    }

    // ------------------------------------------------------------------------------ token and sessions

    /** Finds the token by label, opens a first session and logs in. Called with {@link #stateLock} held or from the constructor. */
    private TokenState openState(boolean reinitializeFirst) throws KeyCustodyException {
        if (reinitializeFirst) {
            library.reinitialize(library.generation());
        }
        Lock read = library.lock().readLock();
        read.lock();
        try {
            long generation = library.generation();
            Token token = null;
            List<String> labels = new ArrayList<>();
            Slot[] slots;
            try {
                slots = library.module().getSlotList(true);
            } catch (PKCS11Exception e) {
                throw new CustodyUnavailableException("cannot list the slots of " + library.path() + ": " + e.getErrorName(), e);
            }
            String serial = null;
            for (Slot slot : slots) {
                try {
                    TokenInfo info = slot.getToken().getTokenInfo();
                    String label = info.getLabel() == null ? "" : info.getLabel().strip();
                    if (!info.isTokenInitialized()) {
                        continue;
                    }
                    labels.add(label);
                    if (label.equals(tokenLabel)) {
                        if (token != null) {
                            throw new KeyCustodyException("more than one token is labelled '" + tokenLabel
                                    + "' in " + library.path() + "; give each token a distinct label");
                        }
                        token = slot.getToken();
                        serial = info.getSerialNumber() == null ? "" : info.getSerialNumber().strip();
                    }
                } catch (PKCS11Exception e) {
                    LOG.debug("slot {}: {}", slot.getSlotID(), e.getErrorName());
                }
            }
            if (token == null) {
                throw new CustodyUnavailableException("no token labelled '" + tokenLabel + "' in " + library.path()
                        + "; tokens present: " + (labels.isEmpty() ? "none" : labels), null);
            }
            TokenState st = new TokenState(generation, token, serial, poolSize);
            Session first = newSession(st);
            try {
                first.login(CKU_USER, pin);
            } catch (PKCS11Exception e) {
                long code = e.getErrorCode();
                if (code != CKR_USER_ALREADY_LOGGED_IN) {
                    closeQuietly(first);
                    st.open.decrementAndGet();
                    if (code == CKR_PIN_INCORRECT || code == CKR_PIN_INVALID || code == CKR_PIN_LEN_RANGE
                            || code == CKR_PIN_LOCKED || code == CKR_PIN_EXPIRED) {
                        KeyCustodyException f = new KeyCustodyException("login to token '" + tokenLabel + "' failed: "
                                + e.getErrorName() + (code == CKR_PIN_LOCKED ? " (the user PIN is locked; the SO must"
                                + " unlock it)" : " (wrong PIN?)") + ". Not retried: fix the PIN and reconfigure the custody", e);
                        loginFailure = f;
                        LOG.error("PKCS#11 custody '{}': {}", name, f.getMessage());
                        throw f;
                    }
                    throw unavailable("login to token '" + tokenLabel + "'", e);
                }
            }
            st.idle.add(first);
            return st;
        } finally {
            read.unlock();
        }
    }

    private static Session newSession(TokenState st) throws KeyCustodyException {
        st.open.incrementAndGet();
        return openCounted(st);
    }

    /** Opens a session whose place in the pool count is already taken; gives the place back on failure. */
    private static Session openCounted(TokenState st) throws KeyCustodyException {
        try {
            return st.token.openSession(true);
        } catch (PKCS11Exception e) {
            st.open.decrementAndGet();
            st.broken = true;
            throw new CustodyUnavailableException("cannot open a session: " + e.getErrorName(), e);
        }
    }

    /** The current token state, recovering (re-initialise, find by label, log in) if it was lost. */
    private TokenState usableState() throws KeyCustodyException {
        KeyCustodyException failed = loginFailure;
        if (failed != null) {
            throw new KeyCustodyException(failed.getMessage(), failed);
        }
        if (closed) {
            throw new CustodyUnavailableException("custody '" + name + "' is closed", null);
        }
        TokenState st = state;
        if (st != null && !st.broken && st.generation == library.generation()) {
            return st;
        }
        synchronized (stateLock) {
            st = state;
            if (st != null && !st.broken && st.generation == library.generation()) {
                return st;
            }
            failed = loginFailure;
            if (failed != null) {
                throw new KeyCustodyException(failed.getMessage(), failed);
            }
            // another custody re-initialised the library: just log in again. Our token failed: re-initialise.
            boolean reinitialize = st == null || st.broken;
            long now = System.nanoTime();
            if (reinitialize && lastRecovery != 0 && now - lastRecovery < retryInterval.toNanos()) {
                throw new CustodyUnavailableException("token '" + tokenLabel + "' is unavailable; next attempt to"
                        + " reconnect in at most " + retryInterval.toMillis() + " ms", null);
            }
            if (reinitialize) {
                lastRecovery = now;
            }
            state = null;
            TokenState fresh = openState(reinitialize);
            if (st != null && !st.serial.equals(fresh.serial)) {
                LOG.warn("PKCS#11 custody '{}': token '{}' is back with another serial ({} -> {}); it was re-initialised,"
                        + " keys made before are gone", name, tokenLabel, st.serial, fresh.serial);
            } else {
                LOG.info("PKCS#11 custody '{}': token '{}' reconnected", name, tokenLabel);
            }
            state = fresh;
            return fresh;
        }
    }

    /** Runs {@code call} with a pooled session under the library's read lock, mapping PKCS#11 failures. */
    private <T> T call(String what, SessionCall<T> call) throws KeyCustodyException {
        for (int attempt = 0; ; attempt++) {
            TokenState st = usableState();
            Lock read = library.lock().readLock();
            read.lock();
            try {
                if (st.generation != library.generation()) {
                    if (attempt < 2) {
                        continue; // the library was re-initialised meanwhile: take the new state
                    }
                    throw new CustodyUnavailableException(what + ": the PKCS#11 library keeps re-initialising", null);
                }
                Session s = borrow(st);
                boolean drop = false;
                try {
                    return call.run(st, s);
                } catch (PKCS11Exception e) {
                    if (isSessionOrDeviceError(e.getErrorCode())) {
                        drop = true;
                        st.broken = true;
                        throw unavailable(what, e);
                    }
                    throw new KeyCustodyException(what + " failed on token '" + tokenLabel + "': " + e.getErrorName(), e);
                } catch (TokenException e) {
                    throw new KeyCustodyException(what + " failed on token '" + tokenLabel + "': " + e.getMessage(), e);
                } catch (CustodyUnavailableException e) {
                    drop = true;
                    st.broken = true;
                    throw e;
                } finally {
                    if (drop) {
                        closeQuietly(s);
                        st.open.decrementAndGet();
                    } else {
                        st.idle.addFirst(s);
                    }
                }
            } finally {
                read.unlock();
            }
        }
    }

    private Session borrow(TokenState st) throws KeyCustodyException {
        Session s = st.idle.pollFirst();
        if (s != null) {
            return s;
        }
        while (true) {
            int n = st.open.get();
            if (n >= st.poolSize) {
                break;
            }
            if (st.open.compareAndSet(n, n + 1)) {
                return openCounted(st);
            }
        }
        try {
            s = st.idle.pollFirst(BORROW_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustodyUnavailableException("interrupted while waiting for a session of token '" + tokenLabel + "'", e);
        }
        if (s == null) {
            throw new CustodyUnavailableException("no session of token '" + tokenLabel + "' became free within "
                    + BORROW_TIMEOUT.toSeconds() + " s (pool size " + st.poolSize + ")", null);
        }
        return s;
    }

    static boolean isSessionOrDeviceError(long code) {
        return code == CKR_SESSION_HANDLE_INVALID || code == CKR_SESSION_CLOSED || code == CKR_DEVICE_REMOVED
                || code == CKR_DEVICE_ERROR || code == CKR_TOKEN_NOT_PRESENT || code == CKR_TOKEN_NOT_RECOGNIZED
                || code == CKR_GENERAL_ERROR || code == CKR_CRYPTOKI_NOT_INITIALIZED || code == CKR_USER_NOT_LOGGED_IN
                || code == CKR_DEVICE_MEMORY || code == CKR_SESSION_COUNT;
    }

    private CustodyUnavailableException unavailable(String what, PKCS11Exception e) {
        return new CustodyUnavailableException(what + ": token '" + tokenLabel + "' is unavailable (" + e.getErrorName()
                + "); the custody reconnects when it is back", e);
    }

    /** Throws {@link CustodyUnavailableException} if the token behind the state is gone (a cheap C_GetTokenInfo). */
    private void probe(TokenState st) throws CustodyUnavailableException {
        try {
            TokenInfo info = st.token.getTokenInfo();
            String serial = info.getSerialNumber() == null ? "" : info.getSerialNumber().strip();
            if (!serial.equals(st.serial)) {
                throw new CustodyUnavailableException("token '" + tokenLabel + "' was replaced (serial " + st.serial
                        + " -> " + serial + "); the custody reconnects", null);
            }
        } catch (PKCS11Exception e) {
            throw unavailable("token check", e);
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.closeSession();
        } catch (PKCS11Exception | RuntimeException e) {
            // the session is gone either way
        }
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
            return call("generate " + algorithm.id() + " key '" + label + "'", (st, s) -> {
                if (!findObjects(s, CKO_PRIVATE_KEY, label, 1).isEmpty() || !findObjects(s, CKO_PUBLIC_KEY, label, 1).isEmpty()) {
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
                st.keys.put(label, new KeyObject(kp.getPrivateKey(), kp.getPublicKey(), h));
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
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(pub.encoded()), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<KeyHandle> find(String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        return call("find key '" + label + "'", (st, s) -> {
            probe(st);
            KeyObject k = lookup(st, s, label, true);
            return k == null ? Optional.<KeyHandle>empty() : Optional.of(k.handle());
        });
    }

    @Override
    public List<KeyHandle> list() throws KeyCustodyException {
        return call("list keys", (st, s) -> {
            probe(st);
            List<KeyHandle> out = new ArrayList<>();
            for (long h : findObjects(s, CKO_PRIVATE_KEY, null, Integer.MAX_VALUE)) {
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
                    KeyObject k = lookup(st, s, label, true);
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
        return call("sign with key '" + key.label() + "'", (st, s) -> {
            KeyObject k = resolve(st, s, key);
            byte[] sig;
            try {
                sig = s.signSingle(mechanism, k.privateKey(), input);
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != CKR_OBJECT_HANDLE_INVALID && e.getErrorCode() != CKR_KEY_HANDLE_INVALID) {
                    throw e;
                }
                // the object vanished under its cached handle: look again, once
                st.keys.remove(key.label(), k);
                k = resolve(st, s, key);
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
            call("delete key '" + key.label() + "'", (st, s) -> {
                st.keys.remove(key.label());
                KeyObject k = resolve(st, s, key);
                st.keys.remove(key.label());
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
        return call("read attributes of key '" + key.label() + "'", (st, s) -> {
            KeyObject k = resolve(st, s, key);
            AttributeVector a = s.getAttrValues(k.privateKey(), CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE,
                    CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE);
            return new KeyProtection(Boolean.TRUE.equals(a.token()), Boolean.TRUE.equals(a.private_()),
                    Boolean.TRUE.equals(a.sensitive()), !Boolean.FALSE.equals(a.extractable()),
                    Boolean.TRUE.equals(a.alwaysSensitive()), Boolean.TRUE.equals(a.neverExtractable()));
        });
    }

    // ---------------------------------------------------------------------------------- object lookup

    /** The key for a caller's handle: same label and same public key, or {@link KeyNotFoundException}. */
    private KeyObject resolve(TokenState st, Session s, KeyHandle key) throws KeyCustodyException, PKCS11Exception {
        KeyObject k = lookup(st, s, key.label(), false);
        if (k == null) {
            probe(st); // a vanished token is unavailable, not a missing key
            throw new KeyNotFoundException(name, key.label());
        }
        if (!k.handle().publicKey().equals(key.publicKey())) {
            throw new KeyNotFoundException(name, key.label());
        }
        return k;
    }

    /**
     * The key labelled {@code label}, from the cache or the token; {@code null} if there is none or it
     * is not a key this custody serves.
     *
     * @param fresh check a cached entry against the token (find and list must see external deletions)
     */
    private KeyObject lookup(TokenState st, Session s, String label, boolean fresh) throws KeyCustodyException, PKCS11Exception {
        KeyObject cached = st.keys.get(label);
        List<Long> privs = null;
        if (cached != null) {
            if (!fresh) {
                return cached;
            }
            privs = findObjects(s, CKO_PRIVATE_KEY, label, 2);
            if (privs.size() == 1 && privs.get(0) == cached.privateKey()) {
                return cached;
            }
            st.keys.remove(label, cached);
        }
        if (privs == null) {
            privs = findObjects(s, CKO_PRIVATE_KEY, label, 2);
        }
        if (privs.isEmpty()) {
            return null;
        }
        if (privs.size() > 1) {
            throw new KeyCustodyException("token '" + tokenLabel + "' holds more than one private key labelled '" + label
                    + "'; remove or relabel the extra one");
        }
        long priv = privs.get(0);
        AttributeVector a = s.getAttrValues(priv, CKA_KEY_TYPE, CKA_EC_PARAMS, CKA_ID);
        Long type = a.keyType();
        boolean edwards = type != null && type == CKK_EC_EDWARDS;
        KeyAlgorithm alg = type == null || (type != CKK_EC_EDWARDS && type != CKK_EC) ? null : EcPoints.algorithm(edwards, a.ecParams());
        if (alg == null) {
            LOG.debug("custody '{}': key '{}' is of a type or curve we do not use", name, label);
            return null;
        }
        // the public key object: same label, and the same CKA_ID if the private key has one
        long pubObj = 0;
        for (long p : findObjects(s, CKO_PUBLIC_KEY, label, 4)) {
            byte[] id = a.id();
            if (id == null || id.length == 0 || Arrays.equals(id, s.getAttrValues(p, CKA_ID).id())) {
                pubObj = p;
                break;
            }
        }
        byte[] point = pubObj != 0 ? s.getAttrValues(pubObj, CKA_EC_POINT).ecPoint() : s.getAttrValues(priv, CKA_EC_POINT).ecPoint();
        if (point == null) {
            throw new KeyCustodyException("key '" + label + "' on token '" + tokenLabel + "' has no public key object"
                    + " (and its private key no CKA_EC_POINT)");
        }
        RawPublicKey pub;
        try {
            pub = EcPoints.decode(alg, point);
        } catch (MalformedKeyException e) {
            throw new KeyCustodyException("key '" + label + "' on token '" + tokenLabel + "': " + e.getMessage(), e);
        }
        KeyObject k = new KeyObject(priv, pubObj, new KeyHandle(name, CustodyKind.HSM, label, pub, null));
        st.keys.put(label, k);
        return k;
    }

    private static List<Long> findObjects(Session s, long objectClass, String label, int max) throws PKCS11Exception {
        AttributeVector t = new AttributeVector().class_(objectClass).token(true);
        if (label != null) {
            t.label(label);
        }
        List<Long> out = new ArrayList<>();
        s.findObjectsInit(t);
        try {
            while (out.size() < max) {
                long[] batch = s.findObjects(Math.min(64, max - out.size()));
                if (batch == null || batch.length == 0) {
                    break;
                }
                for (long h : batch) {
                    out.add(h);
                }
            }
        } finally {
            s.findObjectsFinal();
        }
        return out;
    }

    /** Logs out, closes the sessions and releases the library. */
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            TokenState st = state;
            state = null;
            if (st != null && st.generation == library.generation()) {
                Lock read = library.lock().readLock();
                read.lock();
                try {
                    Session s;
                    boolean loggedOut = false;
                    while ((s = st.idle.pollFirst()) != null) {
                        if (!loggedOut) {
                            try {
                                s.logout();
                            } catch (PKCS11Exception | RuntimeException e) {
                                // not logged in any more
                            }
                            loggedOut = true;
                        }
                        closeQuietly(s);
                    }
                } finally {
                    read.unlock();
                }
            }
            Arrays.fill(pin, '\0');
            library.release();
        }
    }

    @Override
    public String toString() {
        return "KeyCustody[" + name + ", hsm, token '" + tokenLabel + "' in " + library.path() + "]";
    }
}
