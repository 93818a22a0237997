package io.aethercore.benchmarks;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditReceipt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * {@code AuditLog.record} end to end: sign the record through the custody, group-commit it to the
 * record store and the Merkle log (both synced), sign the batch's checkpoint, build the receipt's
 * inclusion proof. Throughput and latency distribution (SampleTime: p50, p99); run with {@code -t 1}
 * and {@code -t 8} for 1 and 8 synchronous writers. The pipelined writers (records in flight per
 * writer) are {@link AuditThroughput}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class AuditRecordBench {

    @Param({"software", "pkcs11"})
    public String custody;

    private AuditFixtureBench fixture;
    private final AtomicLong n = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new AuditFixtureBench(custody);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.println("\n[audit] records in the log after the trial: " + fixture.engine.size());
        fixture.close();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public AuditReceipt record() throws Exception {
        return fixture.engine.record(AuditEvent.of("operator-alice", "ConfigUpdate", "mesh.quorum_size=" + n.incrementAndGet()));
    }
}
