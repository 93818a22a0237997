package io.aethercore.hsm.internal;

import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustodyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;
import org.xipki.pkcs11.wrapper.TokenInfo;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.*;

/**
 * One PKCS#11 token chosen by its label: login, the session pool and recovery when the token is lost.
 * {@link Pkcs11KeyCustody} runs its key operations through {@link #call}.
 *
 * <p>The user logs in once per token (PKCS#11 login state is shared by all sessions of an
 * application). A session that fails with a session- or device-level error is dropped, never reused.
 * A wrong PIN is remembered and reported on every call until a new custody is made: login is never
 * retried, because real tokens lock after a few wrong PINs. A token that disappears makes calls fail
 * with {@link CustodyUnavailableException}; the next call after {@code retryInterval} re-initialises
 * the library (see {@link Pkcs11Library}), finds the token by its label again and logs in again.
 */
final class Pkcs11Token {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Token.class);
    private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(30);

    /** An operation on a pooled session. */
    @FunctionalInterface
    interface SessionCall<T> {
        T run(TokenState st, Session s) throws KeyCustodyException, TokenException;
    }

    private final String custody;
    private final String tokenLabel;
    private final int poolSize;
    private final Duration retryInterval;
    private final char[] pin;
    private final Pkcs11Library library;
    private final Object stateLock = new Object();
    private final Set<Long> mechanisms;

    private volatile TokenState state;
    private volatile KeyCustodyException loginFailure;
    private long lastRecovery;
    private volatile boolean closed;

    /**
     * Finds the token and logs in. On failure the PIN copy is wiped; the caller releases the library.
     */
    Pkcs11Token(String custody, Pkcs11Library library, String tokenLabel, char[] pin, int poolSize,
            Duration retryInterval) throws KeyCustodyException {
        this.custody = custody;
        this.library = library;
        this.tokenLabel = tokenLabel;
        this.pin = pin.clone();
        this.poolSize = poolSize;
        this.retryInterval = retryInterval;
        try {
            TokenState st;
            try {
                st = openState(false);
            } catch (CustodyUnavailableException e) {
                // the library may have been initialised (by another custody) before the token was made
                st = openState(true);
            }
            Set<Long> m = new HashSet<>();
            for (long x : st.token().getMechanismList()) {
                m.add(x);
            }
            this.mechanisms = Set.copyOf(m);
            this.state = st;
        } catch (KeyCustodyException | RuntimeException e) {
            Arrays.fill(this.pin, '\0');
            throw e;
        }
    }

    /** The mechanisms the token listed when it was opened. */
    Set<Long> mechanisms() {
        return mechanisms;
    }

    String serial() {
        TokenState st = state;
        return st == null ? "" : st.serial();
    }

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
            TokenState st = new TokenState(generation, token, tokenLabel, serial, poolSize);
            Session first = st.newSession();
            try {
                first.login(CKU_USER, pin);
            } catch (PKCS11Exception e) {
                long code = e.getErrorCode();
                if (code != CKR_USER_ALREADY_LOGGED_IN) {
                    st.drop(first);
                    if (code == CKR_PIN_INCORRECT || code == CKR_PIN_INVALID || code == CKR_PIN_LEN_RANGE
                            || code == CKR_PIN_LOCKED || code == CKR_PIN_EXPIRED) {
                        KeyCustodyException f = new KeyCustodyException("login to token '" + tokenLabel + "' failed: "
                                + e.getErrorName() + (code == CKR_PIN_LOCKED ? " (the user PIN is locked; the SO must"
                                + " unlock it)" : " (wrong PIN?)") + ". Not retried: fix the PIN and reconfigure the custody", e);
                        loginFailure = f;
                        LOG.error("PKCS#11 custody '{}': {}", custody, f.getMessage());
                        throw f;
                    }
                    throw unavailable(tokenLabel, "login to token '" + tokenLabel + "'", e);
                }
            }
            st.giveBack(first);
            return st;
        } finally {
            read.unlock();
        }
    }

    /** The current token state, recovering (re-initialise, find by label, log in) if it was lost. */
    private TokenState usableState() throws KeyCustodyException {
        KeyCustodyException failed = loginFailure;
        if (failed != null) {
            throw new KeyCustodyException(failed.getMessage(), failed);
        }
        if (closed) {
            throw new CustodyUnavailableException("custody '" + custody + "' is closed", null);
        }
        TokenState st = state;
        if (st != null && !st.broken() && st.generation() == library.generation()) {
            return st;
        }
        synchronized (stateLock) {
            st = state;
            if (st != null && !st.broken() && st.generation() == library.generation()) {
                return st;
            }
            failed = loginFailure;
            if (failed != null) {
                throw new KeyCustodyException(failed.getMessage(), failed);
            }
            // another custody re-initialised the library: just log in again. Our token failed: re-initialise.
            boolean reinitialize = st == null || st.broken();
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
            if (st != null && !st.serial().equals(fresh.serial())) {
                LOG.warn("PKCS#11 custody '{}': token '{}' is back with another serial ({} -> {}); it was re-initialised,"
                        + " keys made before are gone", custody, tokenLabel, st.serial(), fresh.serial());
            } else {
                LOG.info("PKCS#11 custody '{}': token '{}' reconnected", custody, tokenLabel);
            }
            state = fresh;
            return fresh;
        }
    }

    /** Runs {@code call} with a pooled session under the library's read lock, mapping PKCS#11 failures. */
    <T> T call(String what, SessionCall<T> call) throws KeyCustodyException {
        for (int attempt = 0; ; attempt++) {
            TokenState st = usableState();
            Lock read = library.lock().readLock();
            read.lock();
            try {
                if (st.generation() != library.generation()) {
                    if (attempt < 2) {
                        continue; // the library was re-initialised meanwhile: take the new state
                    }
                    throw new CustodyUnavailableException(what + ": the PKCS#11 library keeps re-initialising", null);
                }
                Session s = st.borrow(BORROW_TIMEOUT.toMillis());
                boolean drop = false;
                try {
                    return call.run(st, s);
                } catch (PKCS11Exception e) {
                    if (isSessionOrDeviceError(e.getErrorCode())) {
                        drop = true;
                        st.markBroken();
                        throw unavailable(tokenLabel, what, e);
                    }
                    throw new KeyCustodyException(what + " failed on token '" + tokenLabel + "': " + e.getErrorName(), e);
                } catch (TokenException e) {
                    throw new KeyCustodyException(what + " failed on token '" + tokenLabel + "': " + e.getMessage(), e);
                } catch (CustodyUnavailableException e) {
                    drop = true;
                    st.markBroken();
                    throw e;
                } finally {
                    if (drop) {
                        st.drop(s);
                    } else {
                        st.giveBack(s);
                    }
                }
            } finally {
                read.unlock();
            }
        }
    }

    static boolean isSessionOrDeviceError(long code) {
        return code == CKR_SESSION_HANDLE_INVALID || code == CKR_SESSION_CLOSED || code == CKR_DEVICE_REMOVED
                || code == CKR_DEVICE_ERROR || code == CKR_TOKEN_NOT_PRESENT || code == CKR_TOKEN_NOT_RECOGNIZED
                || code == CKR_GENERAL_ERROR || code == CKR_CRYPTOKI_NOT_INITIALIZED || code == CKR_USER_NOT_LOGGED_IN
                || code == CKR_DEVICE_MEMORY || code == CKR_SESSION_COUNT;
    }

    static CustodyUnavailableException unavailable(String tokenLabel, String what, PKCS11Exception e) {
        return new CustodyUnavailableException(what + ": token '" + tokenLabel + "' is unavailable (" + e.getErrorName()
                + "); the custody reconnects when it is back", e);
    }

    /** Logs out, closes the sessions and wipes the PIN; idempotent. The caller releases the library. */
    boolean close() {
        synchronized (stateLock) {
            if (closed) {
                return false;
            }
            closed = true;
            TokenState st = state;
            state = null;
            if (st != null && st.generation() == library.generation()) {
                Lock read = library.lock().readLock();
                read.lock();
                try {
                    Session s;
                    boolean loggedOut = false;
                    while ((s = st.takeIdle()) != null) {
                        if (!loggedOut) {
                            try {
                                s.logout();
                            } catch (PKCS11Exception | RuntimeException e) {
                                // not logged in any more
                            }
                            loggedOut = true;
                        }
                        TokenState.closeQuietly(s);
                    }
                } finally {
                    read.unlock();
                }
            }
            Arrays.fill(pin, '\0');
            return true;
        }
    }
}
