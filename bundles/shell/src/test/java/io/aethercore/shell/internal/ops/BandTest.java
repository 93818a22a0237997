package io.aethercore.shell.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.crypto.internal.BcHashing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The playbook's Step 1.2 bands, and the bench on a real provider (no time is asserted). */
class BandTest {

    @Test
    void verdictsFollowThePlaybookTable() {
        assertEquals(Band.Verdict.TARGET, Band.BLAKE3_1MB.verdict(2500));
        assertEquals(Band.Verdict.ACCEPTABLE, Band.BLAKE3_1MB.verdict(1500));
        assertEquals(Band.Verdict.MARGINAL, Band.BLAKE3_1MB.verdict(700));
        assertEquals(Band.Verdict.FAILURE, Band.BLAKE3_1MB.verdict(280));
        assertEquals(Band.Verdict.TARGET, Band.SIGN.verdict(27e3));
        assertEquals(Band.Verdict.ACCEPTABLE, Band.SIGN.verdict(70e6));
        assertEquals(Band.Verdict.MARGINAL, Band.SIGN.verdict(150e6));
        assertEquals(Band.Verdict.FAILURE, Band.SIGN.verdict(201e6));
        assertEquals(Band.Verdict.FAILURE, Band.VERIFY.verdict(11e6));
        assertEquals(Band.Verdict.ACCEPTABLE, Band.MERKLE_APPEND.verdict(20e3));
        assertEquals(Band.Verdict.FAILURE, Band.MERKLE_APPEND.verdict(150e3));
        assertEquals("> 2 GB/s | > 1 GB/s | < 500 MB/s", Band.BLAKE3_1MB.limits());
        assertEquals("< 50 ms | < 100 ms | > 200 ms", Band.SIGN.limits());
        assertEquals("< 10 µs | < 50 µs | > 100 µs", Band.MERKLE_APPEND.limits());
        assertEquals("FAIL", Band.Verdict.FAILURE.status());
        assertEquals("WARN", Band.Verdict.MARGINAL.status());
    }

    @Test
    void benchMeasuresARealProviderAndSaysWhatIsMissing() {
        Bench bench = new Bench(80);
        Bench.Row row = bench.blake3(new BcHashing());
        assertTrue(row.measured(), row.error());
        assertTrue(row.operations() >= 3 && row.value() > 0, row.toString());
        assertEquals("bouncycastle", row.provider());
        Bench.Row sign = bench.sign(null);
        assertEquals("WARN", sign.status());
        List<String> table = Bench.table(List.of(row, sign));
        assertTrue(table.get(0).startsWith("Operation"), table.toString());
        assertTrue(table.get(2).contains("WARN (not measured)") && table.get(2).contains("no node key service"), table.toString());
        assertEquals(HashAlgorithm.BLAKE3, HashAlgorithm.fromId("BLAKE3"));
    }
}
