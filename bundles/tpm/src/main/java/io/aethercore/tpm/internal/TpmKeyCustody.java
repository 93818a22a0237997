package io.aethercore.tpm.internal;

import io.aethercore.api.attestation.AttestationException;
import io.aethercore.attestation.verifier.TpmStructures;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@link KeyCustody} of kind {@link CustodyKind#TPM}: ECC P-256 signing keys that exist only inside the
 * TPM. Each key is a primary key of the owner hierarchy, derived by the TPM from its owner seed and a
 * template whose {@code unique} field holds 32 random bytes chosen at generation. The TPM re-derives
 * the same private key from the same template whenever it is needed; the private key is never outside
 * the TPM, not even encrypted. The key file ({@code <label>.tpmkey}, mode 0600) holds the 32 bytes and
 * the public key; deleting it destroys the key for good (the bytes are not recoverable).
 *
 * <p>TPMs do not do Ed25519 (TPM 2.0 has no EdDSA in any shipping TPM): this custody serves ECDSA P-256
 * only, and the hardware-signature benchmark target (docs/operations.md, "Benchmark targets") is measured on this P-256 key.
 */
public final class TpmKeyCustody implements KeyCustody {

    private final String name;
    private final TpmSession session;
    private final Path dir;
    private final SecureRandom random = new SecureRandom();

    public TpmKeyCustody(String name, TpmSession session, Path dir) throws KeyCustodyException {
        this.name = name;
        this.session = session;
        this.dir = dir;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyCustodyException("cannot create the TPM key directory " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CustodyKind kind() {
        return CustodyKind.TPM;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return Set.of(KeyAlgorithm.ECDSA_P256);
    }

    @Override
    public KeyHandle generate(KeyAlgorithm algorithm, String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        if (algorithm != KeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("a TPM holds ECDSA P-256 signing keys; " + algorithm.id()
                    + " is not a TPM 2.0 algorithm (TPMs do not do Ed25519)");
        }
        Path file = file(label);
        if (Files.exists(file)) {
            throw new KeyExistsException(name, label);
        }
        byte[] unique = new byte[32];
        random.nextBytes(unique);
        byte[] pub = tpm(() -> session.signingKeyPublic(unique));
        RawPublicKey publicKey = TpmStructures.parsePublic(pub).eccP256();
        Instant created = Instant.now();
        Properties p = new Properties();
        p.setProperty("algorithm", algorithm.id());
        p.setProperty("unique", HexFormat.of().formatHex(unique));
        p.setProperty("public", HexFormat.of().formatHex(publicKey.encoded()));
        p.setProperty("created", created.toString());
        try (OutputStream out = Files.newOutputStream(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
            p.store(out, "AetherCore TPM key: the TPM re-derives the private key from its owner seed and 'unique'");
        } catch (FileAlreadyExistsException e) {
            throw new KeyExistsException(name, label);
        } catch (IOException e) {
            throw new KeyCustodyException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new KeyHandle(name, CustodyKind.TPM, label, publicKey, created);
    }

    @Override
    public Optional<KeyHandle> find(String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        Entry e = read(label);
        return e == null ? Optional.empty() : Optional.of(e.handle);
    }

    @Override
    public List<KeyHandle> list() throws KeyCustodyException {
        List<KeyHandle> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tpmkey")) {
            for (Path f : ds) {
                String label = f.getFileName().toString().replaceAll("\\.tpmkey$", "");
                Entry e = read(label);
                if (e != null) {
                    out.add(e.handle);
                }
            }
        } catch (IOException e) {
            throw new KeyCustodyException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(KeyHandle::label));
        return out;
    }

    @Override
    public byte[] sign(KeyHandle key, byte[] message) throws KeyCustodyException {
        Entry e = mine(key) ? read(key.label()) : null;
        if (e == null || !e.handle.publicKey().equals(key.publicKey())) {
            throw new KeyNotFoundException(name, key.label());
        }
        return tpm(() -> session.sign(e.unique, message));
    }

    @Override
    public void delete(KeyHandle key) throws KeyCustodyException {
        Entry e = mine(key) ? read(key.label()) : null;
        if (e == null || !e.handle.publicKey().equals(key.publicKey())) {
            throw new KeyNotFoundException(name, key.label());
        }
        try {
            Files.delete(file(key.label()));
        } catch (IOException ex) {
            throw new KeyCustodyException("cannot delete " + file(key.label()) + ": " + ex.getMessage(), ex);
        }
        try {
            session.evict(e.unique);
        } catch (AttestationException ignored) {
            // not loaded or TPM away: nothing references the key any more
        }
    }

    private boolean mine(KeyHandle key) {
        return name.equals(key.custody());
    }

    private Path file(String label) {
        return dir.resolve(label + ".tpmkey");
    }

    private record Entry(KeyHandle handle, byte[] unique) {}

    private Entry read(String label) throws KeyCustodyException {
        Path f = file(KeyCustody.checkLabel(label));
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            if (Files.size(f) > 4096) {
                throw new KeyCustodyException("TPM key file " + f + " is larger than any key file we write");
            }
            p.load(in);
            byte[] unique = HexFormat.of().parseHex(p.getProperty("unique", ""));
            RawPublicKey pub = RawPublicKey.of(KeyAlgorithm.ECDSA_P256, HexFormat.of().parseHex(p.getProperty("public", "")));
            if (unique.length != 32) {
                throw new KeyCustodyException("TPM key file " + f + " is damaged (unique must be 32 bytes)");
            }
            Instant created = p.getProperty("created") == null ? null : Instant.parse(p.getProperty("created"));
            return new Entry(new KeyHandle(name, CustodyKind.TPM, label, pub, created), unique);
        } catch (IOException | RuntimeException | io.aethercore.api.crypto.MalformedKeyException e) {
            throw new KeyCustodyException("TPM key file " + f + " is damaged: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface TpmOp<T> {
        T run() throws AttestationException;
    }

    private <T> T tpm(TpmOp<T> op) throws KeyCustodyException {
        try {
            return op.run();
        } catch (AttestationException e) {
            if (e.isRetryable() || e.failure() == AttestationException.Failure.NOT_DETECTED) {
                throw new CustodyUnavailableException("TPM custody '" + name + "': " + e.getMessage(), e);
            }
            throw new KeyCustodyException("TPM custody '" + name + "': " + e.getMessage(), e);
        }
    }
}
