package io.aethercore.hsm.internal;

import io.aethercore.api.custody.KeyCustodyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded and initialised PKCS#11 library, shared by every custody (token) that uses it: a process
 * may call {@code C_Initialize} once per library. Reference counted; the last release calls {@code
 * C_Finalize}.
 *
 * <p>Every PKCS#11 call runs under the {@link #lock() read lock}. {@link #reinitialize} takes the
 * write lock, so no call is ever in flight while the library is finalised and initialised again; it
 * bumps the {@link #generation()}, by which every custody on the library learns that its sessions and
 * login are gone. Re-initialising is how a re-created token becomes visible: SoftHSM2 (like many
 * modules) scans its tokens in {@code C_Initialize} only.
 */
final class Pkcs11Library {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Library.class);
    private static final Map<String, Pkcs11Library> OPEN = new HashMap<>();

    private final String path;
    private final PKCS11Module module;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long generation = 1;
    private int references;
    private boolean finalized;

    private Pkcs11Library(String path, PKCS11Module module) {
        this.path = path;
        this.module = module;
    }

    /**
     * Loads and initialises the library at {@code path}, or shares the one already loaded.
     *
     * @throws KeyCustodyException if the file is missing or is no PKCS#11 library (not retryable)
     */
    static synchronized Pkcs11Library acquire(String path) throws KeyCustodyException {
        if (path == null || path.isBlank()) {
            throw new KeyCustodyException("no PKCS#11 library configured (set 'library', e.g. /usr/lib/softhsm/libsofthsm2.so)");
        }
        Path file = Path.of(path.trim()).toAbsolutePath().normalize();
        String key = file.toString();
        Pkcs11Library lib = OPEN.get(key);
        if (lib == null) {
            WrapperLogging.install();
            if (!Files.isRegularFile(file)) {
                throw new KeyCustodyException("PKCS#11 library " + file + " does not exist"
                        + " (for SoftHSM2: apt-get install softhsm2; library /usr/lib/softhsm/libsofthsm2.so)");
            }
            if (!Files.isReadable(file)) {
                throw new KeyCustodyException("PKCS#11 library " + file + " is not readable by this process");
            }
            PKCS11Module module;
            try {
                module = PKCS11Module.getInstance(key);
            } catch (IOException | RuntimeException | LinkageError e) {
                throw new KeyCustodyException("cannot load PKCS#11 library " + file + ": " + e, e);
            }
            try {
                module.initialize();
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                    throw new KeyCustodyException("C_Initialize of " + file + " failed: " + e.getErrorName(), e);
                }
            }
            lib = new Pkcs11Library(key, module);
            OPEN.put(key, lib);
            LOG.info("PKCS#11 library {} loaded", key);
        }
        if (lib.finalized) { // released by every custody before; the native part stays loaded
            lib.lock.writeLock().lock();
            try {
                lib.module.initialize();
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                    throw new KeyCustodyException("C_Initialize of " + key + " failed: " + e.getErrorName(), e);
                }
            } finally {
                lib.lock.writeLock().unlock();
            }
            lib.finalized = false;
        }
        lib.references++;
        return lib;
    }

    /**
     * Gives a reference back; the last one calls {@code C_Finalize} (the native library stays loaded
     * and is initialised again by the next {@link #acquire}).
     */
    void release() {
        synchronized (Pkcs11Library.class) {
            if (--references > 0) {
                return;
            }
            finalized = true;
            lock.writeLock().lock();
            try {
                module.finalize(null);
            } catch (PKCS11Exception | RuntimeException e) {
                LOG.debug("C_Finalize of {}: {}", path, e.toString());
            } finally {
                generation++;
                lock.writeLock().unlock();
            }
        }
    }

    /**
     * {@code C_Finalize} and {@code C_Initialize} again, unless another caller already did since
     * {@code seen}. Every session and login of every token of this library is gone afterwards.
     */
    void reinitialize(long seen) throws KeyCustodyException {
        lock.writeLock().lock();
        try {
            if (generation != seen) {
                return;
            }
            try {
                module.finalize(null);
            } catch (PKCS11Exception | RuntimeException e) {
                LOG.debug("C_Finalize of {} before re-initialising: {}", path, e.toString());
            }
            generation++; // sessions are gone even if C_Initialize fails below
            try {
                module.initialize();
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                    throw new KeyCustodyException("C_Initialize of " + path + " failed: " + e.getErrorName(), e);
                }
            }
            LOG.info("PKCS#11 library {} re-initialised to find its tokens again", path);
        } finally {
            lock.writeLock().unlock();
        }
    }

    long generation() {
        return generation;
    }

    ReentrantReadWriteLock lock() {
        return lock;
    }

    PKCS11Module module() {
        return module;
    }

    String path() {
        return path;
    }
}
