package io.aethercore.hsm.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import io.aethercore.hsm.internal.TokenState.KeyObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.*;

/**
 * Finds a custody's keys on its token: by label, checked against the caller's public key, with the
 * object handles cached in the {@link TokenState} (dropped with it when the token is lost).
 */
final class TokenKeys {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKeys.class);

    private final String custody;
    private final String tokenLabel;

    TokenKeys(String custody, String tokenLabel) {
        this.custody = custody;
        this.tokenLabel = tokenLabel;
    }

    /** CKA_ID of our keys: the first 8 bytes of SHA-256 of the raw public key. */
    static byte[] keyId(RawPublicKey pub) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(pub.encoded()), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key for a caller's handle: same label and same public key, or {@link KeyNotFoundException}. */
    KeyObject resolve(TokenState st, Session s, KeyHandle key) throws KeyCustodyException, PKCS11Exception {
        KeyObject k = lookup(st, s, key.label(), false);
        if (k == null) {
            st.probe(); // a vanished token is unavailable, not a missing key
            throw new KeyNotFoundException(custody, key.label());
        }
        if (!k.handle().publicKey().equals(key.publicKey())) {
            throw new KeyNotFoundException(custody, key.label());
        }
        return k;
    }

    /**
     * The key labelled {@code label}, from the cache or the token; {@code null} if there is none or it
     * is not a key this custody serves.
     *
     * @param fresh check a cached entry against the token (find and list must see external deletions)
     */
    KeyObject lookup(TokenState st, Session s, String label, boolean fresh) throws KeyCustodyException, PKCS11Exception {
        KeyObject cached = st.cached(label);
        List<Long> privs = null;
        if (cached != null) {
            if (!fresh) {
                return cached;
            }
            privs = findObjects(s, CKO_PRIVATE_KEY, label, 2);
            if (privs.size() == 1 && privs.get(0) == cached.privateKey()) {
                return cached;
            }
            st.forget(label, cached);
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
            LOG.debug("custody '{}': key '{}' is of a type or curve we do not use", custody, label);
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
        KeyObject k = new KeyObject(priv, pubObj, new KeyHandle(custody, CustodyKind.HSM, label, pub, null));
        st.remember(label, k);
        return k;
    }

    static List<Long> findObjects(Session s, long objectClass, String label, int max) throws PKCS11Exception {
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
}
