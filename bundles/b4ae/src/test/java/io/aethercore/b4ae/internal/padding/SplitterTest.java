package io.aethercore.b4ae.internal.padding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitterTest {

    private static final long SECOND = 1_000_000_000L;

    private static Reassembler reassembler() {
        return new Reassembler(1 << 20, 1024, 8, 4 << 20, 10 * SECOND);
    }

    @Test
    void roundTripsInAnyOrderAndEveryFragmentFitsTheMaxBucket() throws Exception {
        Splitter s = new Splitter(16384 - 4);
        Padme padme = Padme.defaults();
        SplittableRandom r = new SplittableRandom(1);
        for (int len : new int[] {0, 1, 16367, 16368, 16369, 40_000, 100_000, 1 << 20}) {
            byte[] msg = new byte[len];
            for (int i = 0; i < len; i++) {
                msg[i] = (byte) r.nextInt();
            }
            List<byte[]> frags = new ArrayList<>(s.split(len, msg));
            assertEquals(s.fragmentCount(len), frags.size());
            for (byte[] f : frags) {
                assertTrue(f.length + 4 <= 16384);
                padme.applyAsInt(f.length + 4);
            }
            Collections.shuffle(frags, new Random(len));
            Reassembler re = reassembler();
            byte[] out = null;
            for (int i = 0; i < frags.size(); i++) {
                out = re.accept(frags.get(i), 0);
                if (i < frags.size() - 1) {
                    assertNull(out);
                }
            }
            assertArrayEquals(msg, out, "len " + len);
            assertEquals(0, re.pendingMessages());
            assertEquals(0, re.pendingBytes());
        }
    }

    @Test
    void duplicatesAreIgnored() throws Exception {
        Splitter s = new Splitter(100);
        byte[] msg = new byte[500];
        new Random(2).nextBytes(msg);
        List<byte[]> f = s.split(7, msg);
        Reassembler re = reassembler();
        assertNull(re.accept(f.get(0), 0));
        assertNull(re.accept(f.get(0), 0));
        byte[] out = null;
        for (int i = 1; i < f.size(); i++) {
            out = re.accept(f.get(i), 0);
        }
        assertArrayEquals(msg, out);
    }

    private static byte[] frag(int id, int index, int count, int total, int dataLen) {
        return ByteBuffer.allocate(Splitter.HEADER_BYTES + dataLen).putInt(id).putShort((short) index)
                .putShort((short) count).putInt(total).array();
    }

    @Test
    void hostileHeadersAreRefusedWithAReason() throws Exception {
        Reassembler re = reassembler();
        assertEquals("fragment-header", assertThrows(FragmentException.class, () -> re.accept(new byte[5], 0)).reason());
        assertEquals("fragment-header", assertThrows(FragmentException.class, () -> re.accept(frag(1, 3, 3, 10, 1), 0)).reason());
        assertEquals("fragment-header", assertThrows(FragmentException.class, () -> re.accept(frag(1, 0, 0, 10, 1), 0)).reason());
        assertEquals("fragment-limits", assertThrows(FragmentException.class, () -> re.accept(frag(1, 0, 2, Integer.MAX_VALUE, 1), 0)).reason());
        assertEquals("fragment-limits", assertThrows(FragmentException.class, () -> re.accept(frag(1, 0, 5000, 10, 1), 0)).reason());
        assertEquals("fragment-header", assertThrows(FragmentException.class, () -> re.accept(frag(1, 0, 1, 10, 5), 0)).reason());
        assertEquals("fragment-header", assertThrows(FragmentException.class, () -> re.accept(frag(1, 0, 2, 4, 5), 0)).reason());
        // header changes between fragments of one message
        assertNull(re.accept(frag(2, 0, 3, 30, 10), 0));
        assertThrows(FragmentException.class, () -> re.accept(frag(2, 1, 4, 30, 10), 0));
        assertEquals(0, re.pendingMessages(), "the inconsistent message is discarded");
        // fragment sizes that cannot add up
        assertNull(re.accept(frag(3, 0, 3, 30, 10), 0));
        assertThrows(FragmentException.class, () -> re.accept(frag(3, 1, 3, 30, 9), 0));
        assertThrows(FragmentException.class, () -> re.accept(frag(4, 0, 2, 30, 10), 0), "2 x 10 < 30");
        assertNull(re.accept(frag(5, 0, 2, 30, 20), 0));
        assertThrows(FragmentException.class, () -> re.accept(frag(5, 1, 2, 30, 20), 0), "20 + 20 > 30");
        assertEquals(0, re.pendingBytes());
    }

    @Test
    void memoryStaysBoundedAndStaleMessagesExpire() throws Exception {
        Reassembler re = new Reassembler(1 << 20, 1024, 4, 64 * 1024, SECOND);
        for (int id = 0; id < 1000; id++) {
            assertNull(re.accept(frag(id, 0, 4, 40_000, 10_000), 0));
            assertTrue(re.pendingMessages() <= 4);
            assertTrue(re.pendingBytes() <= 64 * 1024);
        }
        assertTrue(re.evicted() >= 990);
        assertNull(re.accept(frag(5000, 0, 2, 20, 10), 2 * SECOND));
        assertEquals(1, re.pendingMessages(), "older ones expired");
        assertEquals("fragment-limits", assertThrows(FragmentException.class,
                () -> re.accept(frag(6000, 0, 100, 1 << 20, 10), 2 * SECOND)).reason());
    }

    @Test
    void randomBytesNeverCrashIt() {
        Reassembler re = reassembler();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) r.nextInt();
            }
            if (b.length >= 8 && r.nextBoolean()) {
                b[4] = 0; b[6] = 0; b[7] = (byte) (1 + r.nextInt(4)); b[5] = (byte) r.nextInt(4);
            }
            try {
                re.accept(b, i);
            } catch (FragmentException expected) {
                assertTrue(expected.reason().startsWith("fragment-"));
            }
            assertTrue(re.pendingMessages() <= 8);
        }
    }
}
