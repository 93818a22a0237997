package io.aethercore.b4ae.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation's state files are read strictly: bad content is an error naming file and line, and stays as it is. */
class RotationStateFilesTest {

    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void generationFileRoundTripsAndStartsAtZero() {
        Path f = KeyGeneration.file(dir, "n1");
        KeyGeneration first = KeyGeneration.loadOrStart(f, T);
        assertEquals(new KeyGeneration(0, T, null), first);
        assertTrue(Files.exists(f), "the first start persists generation 0 and its time");
        assertEquals(first, KeyGeneration.loadOrStart(f, T.plusSeconds(99)), "the age counts from the first start");
        KeyGeneration next = first.next(T.plusSeconds(5), T.plusSeconds(10));
        next.save(f);
        assertEquals(next, KeyGeneration.loadOrStart(f, T));
        assertEquals("b4ae-x25519", KeyGeneration.label("b4ae-x25519", 0));
        assertEquals("b4ae-x25519-g7", KeyGeneration.label("b4ae-x25519", 7));
    }

    @Test
    void badGenerationFilesAreRefusedAndLeftAsTheyAre() throws Exception {
        List<String> bad = List.of(
                "created=2026-03-01T10:00:00Z\n",                                      // no generation
                "generation=1\n",                                                      // no created
                "generation=1\ngeneration=2\ncreated=2026-03-01T10:00:00Z\n",         // twice
                "generation=1\ncreated=2026-03-01T10:00:00Z\ncolour=blue\n",          // unknown key
                "generation=one\ncreated=2026-03-01T10:00:00Z\n",
                "generation=-1\ncreated=2026-03-01T10:00:00Z\n",
                "generation=1\ncreated=yesterday\n",
                "generation=0\ncreated=2026-03-01T10:00:00Z\nprevious_until=2026-03-08T10:00:00Z\n",
                "generation 1\ncreated=2026-03-01T10:00:00Z\n");
        Path f = KeyGeneration.file(dir, "n2");
        for (String content : bad) {
            Files.writeString(f, content);
            StateFiles.BadStateFile e = assertThrows(StateFiles.BadStateFile.class,
                    () -> KeyGeneration.loadOrStart(f, T), content);
            assertTrue(e.getMessage().contains("key-generation-n2.txt"), e.getMessage());
            assertEquals(content, Files.readString(f), "nothing is lost");
        }
    }

    @Test
    void learnedKeysRoundTripAndBadLinesAreRefused() throws Exception {
        Path f = LearnedKeys.file(dir, "bob");
        LearnedKeys k = LearnedKeys.load(f);
        StaticKeys alice = Nodes.keys("alice");
        k.put(new LearnedKeys.Learned("alice", 2, T, alice.x25519(), alice.mldsa()));
        LearnedKeys again = LearnedKeys.load(f);
        assertEquals(2, again.get("alice").generation());
        assertEquals(alice.mldsa(), again.get("alice").mldsa());
        assertEquals(T, again.get("alice").validFrom());

        String x = Base64.getEncoder().encodeToString(alice.x25519().encoded());
        String m = Base64.getEncoder().encodeToString(alice.mldsa().toSpki());
        List<String> bad = List.of(
                "alice 2 " + T + " " + x + "\n",                                       // 4 fields
                "alice 2 " + T + " " + x + " " + m + " extra\n",
                "alice  2 " + T + " " + x + " " + m + "\n",                            // two spaces
                "alice 0 " + T + " " + x + " " + m + "\n",                             // generation 0
                "alice two " + T + " " + x + " " + m + "\n",
                "alice 2 later " + x + " " + m + "\n",
                "alice 2 " + T + " !!! " + m + "\n",                                   // not base64
                "alice 2 " + T + " " + x + " " + x + "\n",                             // not an SPKI
                "alice 2 " + T + " " + m + " " + m + "\n",                             // not an X25519 key
                "alice 2 " + T + " " + x + " " + m + "\nalice 3 " + T + " " + x + " " + m + "\n");
        for (String content : bad) {
            Files.writeString(f, content);
            StateFiles.BadStateFile e = assertThrows(StateFiles.BadStateFile.class, () -> LearnedKeys.load(f), content);
            assertTrue(e.getMessage().contains("learned-keys-bob.txt:"), e.getMessage());
            assertArrayEquals(content.getBytes(), Files.readAllBytes(f), "nothing is lost");
        }
        String[] problem = new String[1];
        assertNull(LearnedKeys.loadOrExplain(f, problem));
        assertTrue(problem[0].contains("listed twice"), problem[0]);
    }

    @Test
    void learnedKeysArePinnedOnlyForKnownPeersAndForgottenWithThem() throws Exception {
        Path f = LearnedKeys.file(dir, "carol");
        LearnedKeys k = LearnedKeys.load(f);
        StaticKeys alice = Nodes.keys("alice");
        k.put(new LearnedKeys.Learned("alice", 1, T, alice.x25519(), alice.mldsa()));
        PinnedTrustStore trust = Nodes.trust();
        assertEquals(0, k.applyTo(trust), "alice is not a peer here");
        Nodes.pin(trust, "alice", null);
        assertEquals(1, k.applyTo(trust));
        assertTrue(k.forget("alice", trust));
        assertTrue(trust.keys("alice").stream().noneMatch(p -> p.validFrom().equals(T)));
        assertNull(LearnedKeys.load(f).get("alice"));
        assertEquals(KeyAlgorithm.X25519, alice.x25519().algorithm());
    }
}
