package io.aethercore.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.api.merkle.MerkleVine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The Merkle Vine in our distribution: the default log survives a bundle update and a hash provider swap. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MerkleVineIT extends AetherCoreTestSupport {

    @Configuration
    public Option[] config() {
        return containerOptions(aethercoreDistribution(), "AetherCore");
    }

    private MerkleLog defaultLog() throws Exception {
        return waitForService(MerkleLog.class, "(aethercore.merkle.name=default)", 30_000);
    }

    /** Append, update the merkle bundle, find the log intact. */
    @Test
    public void logIsIntactAfterBundleUpdate() throws Exception {
        MerkleLog log = defaultLog();
        long before = log.size();
        for (int i = 0; i < 500; i++) {
            log.append(("before-update-" + i).getBytes(StandardCharsets.UTF_8));
        }
        long size = log.size();
        byte[] root = log.root();
        assertEquals(before + 500, size);

        Bundle merkle = bundle("io.aethercore.merkle");
        executeCommand("bundle:update " + merkle.getBundleId());
        waitUntil("the log is back with its entries", 30_000, () -> {
            MerkleVine vine = waitForService(MerkleVine.class, null, 30_000);
            return vine.log("default").map(l -> l.size() == size).orElse(false);
        });
        MerkleLog reopened = waitForService(MerkleVine.class, null, 30_000).log("default").orElseThrow();
        assertEquals(size, reopened.size());
        assertArrayEquals(root, reopened.root());
        assertEquals("before-update-499", new String(reopened.entry(size - 1), StandardCharsets.UTF_8));
        InclusionProof p = reopened.inclusionProof(size - 250, size);
        MerkleProofs.verifyInclusion(reopened.hasher(), reopened.leafHash(size - 250), p, root);

        String status = executeCommand("aether:vine-status");
        assertTrue(status, status.contains("default") && status.contains(Long.toString(size)));
        String prove = executeCommand("aether:vine-prove --log default " + (size - 1));
        assertTrue(prove, prove.contains("[VERIFIED] entry " + (size - 1)));
        String checkpoint = executeCommand("aether:vine-checkpoint --log default");
        assertTrue(checkpoint, checkpoint.contains("[VERIFIED] signature by"));
    }

    /** Swapping the hash provider during appends leaves every root unchanged. */
    @Test
    public void rootsAreUnchangedWhenTheHashProviderSwapsDuringAppends() throws Exception {
        MerkleLog log = defaultLog();
        HashService bc = waitForService(HashService.class, "(aethercore.provider=bouncycastle)", 30_000);
        Bundle nativeBundle = bundle("io.aethercore.crypto.blake3.native");
        long start = log.size();
        List<byte[]> leaves = new ArrayList<>();
        for (long i = 0; i < start; i++) {
            leaves.add(log.leafHash(i));
        }
        MerkleHasher reference = MerkleHasher.of(bc, HashAlgorithm.BLAKE3);
        for (int i = 0; i < 3_000; i++) {
            if (i == 1_000) {
                nativeBundle.stop();
            } else if (i == 2_000) {
                nativeBundle.start();
            }
            byte[] entry = ("swap-" + i).getBytes(StandardCharsets.UTF_8);
            log.append(entry);
            leaves.add(reference.leafHash(entry));
        }
        assertEquals(Bundle.ACTIVE, nativeBundle.getState());
        assertArrayEquals("root computed by the log = root of a pure-Java reference tree",
                mth(reference, leaves, 0, leaves.size()), log.root());
        for (int i = 1; i <= 3; i++) {
            long n = start + i * 1_000L;
            assertArrayEquals("root at " + n, mth(reference, leaves, 0, (int) n), log.rootAt(n));
        }
    }

    /** RFC 6962 MTH over leaf hashes, straight from the definition. */
    private static byte[] mth(MerkleHasher h, List<byte[]> leaves, int start, int end) {
        int n = end - start;
        if (n == 1) {
            return leaves.get(start);
        }
        int k = Integer.highestOneBit(n - 1);
        return h.nodeHash(mth(h, leaves, start, start + k), mth(h, leaves, start + k, end));
    }
}
