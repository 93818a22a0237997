package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.api.crypto.AeadService;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Component;

/**
 * AES-256-GCM on the JDK's own implementation (SunJCE), ranked above BouncyCastle for that one algorithm. OSGi-free.
 *
 * <p>Why: HotSpot compiles SunJCE's AES and GHASH to AES-NI and carry-less multiplication instructions (the
 * {@code UseAESIntrinsics} and {@code UseGHASHIntrinsics} intrinsics, on by default on x86-64 and AArch64 with
 * the crypto extensions); BouncyCastle's GCM is plain Java. On this machine that is the difference between about
 * 1.5 GB/s and about 100 MB/s for 16 KiB records (docs/PERFORMANCE.md, "B4AE throughput"), which is what B4AE's
 * transport needs to keep up with the network. ChaCha20-Poly1305 stays on BouncyCastle: JDK 17 does not
 * intrinsify it.
 *
 * <p>A {@link Cipher} is not thread-safe and is expensive to look up, so each thread keeps one per direction and
 * re-initialises it per call (a key schedule: a few hundred nanoseconds). SunJCE refuses to encrypt twice with the
 * same key and nonce on one {@code Cipher}; callers never do that on purpose (every B4AE nonce is a fresh counter),
 * but two different {@code Aead} objects with equal keys may meet on one thread (test vectors do), so a refused
 * re-initialisation is retried once on a fresh {@code Cipher}, which applies no such history.
 *
 * <p>Configuration PID {@value #PID} ({@code service.ranking}, default 20), its own: it once shared the
 * BouncyCastle PID, whose shipped {@code service.ranking = 10} then overrode this provider's 20, tied it with
 * BouncyCastle's AES-GCM, and BouncyCastle (registered first) served AES-256-GCM in every node.
 */
@Component(
        service = AeadService.class,
        configurationPid = JdkAeads.PID,
        property = {
            "service.ranking:Integer=20",
            "aethercore.provider=jdk",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=AES-256-GCM"
        })
public final class JdkAeads implements AeadService {

    /** This provider's configuration PID: {@code service.ranking} only. */
    public static final String PID = "io.aethercore.crypto.jdk";

    static final String PROVIDER = "jdk";
    private static final Set<AeadAlgorithm> ALGORITHMS = EnumSet.of(AeadAlgorithm.AES_256_GCM);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final ThreadLocal<Cipher> ENCRYPT = ThreadLocal.withInitial(JdkAeads::newCipher);
    private static final ThreadLocal<Cipher> DECRYPT = ThreadLocal.withInitial(JdkAeads::newCipher);

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<AeadAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public Aead newAead(AeadAlgorithm algorithm, byte[] key) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (algorithm != AeadAlgorithm.AES_256_GCM) {
            throw new IllegalArgumentException(algorithm.id() + " is not served by the " + PROVIDER + " provider");
        }
        if (key == null || key.length != AeadAlgorithm.KEY_LENGTH) {
            throw new IllegalArgumentException(algorithm.id() + " needs a " + AeadAlgorithm.KEY_LENGTH + "-byte key");
        }
        return new JdkAead(new SecretKeySpec(key, "AES"));
    }

    @Override
    public String toString() {
        return "AeadService[" + PROVIDER + "]";
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION, e);
        }
    }

    private static final class JdkAead extends RangeAead {
        private final SecretKeySpec key;

        JdkAead(SecretKeySpec key) {
            this.key = key;
        }

        @Override
        public AeadAlgorithm algorithm() {
            return AeadAlgorithm.AES_256_GCM;
        }

        @Override
        void checkNonce(byte[] nonce) {
            if (nonce == null || nonce.length != AeadAlgorithm.NONCE_LENGTH) {
                throw new IllegalArgumentException("AES-256-GCM needs a " + AeadAlgorithm.NONCE_LENGTH + "-byte nonce");
            }
        }

        private Cipher init(ThreadLocal<Cipher> slot, int mode, byte[] nonce) throws GeneralSecurityException {
            GCMParameterSpec spec = new GCMParameterSpec(AeadAlgorithm.TAG_LENGTH * 8, nonce);
            Cipher c = slot.get();
            try {
                c.init(mode, key, spec);
            } catch (InvalidAlgorithmParameterException reuse) {
                // SunJCE's guard against the same key and nonce twice on one Cipher (see the class comment)
                c = newCipher();
                c.init(mode, key, spec);
                slot.set(c);
            }
            return c;
        }

        /** The thread's cipher, initialised for {@code nonce}, with the associated data in. */
        private Cipher ready(ThreadLocal<Cipher> slot, int mode, byte[] nonce, byte[] associatedData)
                throws GeneralSecurityException {
            Cipher c = init(slot, mode, nonce);
            if (associatedData != null && associatedData.length > 0) {
                c.updateAAD(associatedData);
            }
            return c;
        }

        @Override
        public int seal(byte[] nonce, byte[] plaintext, int offset, int length, byte[] associatedData,
                byte[] out, int outOffset) {
            checkNonce(nonce);
            Objects.checkFromIndexSize(offset, length, plaintext.length);
            Objects.checkFromIndexSize(outOffset, length + AeadAlgorithm.TAG_LENGTH, out.length);
            try {
                return ready(ENCRYPT, Cipher.ENCRYPT_MODE, nonce, associatedData)
                        .doFinal(plaintext, offset, length, out, outOffset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] open(byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
                throws AeadAuthenticationException {
            checkNonce(nonce);
            Objects.checkFromIndexSize(offset, length, input.length);
            if (length < AeadAlgorithm.TAG_LENGTH) {
                throw new AeadAuthenticationException();
            }
            try {
                return ready(DECRYPT, Cipher.DECRYPT_MODE, nonce, associatedData).doFinal(input, offset, length);
            } catch (AEADBadTagException e) {
                throw new AeadAuthenticationException();
            } catch (GeneralSecurityException | RuntimeException e) {
                // a Cipher left in a bad state by a failure is replaced for the next call
                DECRYPT.remove();
                throw new AeadAuthenticationException();
            }
        }

        @Override
        public String toString() {
            return "Aead[AES-256-GCM (jdk), key hidden]";
        }
    }
}
