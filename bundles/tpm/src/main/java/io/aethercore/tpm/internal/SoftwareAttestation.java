package io.aethercore.tpm.internal;

import io.aethercore.api.attestation.Attestation;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationException.Failure;
import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.TpmInfo;
import io.aethercore.attestation.verifier.TpmStructures;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;

/**
 * Attestation without a TPM, of kind {@link AttestationKind#SOFTWARE}: quotes in the TPM's format
 * (so that the same verifier reads them), signed by a P-256 key that lives in this process's memory,
 * over measurement registers nothing measures into (all zero). It lets a node without a TPM run, and it
 * says so everywhere: its kind, its manufacturer ({@code SW}), its device ({@code software}); it has no
 * endorsement key and cannot activate credentials, so a verifier that demands credential activation
 * never mistakes it for a TPM.
 */
public final class SoftwareAttestation implements Attestation {

    private final KeyPair key;
    private final byte[] tpmPublic;
    private final long started = System.currentTimeMillis();

    public SoftwareAttestation() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            key = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, TpmStructures.ALG_ECC);
        u16(out, TpmStructures.ALG_SHA256);
        u32(out, TpmStructures.ATTR_SENSITIVE_DATA_ORIGIN | TpmStructures.ATTR_USER_WITH_AUTH | TpmStructures.ATTR_RESTRICTED
                | TpmStructures.ATTR_SIGN); // deliberately not fixedTPM: it is not in a TPM
        u16(out, 0);
        u16(out, TpmStructures.ALG_NULL);
        u16(out, TpmStructures.ALG_ECDSA);
        u16(out, TpmStructures.ALG_SHA256);
        u16(out, TpmStructures.ECC_NIST_P256);
        u16(out, TpmStructures.ALG_NULL);
        sized(out, fixed32(pub.getW().getAffineX()));
        sized(out, fixed32(pub.getW().getAffineY()));
        tpmPublic = out.toByteArray();
    }

    @Override
    public AttestationKind kind() {
        return AttestationKind.SOFTWARE;
    }

    @Override
    public TpmInfo info() {
        return new TpmInfo(AttestationKind.SOFTWARE, "SW", 0, 0, "AetherCore software attestation", 0, "software (no TPM)");
    }

    @Override
    public PcrValues readPcrs(PcrSelection selection) {
        byte[][] v = new byte[selection.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = new byte[selection.bank().digestLength()];
        }
        return new PcrValues(selection, v);
    }

    @Override
    public AttestationKey attestationKey() {
        return new AttestationKey(AttestationKind.SOFTWARE, TpmStructures.parsePublic(tpmPublic).eccP256(), tpmPublic.clone());
    }

    public RawPublicKey publicKey() {
        return attestationKey().publicKey();
    }

    @Override
    public Quote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
        if (nonce == null || nonce.length < 1 || nonce.length > 64) {
            throw new IllegalArgumentException("nonce must be 1 to 64 bytes");
        }
        PcrValues values = readPcrs(selection);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        u32(a, TpmStructures.TPM_GENERATED);
        u16(a, TpmStructures.ST_ATTEST_QUOTE);
        byte[] signer = "software".getBytes(StandardCharsets.US_ASCII);
        sized(a, signer);
        sized(a, nonce);
        long clock = System.currentTimeMillis() - started;
        u32(a, (int) (clock >>> 32));
        u32(a, (int) clock);
        u32(a, 0);
        u32(a, 0);
        a.write(1);
        u32(a, 0);
        u32(a, 0);
        a.writeBytes(selection.toTpml());
        sized(a, values.digest("SHA-256"));
        byte[] attest = a.toByteArray();
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key.getPrivate());
            s.update(attest);
            return new Quote(AttestationKind.SOFTWARE, attest, TpmStructures.encodeEcdsaSignature(s.sign()), values);
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Failure.UNSUPPORTED, "software quote signing failed: " + e, e);
        }
    }

    @Override
    public Optional<EndorsementKey> endorsementKey() {
        return Optional.empty();
    }

    @Override
    public byte[] activateCredential(CredentialChallenge challenge) throws AttestationException {
        throw new AttestationException(Failure.UNSUPPORTED,
                "software attestation has no endorsement key: credential activation needs a TPM");
    }

    @Override
    public String toString() {
        return "software attestation (no TPM)";
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    private static void u32(ByteArrayOutputStream o, int v) {
        u16(o, v >>> 16);
        u16(o, v);
    }

    private static void sized(ByteArrayOutputStream o, byte[] b) {
        u16(o, b.length);
        o.writeBytes(b);
    }

}
