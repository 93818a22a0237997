package io.aethercore.crypto.internal;

import org.osgi.service.component.annotations.Component;
import io.aethercore.api.crypto.Aead;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.api.crypto.AeadService;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** ChaCha20-Poly1305 (RFC 8439) and AES-256-GCM on BouncyCastle. OSGi-free. */
@Component(
        service = AeadService.class,
        configurationPid = BcProviders.PID,
        property = {
            "service.ranking:Integer=10",
            "aethercore.provider=bouncycastle",
            "aethercore.native:Boolean=false",
            "aethercore.algorithms=ChaCha20-Poly1305",
            "aethercore.algorithms=AES-256-GCM"
        })
public final class BcAeads implements AeadService {

    private static final Set<AeadAlgorithm> ALGORITHMS = EnumSet.allOf(AeadAlgorithm.class);

    @Override
    public String provider() {
        return BcHashing.PROVIDER;
    }

    @Override
    public Set<AeadAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public Aead newAead(AeadAlgorithm algorithm, byte[] key) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (key == null || key.length != AeadAlgorithm.KEY_LENGTH) {
            throw new IllegalArgumentException(algorithm.id() + " needs a " + AeadAlgorithm.KEY_LENGTH + "-byte key");
        }
        return new BcAead(algorithm, key.clone());
    }

    @Override
    public String toString() {
        return "AeadService[" + provider() + "]";
    }

    private static final class BcAead extends RangeAead {
        private final AeadAlgorithm algorithm;
        private final KeyParameter key;

        BcAead(AeadAlgorithm algorithm, byte[] key) {
            this.algorithm = algorithm;
            this.key = new KeyParameter(key);
        }

        @Override
        public AeadAlgorithm algorithm() {
            return algorithm;
        }

        /** Zeroes the key bytes in place (BouncyCastle's KeyParameter hands out its own array). */
        @Override
        public void destroy() {
            java.util.Arrays.fill(key.getKey(), (byte) 0);
        }

        @Override
        void checkNonce(byte[] nonce) {
            if (nonce == null || nonce.length != AeadAlgorithm.NONCE_LENGTH) {
                throw new IllegalArgumentException(algorithm.id() + " needs a " + AeadAlgorithm.NONCE_LENGTH + "-byte nonce");
            }
        }

        private AEADCipher cipher(boolean encrypt, byte[] nonce, byte[] aad) {
            checkNonce(nonce);
            AEADCipher c = algorithm == AeadAlgorithm.CHACHA20_POLY1305
                    ? new ChaCha20Poly1305()
                    : GCMBlockCipher.newInstance(AESEngine.newInstance());
            c.init(encrypt, new AEADParameters(key, AeadAlgorithm.TAG_LENGTH * 8, nonce, Bytes.orEmpty(aad)));
            return c;
        }

        @Override
        public int seal(byte[] nonce, byte[] plaintext, int offset, int length, byte[] associatedData,
                byte[] out, int outOffset) {
            Objects.checkFromIndexSize(offset, length, plaintext.length);
            Objects.checkFromIndexSize(outOffset, length + AeadAlgorithm.TAG_LENGTH, out.length);
            AEADCipher c = cipher(true, nonce, associatedData);
            int n = c.processBytes(plaintext, offset, length, out, outOffset);
            try {
                return n + c.doFinal(out, outOffset + n);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException("encryption cannot fail", e);
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
            AEADCipher c = cipher(false, nonce, associatedData);
            byte[] out = new byte[c.getOutputSize(length)];
            try {
                int n = c.processBytes(input, offset, length, out, 0);
                c.doFinal(out, n);
            } catch (InvalidCipherTextException | RuntimeException e) {
                java.util.Arrays.fill(out, (byte) 0);
                throw new AeadAuthenticationException();
            }
            return out;
        }

        @Override
        public String toString() {
            return "Aead[" + algorithm.id() + ", key hidden]";
        }
    }
}
