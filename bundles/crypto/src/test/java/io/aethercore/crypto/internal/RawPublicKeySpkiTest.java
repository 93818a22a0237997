package io.aethercore.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed448PrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X448PrivateKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;

/**
 * {@link RawPublicKey}'s SubjectPublicKeyInfo encoding against BouncyCastle's, for every algorithm.
 * (BouncyCastle 1.86 encodes ML-DSA and ML-KEM keys of {@code org.bouncycastle.crypto.params} with
 * {@code org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory}; the {@code pqc} factory no longer
 * knows them.)
 */
class RawPublicKeySpkiTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh BouncyCastle public key of the algorithm. */
    private static AsymmetricKeyParameter bcKey(KeyAlgorithm a) {
        return switch (a) {
            case ED25519 -> new Ed25519PrivateKeyParameters(RANDOM).generatePublicKey();
            case X25519 -> new X25519PrivateKeyParameters(RANDOM).generatePublicKey();
            case ECDSA_P256 -> {
                ECKeyPairGenerator g = new ECKeyPairGenerator();
                g.init(new ECKeyGenerationParameters(SoftwareKeys.P256, RANDOM));
                yield g.generateKeyPair().getPublic();
            }
            case ML_DSA_87 -> {
                MLDSAKeyPairGenerator g = new MLDSAKeyPairGenerator();
                g.init(new MLDSAKeyGenerationParameters(RANDOM, MLDSAParameters.ml_dsa_87));
                yield g.generateKeyPair().getPublic();
            }
            case ML_KEM_1024 -> {
                MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
                g.init(new MLKEMKeyGenerationParameters(RANDOM, MLKEMParameters.ml_kem_1024));
                yield g.generateKeyPair().getPublic();
            }
        };
    }

    /** The raw encoding of a BouncyCastle public key, as {@link KeyAlgorithm} defines it. */
    private static byte[] raw(AsymmetricKeyParameter k) {
        if (k instanceof org.bouncycastle.crypto.params.Ed25519PublicKeyParameters p) {
            return p.getEncoded();
        } else if (k instanceof org.bouncycastle.crypto.params.X25519PublicKeyParameters p) {
            return p.getEncoded();
        } else if (k instanceof ECPublicKeyParameters p) {
            return p.getQ().getEncoded(false);
        } else if (k instanceof MLDSAPublicKeyParameters p) {
            return p.getEncoded();
        } else if (k instanceof MLKEMPublicKeyParameters p) {
            return p.getEncoded();
        }
        throw new IllegalArgumentException(k.getClass().getName());
    }

    private static byte[] bcSpki(AsymmetricKeyParameter k) throws Exception {
        return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(k).getEncoded("DER");
    }

    @Test
    void spkiEqualsBouncyCastlesForEveryAlgorithm() throws Exception {
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            for (int i = 0; i < 3; i++) {
                AsymmetricKeyParameter k = bcKey(a);
                byte[] expected = bcSpki(k);
                RawPublicKey ours = RawPublicKey.of(a, raw(k));
                assertArrayEquals(expected, ours.toSpki(), a.id() + " SPKI DER");
                assertEquals(ours, RawPublicKey.fromSpki(expected), a.id() + " parse BouncyCastle's SPKI");
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected)),
                        ours.fingerprint(), a.id() + " fingerprint is SHA-256 of the SPKI");
            }
        }
    }

    @Test
    void pemRoundTripsAndReadsBouncyCastlesPem() throws Exception {
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            AsymmetricKeyParameter k = bcKey(a);
            RawPublicKey ours = RawPublicKey.of(a, raw(k));
            String pem = ours.toPem();
            assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"), a.id());
            assertTrue(pem.endsWith("-----END PUBLIC KEY-----\n"), a.id());
            for (String line : pem.split("\n")) {
                assertTrue(line.length() <= 64, a.id() + " PEM lines are at most 64 characters");
            }
            assertEquals(ours, RawPublicKey.fromPem(pem), a.id() + " fromPem(toPem())");
            assertEquals(ours, RawPublicKey.fromPem("comment before\r\n" + pem.replace("\n", "\r\n") + "after"),
                    a.id() + " text around the block and CRLF line ends");

            StringWriter w = new StringWriter();
            try (PemWriter pw = new PemWriter(w)) {
                pw.writeObject(new PemObject("PUBLIC KEY", bcSpki(k)));
            }
            assertEquals(ours, RawPublicKey.fromPem(w.toString()), a.id() + " BouncyCastle's PEM");
        }
    }

    @Test
    void truncatedOrExtendedSpkiIsMalformed() throws Exception {
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            byte[] spki = bcSpki(bcKey(a));
            for (byte[] bad : new byte[][] {
                Arrays.copyOf(spki, spki.length - 1),
                Arrays.copyOf(spki, spki.length + 1),
                Arrays.copyOf(spki, 10),
                Arrays.copyOfRange(spki, 1, spki.length),
                new byte[0],
            }) {
                assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(bad), a.id() + " " + bad.length + " bytes");
            }
            byte[] wrongOuterLength = spki.clone();
            wrongOuterLength[wrongOuterLength[1] < 0 ? 3 : 1]--; // outer SEQUENCE length one less
            assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(wrongOuterLength), a.id() + " length field");
        }
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(null));
    }

    @Test
    void spkiOfOtherAlgorithmsIsMalformed() throws Exception {
        // real keys of algorithms AetherCore does not use
        assertThrows(MalformedKeyException.class,
                () -> RawPublicKey.fromSpki(bcSpki(new Ed448PrivateKeyParameters(RANDOM).generatePublicKey())), "Ed448");
        assertThrows(MalformedKeyException.class,
                () -> RawPublicKey.fromSpki(bcSpki(new X448PrivateKeyParameters(RANDOM).generatePublicKey())), "X448");
        for (var curve : new org.bouncycastle.asn1.ASN1ObjectIdentifier[] {SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp256k1}) {
            ECNamedDomainParameters params = new ECNamedDomainParameters(curve, ECNamedCurveTable.getByOID(curve));
            ECKeyPairGenerator g = new ECKeyPairGenerator();
            g.init(new ECKeyGenerationParameters(params, RANDOM));
            byte[] spki = bcSpki(g.generateKeyPair().getPublic());
            assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(spki), curve.getId());
        }
        MLDSAKeyPairGenerator g = new MLDSAKeyPairGenerator();
        g.init(new MLDSAKeyGenerationParameters(RANDOM, MLDSAParameters.ml_dsa_65));
        byte[] mlDsa65 = bcSpki(g.generateKeyPair().getPublic());
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(mlDsa65), "ML-DSA-65");

        byte[] ed = bcSpki(bcKey(KeyAlgorithm.ED25519));
        byte[] unknownOid = ed.clone();
        unknownOid[8] = 0x6f; // 1.3.101.111: not a key algorithm we know
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(unknownOid), "unknown OID");

        // P-256 point in compressed form (33 bytes) inside an otherwise well-formed SPKI
        ECPublicKeyParameters p = (ECPublicKeyParameters) bcKey(KeyAlgorithm.ECDSA_P256);
        byte[] prefix = Arrays.copyOf(bcSpki(p), 26);
        prefix[1] = 0x39; // 57 = 19 (algorithm) + 2 + 1 + 33 + 2
        prefix[24] = 0x22; // BIT STRING of 34 bytes
        byte[] compressed = concat(Arrays.copyOf(prefix, 26), p.getQ().getEncoded(true));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromSpki(compressed), "compressed P-256 point");
    }

    @Test
    void badPemIsMalformed() throws Exception {
        String good = RawPublicKey.of(KeyAlgorithm.ED25519, raw(bcKey(KeyAlgorithm.ED25519))).toPem();
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(null));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(""));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(good.replace("PUBLIC KEY", "PRIVATE KEY")));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(good.replace("-----END PUBLIC KEY-----", "")));
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(good.replace("M", "*")), "not base64");
        String body = good.split("\n")[1];
        String truncated = "-----BEGIN PUBLIC KEY-----\n" + body.substring(0, body.length() - 4) + "\n-----END PUBLIC KEY-----\n";
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(truncated), "truncated body");
        String extended = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(concat(Base64.getDecoder().decode(body), new byte[] {0}))
                + "\n-----END PUBLIC KEY-----\n";
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.fromPem(extended), "extra byte");
    }

    @Test
    void rawLengthsAndP256PrefixAreChecked() {
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            int n = a.publicKeyLength();
            byte[] shortKey = new byte[n - 1];
            byte[] longKey = new byte[n + 1];
            shortKey[0] = 4;
            longKey[0] = 4;
            assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(a, shortKey), a.id());
            assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(a, longKey), a.id());
            assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(a, null), a.id());
        }
        byte[] compressedPrefix = raw(bcKey(KeyAlgorithm.ECDSA_P256));
        compressedPrefix[0] = 0x02;
        assertThrows(MalformedKeyException.class, () -> RawPublicKey.of(KeyAlgorithm.ECDSA_P256, compressedPrefix));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
