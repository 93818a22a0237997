package io.aethercore.attestation.verifier;

import io.aethercore.api.attestation.AttestData;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.MalformedTpmDataException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parsers and encoders of the TPM 2.0 structures a verifier needs (TPM 2.0 Library, Part 2): TPMS_ATTEST,
 * TPMT_SIGNATURE, TPMT_PUBLIC and object names. Plain functions, no TPM needed. Every input is treated as
 * hostile: lengths are checked against what is left before anything is allocated, and any deviation
 * throws {@link MalformedTpmDataException} naming the field.
 */
public final class TpmStructures {

    /** TPM_GENERATED_VALUE: every TPMS_ATTEST made by a TPM starts with it. */
    public static final int TPM_GENERATED = 0xFF544347;
    /** TPM_ST_ATTEST_QUOTE. */
    public static final int ST_ATTEST_QUOTE = 0x8018;
    public static final int ALG_RSA = 0x0001, ALG_SHA256 = 0x000B, ALG_NULL = 0x0010, ALG_RSASSA = 0x0014,
            ALG_ECDSA = 0x0018, ALG_ECC = 0x0023, ALG_AES = 0x0006, ALG_CFB = 0x0043, ECC_NIST_P256 = 0x0003;

    /** TPMA_OBJECT bits. */
    public static final int ATTR_FIXED_TPM = 1 << 1, ATTR_FIXED_PARENT = 1 << 4, ATTR_SENSITIVE_DATA_ORIGIN = 1 << 5,
            ATTR_USER_WITH_AUTH = 1 << 6, ATTR_ADMIN_WITH_POLICY = 1 << 7, ATTR_NO_DA = 1 << 10,
            ATTR_RESTRICTED = 1 << 16, ATTR_DECRYPT = 1 << 17, ATTR_SIGN = 1 << 18;

    private TpmStructures() {}

    /** A parsed TPMT_SIGNATURE with an ECDSA signature. */
    public record EcdsaSignature(int hashAlg, byte[] r, byte[] s) {
        /** IEEE P1363 {@code r || s}, each left-padded to 32 bytes (P-256). */
        public byte[] p1363() {
            byte[] out = new byte[64];
            copyPadded(r, out, 0);
            copyPadded(s, out, 32);
            return out;
        }

        private static void copyPadded(byte[] v, byte[] out, int off) {
            int start = 0;
            while (start < v.length - 1 && v[start] == 0) {
                start++;
            }
            int len = v.length - start;
            if (len > 32) {
                throw new MalformedTpmDataException("ECDSA P-256 signature component longer than 32 bytes");
            }
            System.arraycopy(v, start, out, off + 32 - len, len);
        }
    }

    /**
     * A parsed TPMT_PUBLIC (RSA or ECC).
     *
     * @param encoded the exact TPMT_PUBLIC bytes (the name is computed over them)
     * @param scheme the signing or encryption scheme (TPM_ALG_NULL if none)
     * @param curveOrKeyBits ECC curve id, or RSA key bits
     * @param unique RSA modulus, or ECC x followed by y (each 32 bytes for P-256)
     */
    public record PublicArea(byte[] encoded, int type, int nameAlg, int attributes, byte[] authPolicy, int symmetric,
            int symmetricBits, int scheme, int schemeHash, int curveOrKeyBits, long exponent, byte[] unique) {

        public boolean has(int attribute) {
            return (attributes & attribute) == attribute;
        }

        /** The object's name: nameAlg || H_nameAlg(TPMT_PUBLIC). */
        public byte[] name() {
            return TpmStructures.name(encoded);
        }

        /** For an ECC P-256 key: the public key as an uncompressed point. */
        public RawPublicKey eccP256() {
            if (type != ALG_ECC || curveOrKeyBits != ECC_NIST_P256 || unique.length != 64) {
                throw new MalformedTpmDataException("not an ECC NIST P-256 public area");
            }
            byte[] point = new byte[65];
            point[0] = 4;
            System.arraycopy(unique, 0, point, 1, 64);
            try {
                return RawPublicKey.of(KeyAlgorithm.ECDSA_P256, point);
            } catch (MalformedKeyException e) {
                throw new MalformedTpmDataException(e.getMessage());
            }
        }

        /** For an RSA key: the JCA public key (exponent 0 means 65537). */
        public PublicKey rsa() {
            if (type != ALG_RSA) {
                throw new MalformedTpmDataException("not an RSA public area");
            }
            try {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, unique),
                        BigInteger.valueOf(exponent == 0 ? 65537 : exponent)));
            } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
                throw new MalformedTpmDataException("RSA public key not usable: " + e.getMessage());
            }
        }
    }

    /** integrityHMAC of a credential's TPMS_ID_OBJECT. */
    public static byte[] integrityHmac(CredentialChallenge c) {
        byte[] credentialBlob = c.credentialBlob();
        Reader r = new Reader(credentialBlob, "TPMS_ID_OBJECT");
        return r.sized("integrityHMAC", 64);
    }

    /** encIdentity of a credential's TPMS_ID_OBJECT (the rest after integrityHMAC). */
    public static byte[] encIdentity(CredentialChallenge c) {
        byte[] credentialBlob = c.credentialBlob();
        Reader r = new Reader(credentialBlob, "TPMS_ID_OBJECT");
        int n = r.sized("integrityHMAC", 64).length;
        int rest = credentialBlob.length - 2 - n;
        if (rest <= 2 || rest > 66) {
            throw new MalformedTpmDataException("TPMS_ID_OBJECT.encIdentity of " + rest + " bytes");
        }
        return r.bytes("encIdentity", rest);
    }

    /** Parses TPMS_ATTEST of a quote (the message a TPM signs in TPM2_Quote; {@code tpm2_quote -m}). */
    public static AttestData parseAttest(byte[] attest) {
        Reader r = new Reader(attest, "TPMS_ATTEST");
        int magic = r.u32("magic");
        int type = r.u16("type");
        byte[] signer = r.sized("qualifiedSigner", 2 + 64);
        byte[] extra = r.sized("extraData", 64);
        long clock = r.u64("clock");
        int reset = r.u32("resetCount");
        int restart = r.u32("restartCount");
        int safe = r.u8("safe");
        long fw = r.u64("firmwareVersion");
        if (type != ST_ATTEST_QUOTE) {
            return new AttestData(magic, type, signer, extra, clock, reset, restart, safe != 0, fw, List.of(), new byte[0]);
        }
        List<PcrSelection> selections = parsePcrSelections(r);
        byte[] digest = r.sized("pcrDigest", 64);
        r.end();
        return new AttestData(magic, type, signer, extra, clock, reset, restart, safe != 0, fw, selections, digest);
    }

    /** Parses a TPML_PCR_SELECTION. */
    public static List<PcrSelection> parsePcrSelections(byte[] tpml) {
        Reader r = new Reader(tpml, "TPML_PCR_SELECTION");
        List<PcrSelection> s = parsePcrSelections(r);
        r.end();
        return s;
    }

    private static List<PcrSelection> parsePcrSelections(Reader r) {
        int count = r.u32("pcrSelect.count");
        if (count < 0 || count > 16) {
            throw new MalformedTpmDataException("TPML_PCR_SELECTION count " + Integer.toUnsignedString(count) + " (at most 16)");
        }
        List<PcrSelection> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int alg = r.u16("pcrSelect.hash");
            int size = r.u8("pcrSelect.sizeofSelect");
            if (size > 4) {
                throw new MalformedTpmDataException("PCR select bitmap of " + size + " octets (at most 4)");
            }
            byte[] map = r.bytes("pcrSelect.bitmap", size);
            List<Integer> pcrs = new ArrayList<>();
            for (int bit = 0; bit < size * 8; bit++) {
                if ((map[bit / 8] >> (bit % 8) & 1) != 0) {
                    pcrs.add(bit);
                }
            }
            if (pcrs.isEmpty()) {
                continue; // an empty bank selects nothing
            }
            if (pcrs.get(pcrs.size() - 1) > PcrSelection.MAX_PCR) {
                throw new MalformedTpmDataException("PCR index above " + PcrSelection.MAX_PCR + " selected");
            }
            out.add(PcrSelection.of(PcrSelection.Bank.fromAlgId(alg), pcrs.stream().mapToInt(Integer::intValue).toArray()));
        }
        return List.copyOf(out);
    }

    /** Parses a TPMT_SIGNATURE that must be ECDSA ({@code tpm2_quote -s}, default "tss" format). */
    public static EcdsaSignature parseEcdsaSignature(byte[] sig) {
        Reader r = new Reader(sig, "TPMT_SIGNATURE");
        int alg = r.u16("sigAlg");
        if (alg != ALG_ECDSA) {
            throw new MalformedTpmDataException(String.format("signature algorithm 0x%04x, expected ECDSA (0x0018)", alg));
        }
        int hash = r.u16("hash");
        byte[] rr = r.sized("signatureR", 66);
        byte[] ss = r.sized("signatureS", 66);
        r.end();
        return new EcdsaSignature(hash, rr, ss);
    }

    /** Encodes a TPMT_SIGNATURE (ECDSA, SHA-256) from P1363 {@code r || s}. */
    public static byte[] encodeEcdsaSignature(byte[] p1363) {
        if (p1363.length != 64) {
            throw new IllegalArgumentException("P-256 P1363 signature must be 64 bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, ALG_ECDSA);
        u16(out, ALG_SHA256);
        u16(out, 32);
        out.write(p1363, 0, 32);
        u16(out, 32);
        out.write(p1363, 32, 32);
        return out.toByteArray();
    }

    /** Parses a TPMT_PUBLIC (RSA or ECC); the input must be exactly one structure. */
    public static PublicArea parsePublic(byte[] tpmtPublic) {
        Reader r = new Reader(tpmtPublic, "TPMT_PUBLIC");
        int type = r.u16("type");
        int nameAlg = r.u16("nameAlg");
        int attrs = r.u32("objectAttributes");
        byte[] policy = r.sized("authPolicy", 64);
        int sym = r.u16("symmetric.algorithm");
        int symBits = 0;
        if (sym != ALG_NULL) {
            symBits = r.u16("symmetric.keyBits");
            r.u16("symmetric.mode");
        }
        int scheme = r.u16("scheme");
        int schemeHash = 0;
        if (scheme != ALG_NULL) {
            schemeHash = r.u16("scheme.hashAlg");
            if (scheme == 0x001A) { // ECDAA has a count
                r.u16("scheme.count");
            }
        }
        byte[] unique;
        int curveOrBits;
        long exponent = 0;
        if (type == ALG_RSA) {
            curveOrBits = r.u16("keyBits");
            exponent = Integer.toUnsignedLong(r.u32("exponent"));
            unique = r.sized("unique.rsa", 512);
        } else if (type == ALG_ECC) {
            curveOrBits = r.u16("curveID");
            int kdf = r.u16("kdf.scheme");
            if (kdf != ALG_NULL) {
                r.u16("kdf.hashAlg");
            }
            byte[] x = r.sized("unique.x", 66);
            byte[] y = r.sized("unique.y", 66);
            unique = new byte[x.length + y.length];
            System.arraycopy(x, 0, unique, 0, x.length);
            System.arraycopy(y, 0, unique, x.length, y.length);
        } else {
            throw new MalformedTpmDataException(String.format("public area of type 0x%04x (only RSA and ECC)", type));
        }
        r.end();
        return new PublicArea(tpmtPublic.clone(), type, nameAlg, attrs, policy, sym, symBits, scheme, schemeHash, curveOrBits,
                exponent, unique);
    }

    /** The TPM name of an object: nameAlg (2 octets) || H(TPMT_PUBLIC). SHA-256 and SHA-1 name algorithms. */
    public static byte[] name(byte[] tpmtPublic) {
        if (tpmtPublic.length < 4) {
            throw new MalformedTpmDataException("TPMT_PUBLIC too short for a name");
        }
        int nameAlg = (tpmtPublic[2] & 0xFF) << 8 | tpmtPublic[3] & 0xFF;
        String jca = switch (nameAlg) {
            case 0x0004 -> "SHA-1";
            case ALG_SHA256 -> "SHA-256";
            case 0x000C -> "SHA-384";
            default -> throw new MalformedTpmDataException(String.format("name algorithm 0x%04x not supported", nameAlg));
        };
        try {
            byte[] h = MessageDigest.getInstance(jca).digest(tpmtPublic);
            byte[] name = new byte[2 + h.length];
            name[0] = tpmtPublic[2];
            name[1] = tpmtPublic[3];
            System.arraycopy(h, 0, name, 2, h.length);
            return name;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    /** A bounds-checked big-endian reader. */
    static final class Reader {
        private final byte[] buf;
        private final String what;
        private int pos;

        Reader(byte[] buf, String what) {
            if (buf == null) {
                throw new MalformedTpmDataException(what + ": no bytes");
            }
            this.buf = buf;
            this.what = what;
        }

        private void need(int n, String field) {
            if (n < 0 || buf.length - pos < n) {
                throw new MalformedTpmDataException(what + " truncated at " + field + " (offset " + pos + ", need " + n
                        + " bytes, " + (buf.length - pos) + " left)");
            }
        }

        int u8(String field) {
            need(1, field);
            return buf[pos++] & 0xFF;
        }

        int u16(String field) {
            need(2, field);
            int v = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF;
            pos += 2;
            return v;
        }

        int u32(String field) {
            need(4, field);
            int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
            pos += 4;
            return v;
        }

        long u64(String field) {
            return (Integer.toUnsignedLong(u32(field)) << 32) | Integer.toUnsignedLong(u32(field));
        }

        byte[] bytes(String field, int n) {
            need(n, field);
            byte[] v = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return v;
        }

        /** A TPM2B: 2-octet size, then that many bytes, at most {@code max}. */
        byte[] sized(String field, int max) {
            int n = u16(field + ".size");
            if (n > max) {
                throw new MalformedTpmDataException(what + "." + field + " of " + n + " bytes (at most " + max + ")");
            }
            return bytes(field, n);
        }

        void end() {
            if (pos != buf.length) {
                throw new MalformedTpmDataException(what + " has " + (buf.length - pos) + " trailing bytes");
            }
        }
    }
}
