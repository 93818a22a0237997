package io.aethercore.mesh.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aethercore.mesh.wire.MeshMessage.Directory;
import io.aethercore.mesh.wire.MeshMessage.DirectoryEntry;
import io.aethercore.mesh.wire.MeshMessage.EnrolHello;
import io.aethercore.mesh.wire.MeshMessage.Heartbeat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mesh messages round-trip, and hostile bytes get a WireException, never anything else. */
class MeshCodecTest {

    @Test
    void messagesRoundTrip() throws Exception {
        EnrolHello h = new EnrolHello(new byte[16], "unit-alpha-7", EnrolHello.KIND_TPM, new byte[] {1, 2}, new byte[0],
                new byte[] {3}, new byte[] {4}, new byte[32], new byte[] {5}, "10.0.0.7:4000");
        byte[] bytes = MeshCodec.encode(h);
        EnrolHello back = (EnrolHello) MeshCodec.decode(bytes);
        assertEquals("unit-alpha-7", back.nodeId());
        assertArrayEquals(bytes, MeshCodec.encode(back));
        Directory d = new Directory(7, 20, 16, List.of(new DirectoryEntry(new byte[100], 1, 2, "PCR 7 differs", "")));
        Directory d2 = (Directory) MeshCodec.decode(MeshCodec.encode(d));
        assertEquals(20, d2.total());
        assertEquals("PCR 7 differs", d2.entries().get(0).failure());
        Heartbeat hb = (Heartbeat) MeshCodec.decode(MeshCodec.encode(new Heartbeat("n", 1, 2, 3)));
        assertEquals(3, hb.sentAtMillis());
    }

    @Test
    void truncatedTrailingOversizedAndUnknownAreRefused() {
        byte[] ok = MeshCodec.encode(new Heartbeat("node", 1, 2, 3));
        for (int n = 0; n < ok.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(ok, n);
            assertThrows(WireException.class, () -> MeshCodec.decode(cut), "truncated at " + n);
        }
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(WireException.class, () -> MeshCodec.decode(longer));
        assertThrows(WireException.class, () -> MeshCodec.decode(new byte[] {0x7f, 1}));
        assertThrows(WireException.class, () -> MeshCodec.decode(new byte[] {0x10, 9}), "another version");
        byte[] control = MeshCodec.encode(new Heartbeat("no\u0007de", 1, 2, 3));
        assertThrows(WireException.class, () -> MeshCodec.decode(control), "control characters in a NodeID");
    }

    @Test
    void randomBytesNeverThrowAnythingButWireException() {
        Random r = new Random(42);
        int[] types = {0x01, 0x02, 0x03, 0x04, 0x10, 0x20, 0x21, 0x30, 0x31};
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            if (b.length >= 2) {
                b[0] = (byte) types[r.nextInt(types.length)];
                b[1] = 1;
            }
            try {
                MeshCodec.decode(b);
            } catch (WireException expected) {
                // the only failure allowed
            }
        }
    }
}
