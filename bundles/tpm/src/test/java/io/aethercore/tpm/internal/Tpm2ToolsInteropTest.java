package io.aethercore.tpm.internal;

import io.aethercore.attestation.verifier.TpmStructures;
import static org.junit.jupiter.api.Assertions.*;

import io.aethercore.api.attestation.AttestationKey;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.attestation.verifier.CredentialMaker;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.Quote;
import io.aethercore.api.attestation.QuoteExpectation;
import io.aethercore.api.attestation.QuoteVerification;
import io.aethercore.attestation.verifier.QuoteVerifier;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.testing.swtpm.Swtpm;
import io.aethercore.testing.swtpm.SwtpmExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with tpm2-tools on the same simulator: our quotes pass {@code tpm2_checkquote},
 * quotes by {@code tpm2_quote} pass our verifier, and credentials by {@code tpm2_makecredential} activate
 * in our session (so our {@link CredentialMaker} and the TPM agree with tpm2-tools on the format).
 * swtpm serves one connection at a time, so our session is closed while tpm2-tools run.
 */
class Tpm2ToolsInteropTest {

    @RegisterExtension
    static final SwtpmExtension SWTPM = new SwtpmExtension();

    @TempDir
    Path dir;

    @Test
    void ourQuotePassesTpm2Checkquote() throws Exception {
        Swtpm swtpm = SWTPM.get();
        byte[] nonce = new byte[20];
        new SecureRandom().nextBytes(nonce);
        Quote q;
        AttestationKey ak;
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            q = a.quote(nonce, PcrSelection.PLAYBOOK);
            ak = a.attestationKey();
        }
        Files.writeString(dir.resolve("ak.pem"), ak.publicKey().toPem());
        Files.write(dir.resolve("quote.msg"), q.attest());
        Files.write(dir.resolve("quote.sig"), q.signature());
        Files.write(dir.resolve("quote.pcrs"), q.pcrValues().concatenated());
        String out = swtpm.tpm2(dir, "tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig",
                "-f", "quote.pcrs", "-l", "sha256:0,1,2,7", "-g", "sha256", "-q", HexFormat.of().formatHex(nonce));
        assertTrue(out.contains("pcrs:") || out.contains("sha256"), out);

        // and tpm2_checkquote rejects it with another nonce: the check above is not vacuous
        IOException e = assertThrows(IOException.class, () -> swtpm.tpm2(dir, "tpm2_checkquote", "-u", "ak.pem", "-m",
                "quote.msg", "-s", "quote.sig", "-f", "quote.pcrs", "-l", "sha256:0,1,2,7", "-g", "sha256", "-q", "00112233"));
        assertTrue(e.getMessage().toLowerCase().contains("qualif") || e.getMessage().contains("ERROR"), e.getMessage());
    }

    @Test
    void tpm2QuotePassesOurVerifier() throws Exception {
        Swtpm swtpm = SWTPM.get();
        // no resource manager: tpm2-tools leave their objects loaded; flush between steps (saved contexts stay usable)
        swtpm.tpm2(dir, "tpm2_flushcontext", "-t");
        swtpm.tpm2(dir, "tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
        swtpm.tpm2(dir, "tpm2_flushcontext", "-t");
        swtpm.tpm2(dir, "tpm2_createak", "-C", "ek.ctx", "-c", "ak.ctx", "-G", "ecc", "-g", "sha256", "-s", "ecdsa",
                "-u", "ak.pem", "-f", "pem", "-n", "ak.name");
        swtpm.tpm2(dir, "tpm2_flushcontext", "-t");
        swtpm.tpm2(dir, "tpm2_flushcontext", "-s");
        String nonceHex = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
        swtpm.tpm2(dir, "tpm2_quote", "-c", "ak.ctx", "-l", "sha256:0,1,2,7", "-q", nonceHex, "-m", "quote.msg",
                "-s", "quote.sig", "-o", "quote.pcrs", "-F", "values", "-g", "sha256");
        swtpm.tpm2(dir, "tpm2_flushcontext", "-t");

        RawPublicKey ak = RawPublicKey.fromPem(Files.readString(dir.resolve("ak.pem")));
        PcrValues values = PcrValues.fromConcatenated(PcrSelection.PLAYBOOK, Files.readAllBytes(dir.resolve("quote.pcrs")));
        byte[] nonce = HexFormat.of().parseHex(nonceHex);
        QuoteVerification v = QuoteVerifier.verify(Files.readAllBytes(dir.resolve("quote.msg")),
                Files.readAllBytes(dir.resolve("quote.sig")), values, ak, QuoteExpectation.of(nonce, PcrSelection.PLAYBOOK));
        assertTrue(v.ok(), v.message());

        // the values tpm2-tools saw are the ones our session reads
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            assertEquals(values, new TpmAttestation(s).readPcrs(PcrSelection.PLAYBOOK));
        }
    }

    @Test
    void tpm2MakecredentialActivatesInOurSessionAndOursMatchesItsFormat() throws Exception {
        Swtpm swtpm = SWTPM.get();
        EndorsementKey ek;
        AttestationKey ak;
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            ek = a.endorsementKey().orElseThrow();
            ak = a.attestationKey();
        }
        // TPM2B_PUBLIC of the EK, as tpm2-tools reads public keys
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        pub.write(ek.tpmPublic().length >> 8);
        pub.write(ek.tpmPublic().length);
        pub.writeBytes(ek.tpmPublic());
        Files.write(dir.resolve("ek.pub"), pub.toByteArray());
        byte[] secret = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
        Files.write(dir.resolve("secret"), secret);
        swtpm.tpm2(dir, "tpm2_makecredential", "-T", "none", "-u", "ek.pub", "-s", "secret",
                "-n", HexFormat.of().formatHex(TpmStructures.name(ak.tpmPublic())), "-o", "cred.out");
        // tpm2-tools credential file: magic, version, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("cred.out")));
        assertEquals(0xBADCC0DE, b.getInt());
        assertEquals(1, b.getInt());
        byte[] blob = new byte[b.getShort() & 0xFFFF];
        b.get(blob);
        byte[] encSecret = new byte[b.getShort() & 0xFFFF];
        b.get(encSecret);
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            assertArrayEquals(secret, a.activateCredential(new CredentialChallenge(blob, encSecret)));
            // ours has the same shape: integrity HMAC of 32 bytes, then the encrypted TPM2B of the secret
            CredentialChallenge mine = CredentialMaker.make(ek.tpmPublic(), TpmStructures.name(ak.tpmPublic()), secret, new SecureRandom());
            assertEquals(blob.length, mine.credentialBlob().length);
            assertEquals(encSecret.length, mine.encryptedSecret().length);
            assertArrayEquals(secret, a.activateCredential(mine));
        }
    }

    @Test
    void tpm2MakecredentialForTheEccEkActivatesInOurSession() throws Exception {
        Swtpm swtpm = SWTPM.get();
        EndorsementKey ek;
        AttestationKey ak;
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            ek = a.endorsementKey(EndorsementKey.Algorithm.ECC_P256).orElseThrow();
            ak = a.attestationKey();
        }
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        pub.write(ek.tpmPublic().length >> 8);
        pub.write(ek.tpmPublic().length);
        pub.writeBytes(ek.tpmPublic());
        Files.write(dir.resolve("ekecc.pub"), pub.toByteArray());
        byte[] secret = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        Files.write(dir.resolve("secret"), secret);
        swtpm.tpm2(dir, "tpm2_makecredential", "-T", "none", "-u", "ekecc.pub", "-s", "secret",
                "-n", HexFormat.of().formatHex(TpmStructures.name(ak.tpmPublic())), "-o", "cred.out");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("cred.out")));
        b.getInt();
        b.getInt();
        byte[] blob = new byte[b.getShort() & 0xFFFF];
        b.get(blob);
        byte[] encSecret = new byte[b.getShort() & 0xFFFF];
        b.get(encSecret);
        try (TpmSession s = TpmSession.simulator(swtpm.host(), swtpm.port())) {
            TpmAttestation a = new TpmAttestation(s);
            assertArrayEquals(secret, a.activateCredential(new CredentialChallenge(blob, encSecret, TpmStructures.parsePublic(ek.tpmPublic()).name())));
            // ours for the same EK: same shape as tpm2-tools' (ephemeral point as the encrypted secret)
            CredentialChallenge mine = CredentialMaker.make(ek.tpmPublic(), TpmStructures.name(ak.tpmPublic()), secret, new SecureRandom());
            assertEquals(encSecret.length, mine.encryptedSecret().length);
            assertArrayEquals(secret, a.activateCredential(mine));
        }
    }
}
