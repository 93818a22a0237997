package io.aethercore.benchmarks;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.hsm.internal.Pkcs11KeyCustody;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Signing through the PKCS#11 custody against SoftHSM2, and the same signature through a bare
 * ipkcs11wrapper call (one session, the same key object, SHA-256 in Java for P-256 as the custody
 * does): the difference is the custody's own cost (pool, lock, handle check, length check).
 *
 * <p>Needs SoftHSM2 and {@code SOFTHSM2_CONF} pointing at a file this benchmark may overwrite (it
 * writes a config with a fresh token directory there): {@code SOFTHSM2_CONF=/tmp/x.conf java -jar
 * benchmarks.jar HsmSign}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HsmSignBench {

    static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    static final String PIN = "bench-1234";

    @Param({"ED25519", "ECDSA_P256"})
    public String algorithm;

    private Path dir;
    private Pkcs11KeyCustody custody;
    private KeyHandle key;
    private Session raw;
    private long rawKey;
    private Mechanism mechanism;
    private boolean hash;
    private final byte[] message = "AetherCore HSM benchmark message, 64 bytes long ...............".getBytes(StandardCharsets.UTF_8);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("set SOFTHSM2_CONF to a file this benchmark may write");
        }
        dir = Files.createTempDirectory("aethercore-bench-hsm-");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String label = "bench-" + ProcessHandle.current().pid();
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "12345678",
                "--pin", PIN).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util --init-token failed (apt-get install softhsm2)");
        }
        KeyAlgorithm a = KeyAlgorithm.valueOf(algorithm);
        custody = new Pkcs11KeyCustody(null, LIBRARY, label, PIN.toCharArray(), 4, Duration.ofSeconds(5));
        key = custody.generate(a, "bench");

        // the raw path: its own module object on the same (already initialised) library, one session
        PKCS11Module module = PKCS11Module.getInstance(LIBRARY);
        try {
            module.initialize();
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw e;
            }
        }
        Token token = null;
        for (Slot s : module.getSlotList(true)) {
            if (s.getToken().getTokenInfo().getLabel().strip().equals(label)) {
                token = s.getToken();
            }
        }
        raw = token.openSession(true);
        try {
            raw.login(PKCS11Constants.CKU_USER, PIN.toCharArray());
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN) {
                throw e;
            }
        }
        long[] found = raw.findObjectsSingle(new AttributeVector().class_(PKCS11Constants.CKO_PRIVATE_KEY).label("bench"), 2);
        rawKey = found[0];
        hash = a == KeyAlgorithm.ECDSA_P256;
        mechanism = new Mechanism(hash ? PKCS11Constants.CKM_ECDSA : PKCS11Constants.CKM_EDDSA);
    }

    @Benchmark
    public byte[] custodySign() throws Exception {
        return custody.sign(key, message);
    }

    @Benchmark
    public byte[] rawWrapperSign() throws Exception {
        byte[] input = hash ? MessageDigest.getInstance("SHA-256").digest(message) : message;
        return raw.signSingle(mechanism, rawKey, input);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            raw.closeSession();
        } catch (PKCS11Exception e) {
            // closed with the library
        }
        custody.close();
        BenchData.deleteTree(dir);
    }
}
