package io.aethercore.backup.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {

    @TempDir
    Path tmp;

    Stores stores;
    Backup.Plan plan;
    static final char[] PASS = "correct horse battery staple".toCharArray();

    @BeforeEach
    void stores() throws Exception {
        stores = new Stores("BLAKE3");
        Path gospel = tmp.resolve("data/merkle/gospel");
        byte[] groot = stores.merkleLog(gospel, "gospel", 300, i -> ("gospel batch " + i).getBytes(StandardCharsets.UTF_8));
        Backup.AuditCut audit = stores.audit(tmp.resolve("data/audit/records"), tmp.resolve("data/audit/merkle"), 120, 50, 10, 60);
        byte[] aroot = new TreeHash.Frontier(TreeHash.of("BLAKE3")).root();
        aroot = Restore.class == null ? null : rootOf(tmp.resolve("data/audit/merkle/entries.dat"));
        plan = new Backup.Plan("node1", List.of(
                new Backup.LogCut("audit", tmp.resolve("data/audit/merkle"), 120, aroot),
                new Backup.LogCut("gospel", gospel, 300, groot)), audit, Map.of("gospel.size", "300"));
    }

    static byte[] rootOf(Path entries) throws Exception {
        return MerkleLogFiles.verify(entries, "x", "BLAKE3", java.util.Set.of(), null).root();
    }

    byte[] plain() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Backup.write(plan, out);
        return out.toByteArray();
    }

    byte[] encrypted(Envelope.Recipient r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = Envelope.encrypt(out, r)) {
            Backup.write(plan, enc);
        }
        return out.toByteArray();
    }

    Restore.Verified restorePlain(byte[] container) throws Exception {
        return Restore.stageAndVerify(new ByteArrayInputStream(container), tmp.resolve("staging"));
    }

    BackupException refused(byte[] container) {
        BackupException e = assertThrows(BackupException.class, () -> restorePlain(container));
        assertFalse(Files.exists(tmp.resolve("staging")), "nothing is left staged after a refusal");
        return e;
    }

    @Test
    void passphraseRoundTripRestoresEveryStoreByteForByte() throws Exception {
        byte[] enc = encrypted(new Envelope.PassphraseRecipient(PASS));
        Restore.Verified v = Restore.stageAndVerify(Envelope.decrypt(new ByteArrayInputStream(enc),
                new Envelope.PassphraseOpener(PASS)), tmp.resolve("staging"));
        assertEquals(120, v.auditSize());
        assertEquals(Map.of("audit", 120L, "gospel", 300L), v.logs());
        assertEquals(300, v.gospelSize());
        assertEquals(List.of(stores.pub.fingerprint()), v.auditKeys());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("data/merkle/gospel/entries.dat")),
                Files.readAllBytes(v.log("gospel").resolve("entries.dat")));
        for (String seg : List.of("records-0.seg", "records-50.seg", "records-100.seg")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("data/audit/records/" + seg)),
                    Files.readAllBytes(v.audit().resolve(seg)), seg);
        }
    }

    @Test
    void certificateRecipientsRsaAndEcOpenOnlyWithTheirKey() throws Exception {
        for (String alg : List.of("RSA", "EC")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            g.initialize(alg.equals("RSA") ? 2048 : 256);
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = selfSigned(kp, alg.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
            byte[] enc = encrypted(new Envelope.CertRecipient(cert));
            Path staging = tmp.resolve("staging-" + alg);
            Restore.Verified v = Restore.stageAndVerify(Envelope.decrypt(new ByteArrayInputStream(enc),
                    new Envelope.PrivateKeyOpener(cert, kp.getPrivate())), staging);
            assertEquals(120, v.auditSize(), alg);
            KeyPair other = g.generateKeyPair();
            BackupException e = assertThrows(BackupException.class, () -> Envelope.decrypt(new ByteArrayInputStream(enc),
                    new Envelope.PrivateKeyOpener(cert, other.getPrivate())));
            assertEquals("envelope", e.item(), alg);
        }
    }

    @Test
    void wrongPassphraseIsRefusedAtTheEnvelope() throws Exception {
        byte[] enc = encrypted(new Envelope.PassphraseRecipient(PASS));
        BackupException e = assertThrows(BackupException.class, () -> Envelope.decrypt(new ByteArrayInputStream(enc),
                new Envelope.PassphraseOpener("wrong passphrase here".toCharArray())));
        assertEquals("envelope", e.item());
        assertThrows(BackupException.class, () -> Envelope.encrypt(new ByteArrayOutputStream(),
                new Envelope.PassphraseRecipient("short".toCharArray())));
    }

    @Test
    void somethingThatIsNotCmsIsRefusedAtTheEnvelope() throws Exception {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[r.nextInt(2000)];
            r.nextBytes(junk);
            BackupException e = assertThrows(BackupException.class, () -> Envelope.decrypt(new ByteArrayInputStream(junk),
                    new Envelope.PassphraseOpener(PASS)));
            assertEquals("envelope", e.item());
        }
    }

    @Test
    void everyTruncationOfTheEncryptedBackupIsRefused() throws Exception {
        byte[] enc = encrypted(new Envelope.PassphraseRecipient(PASS));
        int step = Math.max(1, enc.length / 97);
        for (int cut = 0; cut < enc.length; cut += step) {
            byte[] t = java.util.Arrays.copyOf(enc, cut);
            Path staging = tmp.resolve("t" + cut);
            assertThrows(Exception.class, () -> Restore.stageAndVerify(Envelope.decrypt(new ByteArrayInputStream(t),
                    new Envelope.PassphraseOpener(PASS)), staging), "cut at " + cut);
            assertFalse(Files.exists(staging), "cut at " + cut + " left a staging directory");
        }
    }

    @Test
    void aFlippedCiphertextByteIsRefused() throws Exception {
        byte[] enc = encrypted(new Envelope.PassphraseRecipient(PASS));
        for (int at : new int[] {enc.length / 3, enc.length / 2, enc.length - 40, enc.length - 20}) {
            byte[] t = enc.clone();
            t[at] ^= 0x01;
            Path staging = tmp.resolve("f" + at);
            assertThrows(Exception.class, () -> Restore.stageAndVerify(Envelope.decrypt(new ByteArrayInputStream(t),
                    new Envelope.PassphraseOpener(PASS)), staging), "flip at " + at);
            assertFalse(Files.exists(staging));
        }
    }

    @Test
    void aChangedByteInAnyItemIsRefusedWithThatItemNamed() throws Exception {
        byte[] c = plain();
        Map<String, int[]> spans = spans(c);
        for (Map.Entry<String, int[]> s : spans.entrySet()) {
            if (s.getValue()[1] == 0) {
                continue;
            }
            for (int at : new int[] {s.getValue()[0], s.getValue()[0] + s.getValue()[1] - 1}) {
                byte[] t = c.clone();
                t[at] ^= 0x20;
                BackupException e = refused(t);
                assertEquals(s.getKey(), e.item(), "byte " + at + ": " + e.getMessage());
            }
        }
    }

    /** An attacker who rebuilds the container (fresh digests) is stopped by the stores' own checks. */
    @Test
    void aRebuiltContainerWithAChangedStoreNamesTheFirstBadItem() throws Exception {
        Map<String, byte[]> items = items(plain());
        // a changed audit record with a fixed frame checksum
        assertEquals("audit/records/records-50.seg", refused(rebuild(items, m -> {
            byte[] seg = m.get("audit/records/records-50.seg").clone();
            seg[16 + 30] ^= 1;
            fixAuditCrc(seg, 0);
            m.put("audit/records/records-50.seg", seg);
        })).item());
        // a dropped record (the last segment is cut by one record)
        BackupException e = refused(rebuild(items, m -> {
            byte[] seg = m.get("audit/records/records-100.seg");
            int len = ByteBuffer.wrap(seg).getInt(0);
            m.put("audit/records/records-100.seg", java.util.Arrays.copyOf(seg, seg.length - 16 - len));
        }));
        assertEquals("audit/records/records-100.seg", e.item(), e.getMessage());
        // a changed Gospel entry with a fixed frame checksum: the root no longer matches
        assertEquals("merkle/gospel/entries.dat", refused(rebuild(items, m -> {
            byte[] d = m.get("merkle/gospel/entries.dat").clone();
            d[8] ^= 1;
            fixMerkleCrc(d, 0);
            m.put("merkle/gospel/entries.dat", d);
        })).item());
        // an audit tree rewritten to match changed records no longer matches the signed checkpoint
        assertEquals("merkle/audit/entries.dat", refused(rebuild(items, m -> {
            byte[] d = m.get("merkle/audit/entries.dat").clone();
            d[8] ^= 1;
            fixMerkleCrc(d, 0);
            m.put("merkle/audit/entries.dat", d);
        })).item());
        // a forged checkpoint
        assertEquals("audit/records/checkpoint.note", refused(rebuild(items, m -> {
            String note = new String(m.get("audit/records/checkpoint.note"), StandardCharsets.UTF_8);
            m.put("audit/records/checkpoint.note", note.replaceFirst("\n120\n", "\n121\n").getBytes(StandardCharsets.UTF_8));
        })).item());
        // a key replaced by the forger's
        assertEquals("audit/records/checkpoint.note", refused(rebuild(items, m -> {
            try {
                Stores other = new Stores("BLAKE3");
                m.remove("audit/records/keys/" + stores.pub.fingerprint() + ".pem");
                m.put("audit/records/keys/" + other.pub.fingerprint() + ".pem", other.pub.toPem().getBytes(StandardCharsets.US_ASCII));
            } catch (Exception x) {
                throw new RuntimeException(x);
            }
        })).item());
        // a missing item, an extra item, a manifest that lies about a size
        assertEquals("audit/records/records-0.seg", refused(rebuild(items, m -> m.remove("audit/records/records-0.seg"))).item());
        assertEquals("merkle/other/entries.dat", refused(rebuild(items, m -> m.put("merkle/other/entries.dat", new byte[0]))).item());
        assertEquals("merkle/gospel/entries.dat", refused(rebuild(items, m -> m.put("manifest.properties",
                new String(m.get("manifest.properties"), StandardCharsets.ISO_8859_1).replace("log.gospel.size=300",
                        "log.gospel.size=301").getBytes(StandardCharsets.ISO_8859_1)))).item());
    }

    @Test
    void hostileContainersAreRefusedWithoutStaging() throws Exception {
        assertEquals("container", refused(new byte[0]).item());
        assertEquals("container", refused("NOTABACKUP-----".getBytes(StandardCharsets.US_ASCII)).item());
        byte[] c = plain();
        byte[] v2 = c.clone();
        v2[9] = 2;
        assertTrue(refused(v2).getMessage().contains("version 2"));
        // a name that climbs out of the staging directory
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(Container.MAGIC);
        o.write(new byte[] {0, 1, 1, 0, 5});
        o.write("../..".getBytes(StandardCharsets.US_ASCII));
        assertEquals("container", refused(o.toByteArray()).item());
        // a name length beyond the limit
        byte[] big = java.util.Arrays.copyOf(Container.MAGIC, 13);
        big[9] = 1;
        big[10] = 1;
        big[11] = (byte) 0xff;
        big[12] = (byte) 0xff;
        assertEquals("container", refused(big).item());
        // trailing bytes after the end marker
        byte[] tail = java.util.Arrays.copyOf(c, c.length + 1);
        assertEquals("container", refused(tail).item());
        // random bytes
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[r.nextInt(300)];
            r.nextBytes(junk);
            if (junk.length > 10) {
                System.arraycopy(Container.MAGIC, 0, junk, 0, 8);
                junk[8] = 0;
                junk[9] = 1;
            }
            refused(junk);
        }
    }

    // helpers ------------------------------------------------------------------------------------------

    static X509Certificate selfSigned(KeyPair kp, String sigAlg) throws Exception {
        X500Name n = new X500Name("CN=operator");
        Date now = new Date();
        var b = new JcaX509v3CertificateBuilder(n, BigInteger.ONE, now, new Date(now.getTime() + 86_400_000L), n, kp.getPublic());
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())));
    }

    /** Name → [offset, length] of each item's data in a plain container. */
    static Map<String, int[]> spans(byte[] c) throws Exception {
        Map<String, int[]> out = new LinkedHashMap<>();
        int pos = 10;
        while (c[pos] == 1) {
            int nl = ((c[pos + 1] & 0xff) << 8) | (c[pos + 2] & 0xff);
            String name = new String(c, pos + 3, nl, StandardCharsets.UTF_8);
            long len = ByteBuffer.wrap(c, pos + 3 + nl, 8).getLong();
            int data = pos + 3 + nl + 8;
            out.put(name, new int[] {data, (int) len});
            pos = data + (int) len + 32;
        }
        return out;
    }

    static Map<String, byte[]> items(byte[] c) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        spans(c).forEach((n, s) -> out.put(n, java.util.Arrays.copyOfRange(c, s[0], s[0] + s[1])));
        return out;
    }

    static byte[] rebuild(Map<String, byte[]> items, Consumer<Map<String, byte[]>> change) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>(items);
        change.accept(m);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Container.Writer w = new Container.Writer(o);
        for (var e : m.entrySet()) {
            w.item(e.getKey(), e.getValue());
        }
        w.finish();
        return o.toByteArray();
    }

    static void fixAuditCrc(byte[] seg, int at) {
        ByteBuffer b = ByteBuffer.wrap(seg);
        int len = b.getInt(at);
        CRC32C c = new CRC32C();
        c.update(seg, at, 4);
        c.update(seg, at + 8, 8);
        c.update(seg, at + 16, len);
        b.putInt(at + 4, (int) c.getValue());
    }

    static void fixMerkleCrc(byte[] d, int at) {
        ByteBuffer b = ByteBuffer.wrap(d);
        int len = b.getInt(at);
        CRC32C c = new CRC32C();
        c.update(d, at, 4);
        c.update(d, at + 8, len);
        b.putInt(at + 4, (int) c.getValue());
    }

    static List<String> unused() throws IOException {
        return new ArrayList<>();
    }
}
