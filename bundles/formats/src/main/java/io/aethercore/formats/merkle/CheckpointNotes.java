package io.aethercore.formats.merkle;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.crypto.SignatureVerificationException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.merkle.Checkpoint;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.api.merkle.SignedCheckpoint.Signature;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Checkpoints as text (C2SP {@code tlog-checkpoint}) and signed checkpoints as C2SP signed notes: the checkpoint text, an empty line, then
 * one line per signature, {@code — <key name> <base64(key ID || signature)>}.
 *
 * <p>Signature types (C2SP signed-note): Ed25519 is type {@code 0x01} with key ID {@code
 * SHA-256(name || 0x0A || 0x01 || public key)[:4]}; ECDSA P-256 is type {@code 0x02} with a DER
 * (ASN.1) signature and the SubjectPublicKeyInfo as the public key in the key ID; ML-DSA-87 uses the
 * private-use type {@code 0xff} followed by the identifier {@code "ML-DSA-87"}, with the raw FIPS 204
 * public key. Signatures are made through a {@link KeyCustody}, so the key may live in a TPM or HSM.
 *
 * <p>Plain functions, usable by any client (an auditor offline, a peer) without a service.
 */
public final class CheckpointNotes {

    static final int MAX_BODY = 16 * 1024;
    static final int MAX_NOTE = 128 * 1024;
    static final int MAX_SIGNATURES = 64;
    private static final String TIMESTAMP = "timestamp ";
    private static final String DASH = "\u2014 ";
    private static final byte[] ML_DSA_TYPE = "\u00ffML-DSA-87".getBytes(StandardCharsets.ISO_8859_1);

    private CheckpointNotes() {}

    /** The note text of a checkpoint, the text that is signed, ending in a newline. */
    public static String body(Checkpoint c) {
        return c.origin() + "\n" + c.size() + "\n" + Base64.getEncoder().encodeToString(c.root()) + "\n"
                + TIMESTAMP + c.timestamp() + "\n";
    }

    static byte[] bodyBytes(Checkpoint c) {
        return body(c).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a checkpoint's note text strictly: exactly the text {@link #body} writes (no other extension
     * lines, the timestamp as {@link Instant#toString()} spells it). Signatures cover the text, and the
     * parsed checkpoint must be that very text, or a signature would vouch for lines nobody verified.
     *
     * @throws InvalidProofException naming the malformed line
     */
    public static Checkpoint parseBody(String body) throws InvalidProofException {
        if (body == null || body.length() > MAX_BODY) {
            throw new InvalidProofException("checkpoint is missing or larger than " + MAX_BODY + " bytes");
        }
        if (!body.endsWith("\n")) {
            throw new InvalidProofException("checkpoint text must end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 4) {
            throw new InvalidProofException("checkpoint needs origin, size, root and timestamp lines");
        }
        if (lines.length > 4) {
            // a signature covers the text, but body(...) would not reproduce these lines: refuse them
            throw new InvalidProofException("checkpoint has lines after its timestamp line");
        }
        String origin = lines[0];
        try {
            Checkpoint.checkOrigin(origin);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException(e.getMessage());
        }
        long size;
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new InvalidProofException("checkpoint size line is not a canonical decimal number");
        }
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new InvalidProofException("checkpoint size does not fit 63 bits");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException("checkpoint root line is not base64");
        }
        if (root.length != 32 || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new InvalidProofException("checkpoint root must be 32 bytes in canonical base64");
        }
        if (!lines[3].startsWith(TIMESTAMP)) {
            throw new InvalidProofException("checkpoint has no timestamp line");
        }
        String text = lines[3].substring(TIMESTAMP.length());
        Instant ts;
        try {
            ts = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidProofException("checkpoint timestamp is not an RFC 3339 instant");
        }
        if (!ts.toString().equals(text)) {
            // another spelling of the instant (offset, case, trailing zeros) is another signed text
            throw new InvalidProofException("checkpoint timestamp is not in canonical form (" + ts + ")");
        }
        return new Checkpoint(origin, size, root, ts);
    }

    /**
     * Signs a checkpoint with a key held by a custody.
     *
     * @param keyName the signer's name as verifiers know it (no spaces, no '+')
     */
    public static SignedCheckpoint sign(Checkpoint checkpoint, String keyName, KeyCustody custody, KeyHandle key)
            throws CryptoException {
        checkKeyName(keyName);
        byte[] sig = custody.sign(key, bodyBytes(checkpoint));
        if (key.algorithm() == KeyAlgorithm.ECDSA_P256) {
            sig = p1363ToDer(sig);
        }
        return new SignedCheckpoint(checkpoint, List.of(new Signature(keyName, keyId(keyName, key.publicKey()), sig)));
    }

    /** Makes a raw signature over a checkpoint's note text (a node key, a key in any custody). */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] message) throws Exception;
    }

    /** Checks a raw signature; returns normally only when it verifies. */
    @FunctionalInterface
    public interface Verifier {
        void verify(RawPublicKey key, byte[] message, byte[] signature) throws Exception;
    }

    /**
     * Signs a checkpoint with any signer of {@code key} (raw signatures as the crypto API makes them:
     * ECDSA as {@code r || s}, stored as DER in the note).
     *
     * @since 1.1.0
     */
    public static SignedCheckpoint sign(Checkpoint checkpoint, String keyName, RawPublicKey key, Signer signer)
            throws CryptoException {
        checkKeyName(keyName);
        byte[] sig;
        try {
            sig = signer.sign(bodyBytes(checkpoint));
        } catch (CryptoException e) {
            throw e;
        } catch (Exception e) {
            throw new CryptoException("signing the checkpoint failed: " + e.getMessage(), e);
        }
        if (key.algorithm() == KeyAlgorithm.ECDSA_P256) {
            sig = p1363ToDer(sig);
        }
        return new SignedCheckpoint(checkpoint, List.of(new Signature(keyName, keyId(keyName, key), sig)));
    }

    /**
     * {@link #verify(SignedCheckpoint, String, RawPublicKey, SignatureService)} with any verifier.
     *
     * @since 1.1.0
     */
    public static void verify(SignedCheckpoint signed, String keyName, RawPublicKey key, Verifier verifier)
            throws InvalidProofException {
        Objects.requireNonNull(key, "key");
        int id = keyId(keyName, key);
        int found = 0;
        for (Signature s : signed.signatures()) {
            if (!s.keyName().equals(keyName) || s.keyId() != id) {
                continue;
            }
            found++;
            try {
                byte[] sig = key.algorithm() == KeyAlgorithm.ECDSA_P256 ? derToP1363(s.signature()) : s.signature();
                verifier.verify(key, bodyBytes(signed.checkpoint()), sig);
            } catch (Exception e) {
                throw new InvalidProofException("the checkpoint signature by " + keyName + " does not verify");
            }
        }
        if (found == 0) {
            throw new InvalidProofException("the checkpoint carries no signature by " + keyName
                    + " (key ID " + String.format("%08x", id) + ")");
        }
    }

    /** {@code signed} with one more signature (a co-signature by another key). */
    public static SignedCheckpoint cosign(SignedCheckpoint signed, String keyName, KeyCustody custody, KeyHandle key)
            throws CryptoException {
        List<Signature> all = new ArrayList<>(signed.signatures());
        all.addAll(sign(signed.checkpoint(), keyName, custody, key).signatures());
        return new SignedCheckpoint(signed.checkpoint(), all);
    }

    /** The signed note as text. */
    public static String toNote(SignedCheckpoint signed) {
        StringBuilder sb = new StringBuilder(body(signed.checkpoint())).append('\n');
        for (Signature s : signed.signatures()) {
            byte[] blob = new byte[4 + s.signature().length];
            blob[0] = (byte) (s.keyId() >>> 24);
            blob[1] = (byte) (s.keyId() >>> 16);
            blob[2] = (byte) (s.keyId() >>> 8);
            blob[3] = (byte) s.keyId();
            System.arraycopy(s.signature(), 0, blob, 4, s.signature().length);
            sb.append(DASH).append(s.keyName()).append(' ').append(Base64.getEncoder().encodeToString(blob)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses a signed note strictly (valid UTF-8, no control characters but newline, at most {@value
     * #MAX_SIGNATURES} signatures, at most {@value #MAX_NOTE} bytes). Parsing does not verify.
     *
     * @throws InvalidProofException naming what is malformed
     */
    public static SignedCheckpoint parse(byte[] note) throws InvalidProofException {
        if (note == null || note.length > MAX_NOTE) {
            throw new InvalidProofException("signed checkpoint is missing or larger than " + MAX_NOTE + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(note)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidProofException("signed checkpoint is not valid UTF-8");
        }
        return parse(text);
    }

    /** Parses a signed note given as text; see {@link #parse(byte[])}. */
    public static SignedCheckpoint parse(String note) throws InvalidProofException {
        if (note == null || note.length() > MAX_NOTE) {
            throw new InvalidProofException("signed checkpoint is missing or larger than " + MAX_NOTE + " bytes");
        }
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if ((c < 0x20 && c != '\n') || c == 0x7f) {
                throw new InvalidProofException("signed checkpoint contains a control character");
            }
        }
        int sep = note.lastIndexOf("\n\n");
        if (sep < 0 || !note.endsWith("\n")) {
            throw new InvalidProofException("signed checkpoint has no blank line before its signatures");
        }
        if (sep + 2 == note.length()) {
            throw new InvalidProofException("signed checkpoint has no signature after its blank line");
        }
        Checkpoint cp = parseBody(note.substring(0, sep + 1));
        String[] lines = note.substring(sep + 2, note.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw new InvalidProofException("signed checkpoint has more than " + MAX_SIGNATURES + " signatures");
        }
        List<Signature> sigs = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith(DASH)) {
                throw new InvalidProofException("signature line must start with an em dash and a space");
            }
            String[] parts = line.substring(DASH.length()).split(" ", -1);
            if (parts.length != 2) {
                throw new InvalidProofException("signature line must be '\u2014 <key name> <base64>'");
            }
            try {
                checkKeyName(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new InvalidProofException(e.getMessage());
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new InvalidProofException("signature of " + parts[0] + " is not base64");
            }
            if (!Base64.getEncoder().encodeToString(blob).equals(parts[1])) {
                // the decoder ignores the unused low bits of the last character: without this check a
                // changed note would still verify
                throw new InvalidProofException("signature of " + parts[0] + " is not canonical base64");
            }
            if (blob.length < 5) {
                throw new InvalidProofException("signature of " + parts[0] + " is too short");
            }
            int id = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
            sigs.add(new Signature(parts[0], id, Arrays.copyOfRange(blob, 4, blob.length)));
        }
        if (sigs.isEmpty()) {
            throw new InvalidProofException("signed checkpoint has no signature");
        }
        return new SignedCheckpoint(cp, sigs);
    }

    /**
     * Verifies the signature(s) by the given key: every signature whose key name and key ID match it
     * must verify, and there must be at least one. Signatures by other keys are ignored.
     *
     * @throws InvalidProofException if no signature by this key is present, or one does not verify
     */
    public static void verify(SignedCheckpoint signed, String keyName, RawPublicKey key, SignatureService verifier)
            throws InvalidProofException {
        Objects.requireNonNull(key, "key");
        Checkpoint checkpoint = signed.checkpoint();
        int id = keyId(keyName, key);
        int found = 0;
        for (Signature s : signed.signatures()) {
            if (!s.keyName().equals(keyName) || s.keyId() != id) {
                continue;
            }
            found++;
            byte[] sig = s.signature();
            try {
                if (key.algorithm() == KeyAlgorithm.ECDSA_P256) {
                    sig = derToP1363(sig);
                }
                verifier.verify(key, bodyBytes(checkpoint), sig);
            } catch (SignatureVerificationException | MalformedKeyException e) {
                throw new InvalidProofException("the checkpoint signature by " + keyName + " does not verify");
            }
        }
        if (found == 0) {
            throw new InvalidProofException("the checkpoint carries no signature by " + keyName
                    + " (key ID " + String.format("%08x", id) + ")");
        }
    }

    /** The C2SP key ID of a key under a name (see the class comment for the encodings). */
    public static int keyId(String keyName, RawPublicKey key) {
        checkKeyName(keyName);
        byte[] typeAndKey = switch (key.algorithm()) {
            case ED25519 -> concat(new byte[] {0x01}, key.encoded());
            case ECDSA_P256 -> concat(new byte[] {0x02}, key.toSpki());
            case ML_DSA_87 -> concat(ML_DSA_TYPE, key.encoded());
            default -> throw new IllegalArgumentException(key.algorithm().id() + " keys do not sign checkpoints");
        };
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(keyName.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x0a);
            byte[] h = md.digest(typeAndKey);
            return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void checkKeyName(String name) {
        if (name == null || name.isEmpty() || name.length() > 256) {
            throw new IllegalArgumentException("key name must be 1 to 256 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '+' || c < 0x20) {
                throw new IllegalArgumentException("key name must not contain spaces or '+'");
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** ECDSA {@code r || s} (32 + 32 bytes) to ASN.1 DER {@code SEQUENCE { INTEGER r, INTEGER s }}. */
    static byte[] p1363ToDer(byte[] rs) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length);
        out.write(0x02);
        out.write(r.length);
        out.write(r, 0, r.length);
        out.write(0x02);
        out.write(s.length);
        out.write(s, 0, s.length);
        return out.toByteArray();
    }

    /** Strict DER to {@code r || s}; anything else is a failed signature. */
    static byte[] derToP1363(byte[] der) throws SignatureVerificationException {
        try {
            if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
                throw new SignatureVerificationException();
            }
            int pos = 2;
            byte[] out = new byte[64];
            for (int part = 0; part < 2; part++) {
                if (der[pos] != 0x02) {
                    throw new SignatureVerificationException();
                }
                int len = der[pos + 1] & 0xff;
                if (len < 1 || len > 33 || pos + 2 + len > der.length) {
                    throw new SignatureVerificationException();
                }
                byte[] v = Arrays.copyOfRange(der, pos + 2, pos + 2 + len);
                // minimal encoding: no needless leading zero, no negative number
                if (v[0] < 0 || (len > 1 && v[0] == 0 && v[1] >= 0)) {
                    throw new SignatureVerificationException();
                }
                BigInteger x = new BigInteger(1, v);
                if (x.bitLength() > 256) {
                    throw new SignatureVerificationException();
                }
                byte[] fixed = x.toByteArray();
                int skip = fixed.length > 32 ? fixed.length - 32 : 0;
                System.arraycopy(fixed, skip, out, part * 32 + 32 - (fixed.length - skip), fixed.length - skip);
                pos += 2 + len;
            }
            if (pos != der.length) {
                throw new SignatureVerificationException();
            }
            return out;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new SignatureVerificationException();
        }
    }
}
