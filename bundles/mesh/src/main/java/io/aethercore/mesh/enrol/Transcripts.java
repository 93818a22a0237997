package io.aethercore.mesh.enrol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What a node's key signs during enrollment and re-attestation (docs/mesh.md, "Enrollment"). */
public final class Transcripts {

    private Transcripts() {
    }

    /** SHA-256 of the label, then each part length-prefixed: hello, challenge, quote. */
    public static byte[] enrollment(byte[] hello, byte[] challenge, byte[] quoteAttest) {
        return digest("aethercore-enrol-v1", hello, challenge, quoteAttest);
    }

    public static byte[] reattestation(byte[] nonce, byte[] akPublic, byte[] quoteAttest) {
        return digest("aethercore-reattest-v1", nonce, akPublic, quoteAttest);
    }

    private static byte[] digest(String label, byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(label.getBytes(StandardCharsets.US_ASCII));
            for (byte[] p : parts) {
                int n = p.length;
                d.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                d.update(p);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
