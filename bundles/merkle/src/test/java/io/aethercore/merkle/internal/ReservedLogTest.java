package io.aethercore.merkle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A log reserved for one writer: the service refuses appends, the writer's one claim appends. */
class ReservedLogTest {

    @Test
    void onlyTheClaimedWriterAppends() throws Exception {
        VineLog vine = MerkleTestSupport.open("audit", HashAlgorithm.SHA_256, null, Durability.ASYNC);
        ReservedLog service = new ReservedLog(vine, "audit");
        assertEquals("audit", service.writer());

        MerkleLogException e = assertThrows(MerkleLogException.class, () -> service.append(MerkleTestSupport.utf8("x")));
        assertTrue(e.getMessage().contains("written only by its writer 'audit'"), e.getMessage());
        assertThrows(MerkleLogException.class, () -> service.append(MerkleTestSupport.utf8("x"), Durability.SYNC));
        ExecutionException async = assertThrows(ExecutionException.class,
                () -> service.appendAsync(MerkleTestSupport.utf8("x")).get());
        assertTrue(async.getCause() instanceof MerkleLogException);
        assertEquals(0, vine.size());

        assertThrows(MerkleLogException.class, () -> service.claimWriter("someone-else"));
        MerkleLog claim = service.claimWriter("audit");
        assertThrows(MerkleLogException.class, () -> service.claimWriter("audit"), "one claim at a time");
        assertEquals(0, claim.append(MerkleTestSupport.utf8("a")));
        assertEquals(1, claim.appendAsync(MerkleTestSupport.utf8("b")).get());
        assertEquals(2, service.size());
        assertArrayEquals(vine.root(), service.root());
        assertArrayEquals(vine.leafHash(1), claim.leafHash(1));

        service.releaseWriter(claim);
        assertThrows(MerkleLogException.class, () -> claim.append(MerkleTestSupport.utf8("c")), "released");
        MerkleLog again = service.claimWriter("audit");
        assertEquals(2, again.append(MerkleTestSupport.utf8("c")));
        vine.close();
    }

    @Test
    void anUnreservedLogCannotBeClaimed() throws Exception {
        VineLog vine = MerkleTestSupport.open("free", HashAlgorithm.SHA_256, null, Durability.ASYNC);
        assertEquals("", vine.writer());
        assertThrows(MerkleLogException.class, () -> vine.claimWriter("audit"));
        vine.close();
    }
}
