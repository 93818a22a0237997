package io.aethercore.hsm.internal;

import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenInfo;

/**
 * What we know of a token while its sessions are valid: the session pool (at most {@code poolSize}
 * sessions, opened lazily) and the key objects found on it. A new state replaces it when the token is
 * lost or the library is re-initialised.
 */
final class TokenState {

    /** A key found on the token: object handles and its handle for callers. */
    record KeyObject(long privateKey, long publicKey, KeyHandle handle) {}

    private final long generation;
    private final Token token;
    private final String label;
    private final String serial;
    private final int poolSize;
    private final LinkedBlockingDeque<Session> idle = new LinkedBlockingDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, KeyObject> keys = new ConcurrentHashMap<>();
    private volatile boolean broken;

    TokenState(long generation, Token token, String label, String serial, int poolSize) {
        this.generation = generation;
        this.token = token;
        this.label = label;
        this.serial = serial;
        this.poolSize = poolSize;
    }

    long generation() {
        return generation;
    }

    Token token() {
        return token;
    }

    String serial() {
        return serial;
    }

    int poolSize() {
        return poolSize;
    }

    boolean broken() {
        return broken;
    }

    void markBroken() {
        broken = true;
    }

    // ------------------------------------------------------------------ sessions

    /** Opens a session, counting it in the pool. */
    Session newSession() throws KeyCustodyException {
        open.incrementAndGet();
        return openCounted();
    }

    /** Opens a session whose place in the pool count is already taken; gives the place back on failure. */
    private Session openCounted() throws KeyCustodyException {
        try {
            return token.openSession(true);
        } catch (PKCS11Exception e) {
            open.decrementAndGet();
            broken = true;
            throw new CustodyUnavailableException("cannot open a session: " + e.getErrorName(), e);
        }
    }

    /** An idle session, a new one while the pool has room, or the next one given back within {@code timeoutMillis}. */
    Session borrow(long timeoutMillis) throws KeyCustodyException {
        Session s = idle.pollFirst();
        if (s != null) {
            return s;
        }
        while (true) {
            int n = open.get();
            if (n >= poolSize) {
                break;
            }
            if (open.compareAndSet(n, n + 1)) {
                return openCounted();
            }
        }
        try {
            s = idle.pollFirst(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustodyUnavailableException("interrupted while waiting for a session of token '" + label + "'", e);
        }
        if (s == null) {
            throw new CustodyUnavailableException("no session of token '" + label + "' became free within "
                    + TimeUnit.MILLISECONDS.toSeconds(timeoutMillis) + " s (pool size " + poolSize + ")", null);
        }
        return s;
    }

    /** Gives a healthy session back to the pool. */
    void giveBack(Session s) {
        idle.addFirst(s);
    }

    /** Closes a session that must not be reused and frees its place in the pool. */
    void drop(Session s) {
        closeQuietly(s);
        open.decrementAndGet();
    }

    /** The next idle session, or null when none is left (at close). */
    Session takeIdle() {
        return idle.pollFirst();
    }

    static void closeQuietly(Session s) {
        try {
            s.closeSession();
        } catch (PKCS11Exception | RuntimeException e) {
            // the session is gone either way
        }
    }

    /** Throws {@link CustodyUnavailableException} if the token behind the state is gone (a cheap C_GetTokenInfo). */
    void probe() throws CustodyUnavailableException {
        try {
            TokenInfo info = token.getTokenInfo();
            String now = info.getSerialNumber() == null ? "" : info.getSerialNumber().strip();
            if (!now.equals(serial)) {
                throw new CustodyUnavailableException("token '" + label + "' was replaced (serial " + serial
                        + " -> " + now + "); the custody reconnects", null);
            }
        } catch (PKCS11Exception e) {
            throw Pkcs11Token.unavailable(label, "token check", e);
        }
    }

    // ------------------------------------------------------------------ key objects

    KeyObject cached(String keyLabel) {
        return keys.get(keyLabel);
    }

    void remember(String keyLabel, KeyObject k) {
        keys.put(keyLabel, k);
    }

    void forget(String keyLabel) {
        keys.remove(keyLabel);
    }

    void forget(String keyLabel, KeyObject k) {
        keys.remove(keyLabel, k);
    }
}
