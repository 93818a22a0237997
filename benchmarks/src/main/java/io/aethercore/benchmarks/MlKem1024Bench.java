package io.aethercore.benchmarks;

import io.aethercore.api.crypto.Encapsulation;
import io.aethercore.api.crypto.KemKeyPair;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.crypto.internal.BcKem;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** ML-KEM-1024 through {@code BcKem}: key generation, encapsulation (with the FIPS 203 key check), decapsulation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MlKem1024Bench {

    private final KemService kem = new BcKem();
    private KemKeyPair pair;
    private byte[] ciphertext;

    @Setup
    public void setUp() throws Exception {
        pair = kem.generate(KeyAlgorithm.ML_KEM_1024);
        Encapsulation e = kem.encapsulate(pair.publicKey());
        ciphertext = e.ciphertext();
        if (!Arrays.equals(e.sharedSecret(), pair.decapsulate(ciphertext))) {
            throw new IllegalStateException("ML-KEM-1024 round trip failed");
        }
    }

    @Benchmark
    public void keygen(Blackhole bh) {
        bh.consume(kem.generate(KeyAlgorithm.ML_KEM_1024));
    }

    @Benchmark
    public void encapsulate(Blackhole bh) throws Exception {
        bh.consume(kem.encapsulate(pair.publicKey()));
    }

    @Benchmark
    public void decapsulate(Blackhole bh) throws Exception {
        bh.consume(pair.decapsulate(ciphertext));
    }
}
