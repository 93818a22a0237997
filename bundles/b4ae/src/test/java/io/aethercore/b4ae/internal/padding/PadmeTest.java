package io.aethercore.b4ae.internal.padding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PadmeTest {

    /** The paper's definition written a second way (BigInteger bit lengths), to check the bit tricks. */
    private static long reference(long l) {
        if (l < 2) {
            return l;
        }
        int e = BigInteger.valueOf(l).bitLength() - 1;
        int s = BigInteger.valueOf(e).bitLength();
        BigInteger unit = BigInteger.ONE.shiftLeft(e - s);
        BigInteger[] qr = BigInteger.valueOf(l).divideAndRemainder(unit);
        BigInteger q = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return q.multiply(unit).longValueExact();
    }

    @Test
    void fixedVectors() {
        long[][] vectors = {
            {0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {7, 7}, {8, 8}, {9, 10}, {10, 10}, {11, 12},
            {17, 18}, {100, 104}, {255, 256}, {1000, 1024}, {1025, 1088}, {1500, 1536}, {4097, 4352},
            {10_000, 10_240}, {1_000_000, 1_015_808}, {(1L << 40) + 1, (1L << 40) + (1L << 34)},
        };
        for (long[] v : vectors) {
            assertEquals(v[1], Padme.padme(v[0]), "padme(" + v[0] + ")");
            assertEquals(v[1], reference(v[0]), "reference(" + v[0] + ")");
        }
    }

    @Test
    void agreesWithTheDefinitionEverywhereBelowOneMebibyteAndOnRandomLargeLengths() {
        for (long l = 0; l <= (1 << 20); l++) {
            assertEquals(reference(l), Padme.padme(l), "L=" + l);
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        for (int i = 0; i < 100_000; i++) {
            long l = r.nextLong(1L << 60);
            assertEquals(reference(l), Padme.padme(l), "L=" + l);
        }
    }

    @Test
    void overheadIsAtMostTwelvePercentAndNeverNegative() {
        double worst = 0;
        for (long l = 1; l <= (1 << 22); l++) {
            long p = Padme.padme(l);
            assertTrue(p >= l);
            double o = Padme.overhead(l);
            worst = Math.max(worst, o);
        }
        assertTrue(worst <= 0.12, "worst overhead " + worst);
        assertEquals(15.0 / 129, worst, 1e-12, "the worst case is L=129 -> 144");
    }

    @Test
    void leakageIsLogLog() {
        // Within one order of magnitude [2^E, 2^(E+1)) PADME has 2^S <= 2E outputs, i.e. at most 1 + log2(E)
        // bits beyond E itself: O(log log L) in total.
        for (int e = 1; e <= 40; e++) {
            int s = 32 - Integer.numberOfLeadingZeros(e);
            long step = 1L << (e - s);
            Set<Long> outputs = new HashSet<>();
            for (long l = 1L << e; l < 1L << (e + 1); l += step) {
                outputs.add(Padme.padme(l));
                outputs.add(Padme.padme(l + 1 < 1L << (e + 1) ? l + 1 : l));
            }
            long expected = 1L << s;
            // the top value of the range rounds up to 2^(E+1), which belongs to the next class
            assertTrue(outputs.size() <= expected + 1, "E=" + e + " outputs=" + outputs.size());
            assertTrue(expected <= 2L * e, "E=" + e);
        }
        // Exhaustively up to 2^16: the number of distinct padded sizes grows like log L * log L, far below L.
        Set<Long> all = new HashSet<>();
        for (long l = 2; l < 1 << 16; l++) {
            all.add(Padme.padme(l));
        }
        assertTrue(all.size() < 16 * 16, "distinct sizes " + all.size());
    }

    @Test
    void clampsToBuckets() {
        Padme p = Padme.defaults();
        assertEquals(1024, p.applyAsInt(0));
        assertEquals(1024, p.applyAsInt(1));
        assertEquals(1024, p.applyAsInt(1000));
        assertEquals(1024, p.applyAsInt(1024));
        assertEquals(1088, p.applyAsInt(1025));
        assertEquals(16384, p.applyAsInt(16000));
        assertEquals(16384, p.applyAsInt(16384));
        assertThrows(IllegalArgumentException.class, () -> p.applyAsInt(16385));
        assertThrows(IllegalArgumentException.class, () -> p.applyAsInt(-1));
        Padme odd = new Padme(100, 1000);
        assertEquals(1000, odd.applyAsInt(999), "a max that is no PADME value still bounds the record");
        assertThrows(IllegalArgumentException.class, () -> new Padme(2000, 1000));
        assertThrows(IllegalArgumentException.class, () -> new Padme(0, 1000));
    }

    @Test
    void clampedDistinctSizesAreFew() {
        Padme p = Padme.defaults();
        Set<Integer> sizes = new HashSet<>();
        for (int l = 0; l <= 16384; l++) {
            int s = p.applyAsInt(l);
            assertTrue(s >= l && s >= 1024 && s <= 16384);
            sizes.add(s);
        }
        // 1024..16384: E = 10..13 have S = 4, 16 sizes each, plus 16384 itself
        assertEquals(65, sizes.size());
    }
}
