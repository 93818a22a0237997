package io.aethercore.hsm.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/** Encodings of EC key attributes: CKA_EC_PARAMS of the two curves and strict CKA_EC_POINT decoding. */
final class EcPoints {

    /** CKA_EC_PARAMS of Ed25519: the OID 1.3.101.112 (SoftHSM2 also accepts PrintableString "edwards25519"). */
    static final byte[] ED25519_PARAMS_OID = HexFormat.of().parseHex("06032b6570");
    /** CKA_EC_PARAMS as written by OpenSC's pkcs11-tool: PrintableString "edwards25519". */
    static final byte[] ED25519_PARAMS_NAME = HexFormat.of().parseHex("130c656477617264733235353139");
    /** CKA_EC_PARAMS of P-256: the OID 1.2.840.10045.3.1.7 (prime256v1). */
    static final byte[] P256_PARAMS = HexFormat.of().parseHex("06082a8648ce3d030107");

    private EcPoints() {}

    /** The algorithm of an EC key from its key type and CKA_EC_PARAMS, or {@code null} if we do not serve it. */
    static KeyAlgorithm algorithm(boolean edwards, byte[] ecParams) {
        if (ecParams == null) {
            return null;
        }
        if (edwards && (Arrays.equals(ecParams, ED25519_PARAMS_OID) || Arrays.equals(ecParams, ED25519_PARAMS_NAME))) {
            return KeyAlgorithm.ED25519;
        }
        if (!edwards && Arrays.equals(ecParams, P256_PARAMS)) {
            return KeyAlgorithm.ECDSA_P256;
        }
        return null;
    }

    /**
     * Decodes CKA_EC_POINT. PKCS#11 says it is a DER OCTET STRING around the point (Ed25519: 32 bytes,
     * P-256: the 65-byte uncompressed point). The wrapper library may hand the point over already
     * unwrapped; so exactly two forms are accepted: {@code 04 len point} with the exact length, or the
     * bare point of the exact length. Anything else (other lengths, long-form lengths, trailing bytes,
     * compressed points) is rejected.
     */
    static RawPublicKey decode(KeyAlgorithm algorithm, byte[] ecPoint) throws MalformedKeyException {
        int n = algorithm.publicKeyLength();
        if (ecPoint == null) {
            throw new MalformedKeyException("no CKA_EC_POINT");
        }
        byte[] point;
        if (ecPoint.length == n + 2 && ecPoint[0] == 0x04 && (ecPoint[1] & 0xff) == n) {
            point = Arrays.copyOfRange(ecPoint, 2, ecPoint.length);
        } else if (ecPoint.length == n) {
            point = ecPoint;
        } else {
            throw new MalformedKeyException("CKA_EC_POINT of a " + algorithm.id() + " key is neither a DER OCTET STRING of "
                    + n + " bytes nor a " + n + "-byte point (" + ecPoint.length + " bytes)");
        }
        return RawPublicKey.of(algorithm, point);
    }
}
