package io.aethercore.crypto.internal;

import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.CustodyUnavailableException;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyExistsException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.KeyNotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The software key custody: one PKCS#8 PEM file per key in a directory readable by the node's user
 * only. With a passphrase, keys are written as PKCS#8 {@code ENCRYPTED PRIVATE KEY} (PBES2,
 * PBKDF2-HMAC-SHA256, AES-256-CBC), which {@code openssl pkey} reads. OSGi-free.
 *
 * <p>Writes are atomic (temporary file with mode 0600, fsync, rename, fsync of the directory). A key
 * is never overwritten. Private keys are loaded on first use and kept in memory; nothing about them
 * is ever logged.
 */
@Component(
        service = KeyCustody.class,
        configurationPid = SoftwareKeyCustody.PID,
        property = {
            "service.ranking:Integer=10",
            KeyCustody.NAME + "=software",
            KeyCustody.KIND + "=software",
            KeyCustody.ALGORITHMS + "=Ed25519",
            KeyCustody.ALGORITHMS + "=ECDSA-P256-SHA256",
            KeyCustody.ALGORITHMS + "=ML-DSA-87",
            KeyCustody.ALGORITHMS + "=X25519"
        })
@Designate(ocd = SoftwareKeyCustody.Config.class)
public final class SoftwareKeyCustody implements KeyCustody {

    public static final String PID = "io.aethercore.custody.software";

    @ObjectClassDefinition(
            name = "AetherCore software key custody",
            description = "Keys as PKCS#8 PEM files in a directory only the node's user can read.")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Custody name, unique on the node.")
        String name() default "software";

        @AttributeDefinition(name = "Key directory",
                description = "Empty: ${karaf.etc}/aethercore/keys (or ./etc/aethercore/keys outside Karaf).")
        String keys_dir() default "";

        @AttributeDefinition(name = "Passphrase environment variable",
                description = "Name of an environment variable holding the passphrase that encrypts keys at rest."
                        + " Unset or empty variable: keys are protected by file permissions only.")
        String passphrase_env() default "AETHERCORE_KEYSTORE_PASSPHRASE";

        @AttributeDefinition(name = "Passphrase file",
                description = "Path to a file (mode 0600 or 0400) holding the passphrase; wins over the variable."
                        + " Never put the passphrase itself into a .cfg file.")
        String passphrase_file() default "";

        @AttributeDefinition(name = "Service ranking")
        int service_ranking() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SoftwareKeyCustody.class);

    static final String SUFFIX = ".pem";
    static final int PBKDF2_ITERATIONS = 600_000;
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<KeyAlgorithm> ALGORITHMS =
            EnumSet.of(KeyAlgorithm.ED25519, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ML_DSA_87, KeyAlgorithm.X25519);

    private final String name;
    private final Path dir;
    private final char[] passphrase; // null: keys at rest are protected by file permissions only
    private final SecureRandom random;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private volatile Provider jce;

    private record Loaded(KeyHandle handle, SoftwareKeys.Pair pair) {}

    @Activate
    public SoftwareKeyCustody(Config config) throws KeyCustodyException {
        this(config.name(), keyDirectory(config.keys_dir()), passphrase(config), new SecureRandom());
        LOG.info("Software key custody '{}' at {} ({})", name, dir,
                passphrase == null ? "keys protected by file permissions only; set "
                        + config.passphrase_env() + " to encrypt them at rest" : "keys encrypted at rest");
    }

    static Path keyDirectory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String etc = System.getProperty("karaf.etc");
        return Path.of(etc == null ? "etc" : etc, "aethercore", "keys");
    }

    static char[] passphrase(Config config) throws KeyCustodyException {
        String file = config.passphrase_file();
        if (file != null && !file.isBlank()) {
            Path p = Path.of(file.trim());
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
                if (mode.stream().anyMatch(m -> m.name().startsWith("GROUP") || m.name().startsWith("OTHERS"))) {
                    throw new KeyCustodyException("passphrase file " + p + " is readable by others (mode "
                            + PosixFilePermissions.toString(mode) + "); chmod 600 it");
                }
                String text = Files.readString(p, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new KeyCustodyException("passphrase file " + p + " is empty");
                }
                return text.toCharArray();
            } catch (IOException e) {
                throw new KeyCustodyException("cannot read passphrase file " + p + ": " + e.getMessage(), e);
            }
        }
        String env = config.passphrase_env();
        String value = env == null || env.isBlank() ? null : System.getenv(env.trim());
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    /**
     * @param passphrase encrypts keys at rest when not {@code null}; copied
     * @throws CustodyUnavailableException if the directory cannot be created or locked down
     */
    public SoftwareKeyCustody(String name, Path dir, char[] passphrase, SecureRandom random)
            throws CustodyUnavailableException {
        this.name = name;
        this.dir = dir.toAbsolutePath();
        this.passphrase = passphrase == null ? null : passphrase.clone();
        this.random = random;
        prepareDirectory();
    }

    private void prepareDirectory() throws CustodyUnavailableException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (!mode.equals(DIR_MODE)) {
                Files.setPosixFilePermissions(dir, DIR_MODE);
                LOG.warn("Key directory {} was mode {}; set it to rwx------ (owner only)", dir,
                        PosixFilePermissions.toString(mode));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new CustodyUnavailableException("cannot prepare key directory " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CustodyKind kind() {
        return CustodyKind.SOFTWARE;
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    /** Whether keys written by this custody are encrypted at rest. */
    public boolean encryptsAtRest() {
        return passphrase != null;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public KeyHandle generate(KeyAlgorithm algorithm, String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("the software custody does not hold " + algorithm.id() + " keys");
        }
        return store(label, SoftwareKeys.generate(algorithm, random));
    }

    @Override
    public KeyHandle importPkcs8(String label, byte[] pkcs8) throws CryptoException {
        KeyCustody.checkLabel(label);
        SoftwareKeys.Pair pair = SoftwareKeys.fromPkcs8(pkcs8);
        if (!ALGORITHMS.contains(pair.algorithm())) {
            throw new MalformedKeyException("the software custody does not hold " + pair.algorithm().id() + " keys");
        }
        return store(label, pair);
    }

    private KeyHandle store(String label, SoftwareKeys.Pair pair) throws KeyCustodyException {
        synchronized (writeLock) {
            Path file = dir.resolve(label + SUFFIX);
            if (Files.exists(file) || cache.containsKey(label)) {
                throw new KeyExistsException(name, label);
            }
            byte[] pem;
            try {
                pem = encode(pair);
            } catch (IOException | OperatorCreationException e) {
                throw new KeyCustodyException("cannot encode the new key", e);
            }
            Path tmp = dir.resolve("." + label + ".tmp");
            try {
                Files.deleteIfExists(tmp);
                try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                    ByteBuffer buf = ByteBuffer.wrap(pem);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file);
                }
                fsyncDirectory();
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is retried and replaced by the next write
                }
                throw new CustodyUnavailableException("cannot write key '" + label + "' to " + dir + ": " + e.getMessage(), e);
            } finally {
                Arrays.fill(pem, (byte) 0);
            }
            KeyHandle handle = new KeyHandle(name, CustodyKind.SOFTWARE, label, pair.publicKey(), Instant.now());
            cache.put(label, new Loaded(handle, pair));
            LOG.info("Generated {} key '{}' in software custody '{}' ({}encrypted at rest), public key {}",
                    pair.algorithm().id(), label, name, passphrase == null ? "not " : "", pair.publicKey().fingerprint());
            return handle;
        }
    }

    private void fsyncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself is still atomic
        }
    }

    @Override
    public Optional<KeyHandle> find(String label) throws KeyCustodyException {
        KeyCustody.checkLabel(label);
        Loaded l = load(label);
        return l == null ? Optional.empty() : Optional.of(l.handle());
    }

    @Override
    public List<KeyHandle> list() throws KeyCustodyException {
        List<KeyHandle> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String fileName = f.getFileName().toString();
                String label = fileName.substring(0, fileName.length() - SUFFIX.length());
                try {
                    KeyCustody.checkLabel(label);
                } catch (IllegalArgumentException e) {
                    continue; // not ours
                }
                try {
                    Loaded l = load(label);
                    if (l != null) {
                        out.add(l.handle());
                    }
                } catch (KeyCustodyException e) {
                    LOG.warn("Skipping key file {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new CustodyUnavailableException("cannot list key directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(KeyHandle::label));
        return out;
    }

    @Override
    public byte[] sign(KeyHandle key, byte[] message) throws KeyCustodyException {
        SoftwareKeys.Pair pair = resolve(key).pair();
        if (pair.algorithm().purpose() != KeyAlgorithm.Purpose.SIGNATURE) {
            throw new IllegalArgumentException("key '" + key.label() + "' is " + pair.algorithm().id() + " and does not sign");
        }
        return SoftwareKeys.sign(pair, message, random);
    }

    @Override
    public byte[] agree(KeyHandle key, RawPublicKey peer) throws CryptoException {
        SoftwareKeys.Pair pair = resolve(key).pair();
        if (pair.algorithm() != KeyAlgorithm.X25519) {
            throw new IllegalArgumentException("key '" + key.label() + "' is " + pair.algorithm().id() + ", not X25519");
        }
        return BcKeyAgreement.x25519(
                ((org.bouncycastle.crypto.params.X25519PrivateKeyParameters) pair.privateKey()).getEncoded(), peer);
    }

    @Override
    public void delete(KeyHandle key) throws KeyCustodyException {
        synchronized (writeLock) {
            Loaded l = resolve(key);
            try {
                Files.delete(dir.resolve(key.label() + SUFFIX));
                fsyncDirectory();
            } catch (NoSuchFileException e) {
                // already gone on disk
            } catch (IOException e) {
                throw new CustodyUnavailableException("cannot delete key '" + key.label() + "': " + e.getMessage(), e);
            }
            cache.remove(key.label(), l);
            LOG.info("Deleted key '{}' from software custody '{}'", key.label(), name);
        }
    }

    private Loaded resolve(KeyHandle key) throws KeyCustodyException {
        if (key == null || !name.equals(key.custody())) {
            throw new KeyNotFoundException(name, key == null ? "null" : key.custody() + "/" + key.label());
        }
        Loaded l = load(key.label());
        if (l == null || !l.handle().publicKey().equals(key.publicKey())) {
            throw new KeyNotFoundException(name, key.label());
        }
        return l;
    }

    private Loaded load(String label) throws KeyCustodyException {
        Loaded l = cache.get(label);
        if (l != null) {
            return l;
        }
        Path file = dir.resolve(label + SUFFIX);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (!mode.equals(FILE_MODE)) {
                Files.setPosixFilePermissions(file, FILE_MODE);
                LOG.warn("Key file {} was mode {}; set it to rw------- (owner only)", file, PosixFilePermissions.toString(mode));
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            SoftwareKeys.Pair pair = decode(label, text);
            FileTime mtime = Files.getLastModifiedTime(file);
            KeyHandle handle = new KeyHandle(name, CustodyKind.SOFTWARE, label, pair.publicKey(), mtime.toInstant());
            Loaded loaded = new Loaded(handle, pair);
            Loaded prior = cache.putIfAbsent(label, loaded);
            return prior != null ? prior : loaded;
        } catch (IOException e) {
            throw new CustodyUnavailableException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] encode(SoftwareKeys.Pair pair) throws IOException, OperatorCreationException {
        byte[] der = SoftwareKeys.toPkcs8(pair);
        PemObject pem;
        if (passphrase == null) {
            pem = new PemObject("PRIVATE KEY", der);
        } else {
            JcePKCSPBEOutputEncryptorBuilder b = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(jce())
                    .setRandom(random)
                    .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                    .setIterationCount(PBKDF2_ITERATIONS);
            PKCS8EncryptedPrivateKeyInfo enc = new PKCS8EncryptedPrivateKeyInfoBuilder(
                    org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(der)).build(b.build(passphrase));
            pem = new PemObject("ENCRYPTED PRIVATE KEY", enc.getEncoded());
        }
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(pem);
        } finally {
            Arrays.fill(der, (byte) 0); // only now: the unencrypted PemObject holds this very array
        }
        return sw.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private SoftwareKeys.Pair decode(String label, String text) throws KeyCustodyException {
        PemObject pem;
        try (PemReader r = new PemReader(new StringReader(text))) {
            pem = r.readPemObject();
        } catch (IOException | RuntimeException e) {
            pem = null;
        }
        if (pem == null) {
            throw new KeyCustodyException("key file '" + label + SUFFIX + "' is not PEM");
        }
        byte[] der;
        switch (pem.getType()) {
            case "PRIVATE KEY" -> der = pem.getContent();
            case "ENCRYPTED PRIVATE KEY" -> {
                if (passphrase == null) {
                    throw new KeyCustodyException("key '" + label + "' is encrypted and no passphrase is configured"
                            + " (set the passphrase environment variable or file of the software custody)");
                }
                try {
                    der = new PKCS8EncryptedPrivateKeyInfo(pem.getContent())
                            .decryptPrivateKeyInfo(new JcePKCSPBEInputDecryptorProviderBuilder()
                                    .setProvider(jce()).build(passphrase))
                            .getEncoded("DER");
                } catch (PKCSException | IOException | RuntimeException e) {
                    throw new KeyCustodyException("cannot decrypt key '" + label + "': wrong passphrase or damaged file");
                }
            }
            default -> throw new KeyCustodyException("key file '" + label + SUFFIX + "' holds a " + pem.getType()
                    + ", not a PRIVATE KEY");
        }
        try {
            return SoftwareKeys.fromPkcs8(der);
        } catch (MalformedKeyException e) {
            throw new KeyCustodyException("key file '" + label + SUFFIX + "': " + e.getMessage());
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private Provider jce() {
        Provider p = jce;
        if (p == null) {
            p = new BouncyCastleProvider(); // a private instance; never installed JVM-wide
            jce = p;
        }
        return p;
    }

    /** Forgets the in-memory copies of the keys and the passphrase. */
    @Deactivate
    public void close() {
        cache.clear();
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
    }

    @Override
    public String toString() {
        return "KeyCustody[" + name + ", software, " + dir + "]";
    }
}
