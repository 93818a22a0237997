package io.aethercore.attestation.verifier;

import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.MalformedTpmDataException;
import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.QuoteVerification.Result;
import io.aethercore.api.crypto.RawPublicKey;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier and the parsers without a TPM: quotes built here in the TPM 2.0 format (Part 2, 10.12.12)
 * and signed by a JDK key; hostile bytes (every truncation, oversized fields, random bytes) end in
 * {@link MalformedTpmDataException} or a MALFORMED result, never another exception.
 */
class QuoteVerifierTest {

    static final PcrSelection SEL = PcrSelection.PLAYBOOK;
    final KeyPair key = p256();
    final RawPublicKey pub = RawPublicKey.fromSpki(key.getPublic().getEncoded());
    final PcrValues values = values((byte) 7);

    QuoteVerifierTest() throws Exception {}

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static PcrValues values(byte fill) {
        byte[][] v = new byte[SEL.size()][32];
        for (byte[] b : v) {
            java.util.Arrays.fill(b, fill);
        }
        return new PcrValues(SEL, v);
    }

    static byte[] attest(int magic, int type, byte[] nonce, PcrSelection sel, byte[] digest) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        u32(a, magic);
        u16(a, type);
        sized(a, new byte[] {0, 0x0B, 1, 2, 3});
        sized(a, nonce);
        a.writeBytes(new byte[8 + 4 + 4 + 1 + 8]);
        a.writeBytes(sel.toTpml());
        sized(a, digest);
        return a.toByteArray();
    }

    byte[] sign(byte[] attest) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key.getPrivate());
        s.update(attest);
        return TpmStructures.encodeEcdsaSignature(s.sign());
    }

    static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    static void u32(ByteArrayOutputStream o, int v) {
        u16(o, v >>> 16);
        u16(o, v);
    }

    static void sized(ByteArrayOutputStream o, byte[] b) {
        u16(o, b.length);
        o.writeBytes(b);
    }

    @Test
    void acceptsAGoodQuoteAndParsesIt() throws Exception {
        byte[] nonce = {1, 2, 3, 4};
        byte[] a = attest(TpmStructures.TPM_GENERATED, TpmStructures.ST_ATTEST_QUOTE, nonce, SEL, values.digest("SHA-256"));
        QuoteVerification v = QuoteVerifier.verify(a, sign(a), values, pub, QuoteExpectation.of(nonce, SEL).withPolicy(values));
        assertTrue(v.ok(), v.message());
        assertEquals(List.of(SEL), v.data().pcrSelections());
        assertArrayEquals(nonce, v.data().extraData());
    }

    @Test
    void signedButNotATpmQuote() throws Exception {
        byte[] nonce = {1};
        byte[] a = attest(0x12345678, TpmStructures.ST_ATTEST_QUOTE, nonce, SEL, values.digest("SHA-256"));
        assertEquals(Result.NOT_A_QUOTE, QuoteVerifier.verify(a, sign(a), values, pub, QuoteExpectation.of(nonce, SEL)).result());
    }

    @Test
    void policyMismatchNamesThePcr() throws Exception {
        byte[] nonce = {1};
        byte[] a = attest(TpmStructures.TPM_GENERATED, TpmStructures.ST_ATTEST_QUOTE, nonce, SEL, values.digest("SHA-256"));
        PcrValues policy = values.with(2, new byte[32]);
        QuoteVerification v = QuoteVerifier.verify(a, sign(a), values, pub, QuoteExpectation.of(nonce, SEL).withPolicy(policy));
        assertEquals(Result.PCR_POLICY_MISMATCH, v.result());
        assertTrue(v.message().contains("PCR 2 "), v.message());
    }

    @Test
    void everyTruncationIsMalformed() throws Exception {
        byte[] nonce = {9, 9};
        byte[] a = attest(TpmStructures.TPM_GENERATED, TpmStructures.ST_ATTEST_QUOTE, nonce, SEL, values.digest("SHA-256"));
        byte[] sig = sign(a);
        for (int n = 0; n < a.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(a, n);
            assertThrows(MalformedTpmDataException.class, () -> TpmStructures.parseAttest(cut), "length " + n);
            assertEquals(Result.MALFORMED, QuoteVerifier.verify(cut, sig, values, pub, QuoteExpectation.of(nonce, SEL)).result());
        }
        for (int n = 0; n < sig.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(sig, n);
            assertEquals(Result.MALFORMED, QuoteVerifier.verify(a, cut, values, pub, QuoteExpectation.of(nonce, SEL)).result());
        }
        byte[] trailing = java.util.Arrays.copyOf(a, a.length + 1);
        assertThrows(MalformedTpmDataException.class, () -> TpmStructures.parseAttest(trailing));
    }

    @Test
    void oversizedFieldsAreRejectedBeforeAnyAllocation() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u32(o, TpmStructures.TPM_GENERATED);
        u16(o, TpmStructures.ST_ATTEST_QUOTE);
        u16(o, 0xFFFF); // qualifiedSigner claims 65535 bytes
        MalformedTpmDataException e = assertThrows(MalformedTpmDataException.class, () -> TpmStructures.parseAttest(o.toByteArray()));
        assertTrue(e.getMessage().contains("qualifiedSigner"), e.getMessage());
        assertThrows(MalformedTpmDataException.class, () -> TpmStructures.parsePcrSelections(new byte[] {(byte) 0xFF, 0, 0, 0}));
    }

    @Test
    void randomBytesNeverEscapeAsAnotherException() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            if (junk.length > 6 && r.nextBoolean()) { // often with a valid header, to reach deeper fields
                junk[0] = (byte) 0xFF;
                junk[1] = 0x54;
                junk[2] = 0x43;
                junk[3] = 0x47;
                junk[4] = (byte) 0x80;
                junk[5] = 0x18;
            }
            for (Runnable parse : List.<Runnable>of(() -> TpmStructures.parseAttest(junk), () -> TpmStructures.parsePublic(junk),
                    () -> TpmStructures.parseEcdsaSignature(junk))) {
                try {
                    parse.run();
                } catch (MalformedTpmDataException expected) {
                    // the only way to fail
                }
            }
            QuoteVerification v = QuoteVerifier.verify(junk, junk, values, pub, QuoteExpectation.of(new byte[] {1}, SEL));
            assertFalse(v.ok());
        }
    }

    @Test
    void pcrSelectionsRoundTrip() {
        PcrSelection s = PcrSelection.parse("sha256:7,0,2,1,2");
        assertEquals("sha256:0,1,2,7", s.toString());
        assertEquals(List.of(s), TpmStructures.parsePcrSelections(s.toTpml()));
        assertEquals(PcrSelection.of(PcrSelection.Bank.SHA1, 23), PcrSelection.parse("sha1:23"));
        assertThrows(IllegalArgumentException.class, () -> PcrSelection.parse("sha256:24"));
        assertThrows(IllegalArgumentException.class, () -> PcrSelection.parse("md5:1"));
        assertThrows(IllegalArgumentException.class, () -> PcrSelection.parse("sha256:x"));
    }

    @Test
    void nonceLedgerForgetsTheOldest() {
        NonceLedger l = new NonceLedger(new SecureRandom(), 2);
        byte[] a = l.issue();
        byte[] b = l.issue();
        byte[] c = l.issue();
        assertFalse(l.issued(a));
        assertTrue(l.issued(b) && l.issued(c));
    }

    @Test
    void credentialsNeedAnRsaEndorsementKey() throws Exception {
        byte[] ecc = new byte[] {0, 0x23, 0, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0x10, 0, 3, 0, 0x10, 0, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> CredentialMaker.make(ecc, new byte[34], new byte[16], new SecureRandom()));
    }
}
