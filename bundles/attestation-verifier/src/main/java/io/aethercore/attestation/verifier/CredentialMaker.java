package io.aethercore.attestation.verifier;

import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.AttestationKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The verifier's half of credential activation (TPM2_MakeCredential done in software, TPM 2.0 Part 1,
 * 24 "Credential Protection"): a secret that only the TPM holding the endorsement key can recover, and
 * only for an object with the given name. A pure function; no TPM is needed to make a challenge.
 *
 * <p>Supported endorsement keys: RSA 2048 and ECC NIST P-256 with AES-128-CFB and SHA-256 (the TCG EK
 * templates L-1 and L-2). The seed is encrypted with RSA-OAEP (SHA-256, label "IDENTITY"), or agreed by
 * one-pass ECDH with KDFe; the credential is protected with keys from KDFa (SP 800-108 counter mode,
 * HMAC-SHA-256).
 */
public final class CredentialMaker {

    private CredentialMaker() {}

    /**
     * @param ekPublic the endorsement key's TPMT_PUBLIC
     * @param objectName name of the key that must be in the same TPM (the attestation key's {@link AttestationKey#name()})
     * @param secret the secret to hand over, 1 to 32 bytes
     */
    public static CredentialChallenge make(byte[] ekPublic, byte[] objectName, byte[] secret, SecureRandom random) {
        TpmStructures.PublicArea ek = TpmStructures.parsePublic(ekPublic);
        if (ek.nameAlg() != TpmStructures.ALG_SHA256 || ek.symmetric() != TpmStructures.ALG_AES
                || !ek.has(TpmStructures.ATTR_RESTRICTED | TpmStructures.ATTR_DECRYPT)) {
            throw new IllegalArgumentException("the endorsement key must be a restricted AES-protected decryption key"
                    + " with SHA-256 names (TCG templates L-1, L-2)");
        }
        if (secret.length < 1 || secret.length > 32) {
            throw new IllegalArgumentException("the secret must be 1 to 32 bytes");
        }
        try {
            byte[] seed;
            byte[] encryptedSeed;
            if (ek.type() == TpmStructures.ALG_RSA) {
                seed = new byte[32];
                random.nextBytes(seed);
                Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
                oaep.init(Cipher.ENCRYPT_MODE, ek.rsa(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                        new PSource.PSpecified(IDENTITY)), random);
                encryptedSeed = oaep.doFinal(seed);
            } else if (ek.type() == TpmStructures.ALG_ECC && ek.curveOrKeyBits() == TpmStructures.ECC_NIST_P256) {
                // one-pass ECDH (TPM 2.0 Part 1, C.6.4): ephemeral key, Z = x of d_e * Q_ek, seed = KDFe(Z, "IDENTITY", x_e, x_ek)
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), random);
                KeyPair eph = g.generateKeyPair();
                PublicKey ekKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(ek.eccP256().toSpki()));
                KeyAgreement ka = KeyAgreement.getInstance("ECDH");
                ka.init(eph.getPrivate());
                ka.doPhase(ekKey, true);
                byte[] z = ka.generateSecret();
                ECPoint w = ((ECPublicKey) eph.getPublic()).getW();
                byte[] ex = fixed32(w.getAffineX());
                byte[] ey = fixed32(w.getAffineY());
                seed = kdfe(z, ex, Arrays.copyOfRange(ek.unique(), 0, 32), 256);
                ByteArrayOutputStream point = new ByteArrayOutputStream();
                TpmStructures.u16(point, 32);
                point.writeBytes(ex);
                TpmStructures.u16(point, 32);
                point.writeBytes(ey);
                encryptedSeed = point.toByteArray();
            } else {
                throw new IllegalArgumentException("credential making supports RSA and ECC NIST P-256 endorsement keys");
            }

            int symBits = ek.symmetricBits() == 0 ? 128 : ek.symmetricBits();
            byte[] symKey = kdfa(seed, "STORAGE", objectName, new byte[0], symBits);
            byte[] plain = new byte[2 + secret.length];
            plain[0] = (byte) (secret.length >> 8);
            plain[1] = (byte) secret.length;
            System.arraycopy(secret, 0, plain, 2, secret.length);
            Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
            cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
            byte[] encIdentity = cfb.doFinal(plain);

            byte[] hmacKey = kdfa(seed, "INTEGRITY", new byte[0], new byte[0], 256);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            mac.update(encIdentity);
            byte[] integrity = mac.doFinal(objectName);

            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            TpmStructures.u16(blob, integrity.length);
            blob.writeBytes(integrity);
            blob.writeBytes(encIdentity);
            return new CredentialChallenge(blob.toByteArray(), encryptedSeed, ek.name());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK crypto for credential making failed: " + e, e);
        }
    }

    private static final byte[] IDENTITY = "IDENTITY\0".getBytes(StandardCharsets.US_ASCII);

    /** KDFe with SHA-256, one or more blocks (TPM 2.0 Part 1, 11.4.10.3; the label keeps its terminating 0). */
    static byte[] kdfe(byte[] z, byte[] partyU, byte[] partyV, int bits) throws GeneralSecurityException {
        int bytes = bits / 8;
        byte[] out = new byte[bytes];
        int done = 0;
        for (int counter = 1; done < bytes; counter++) {
            MessageDigest h = MessageDigest.getInstance("SHA-256");
            h.update(new byte[] {(byte) (counter >> 24), (byte) (counter >> 16), (byte) (counter >> 8), (byte) counter});
            h.update(z);
            h.update(IDENTITY);
            h.update(partyU);
            h.update(partyV);
            byte[] block = h.digest();
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    /**
     * A challenge for an attestation key as a verifier should make it: the key's public area must
     * describe a restricted signing key fixed to its TPM ({@code restricted}, {@code sign}, {@code
     * fixedTPM}, {@code fixedParent}, {@code sensitiveDataOrigin}), else a TPM could activate the
     * credential for a key that signs anything or that left the TPM; the name is computed here from
     * the public area, never taken from the node.
     *
     * @throws IllegalArgumentException naming the attribute that is missing
     */
    public static CredentialChallenge makeForAttestationKey(byte[] ekPublic, byte[] akPublic, byte[] secret,
            SecureRandom random) {
        TpmStructures.PublicArea ak = TpmStructures.parsePublic(akPublic);
        String[] names = {"restricted", "sign", "fixedTPM", "fixedParent", "sensitiveDataOrigin"};
        int[] bits = {TpmStructures.ATTR_RESTRICTED, TpmStructures.ATTR_SIGN, TpmStructures.ATTR_FIXED_TPM,
            TpmStructures.ATTR_FIXED_PARENT, TpmStructures.ATTR_SENSITIVE_DATA_ORIGIN};
        for (int i = 0; i < bits.length; i++) {
            if (!ak.has(bits[i])) {
                throw new IllegalArgumentException("not an attestation key: its public area lacks '" + names[i] + "'");
            }
        }
        return make(ekPublic, ak.name(), secret, random);
    }

    /** KDFa with HMAC-SHA-256 (TPM 2.0 Part 1, 11.4.10.2). */
    static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        int done = 0;
        for (int counter = 1; done < bytes; counter++) {
            mac.update(new byte[] {(byte) (counter >> 24), (byte) (counter >> 16), (byte) (counter >> 8), (byte) counter});
            mac.update(labelBytes);
            mac.update((byte) 0);
            mac.update(contextU);
            mac.update(contextV);
            mac.update(new byte[] {(byte) (bits >> 24), (byte) (bits >> 16), (byte) (bits >> 8), (byte) bits});
            byte[] block = mac.doFinal();
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
