package io.aethercore.b4ae.internal;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sender indices of this node (§3) and what each names (wireguard-go's {@code indextable}): initiator
 * handshakes in progress, responder handshakes waiting for FINISH, finished Mode B initiations kept for
 * retransmission, keys waiting for confirmation, and confirmed keypairs. A new index is unused in all five.
 */
final class IndexTable {

    private final Map<Integer, PendingInit> inits = new ConcurrentHashMap<>();
    private final Map<Integer, PendingResp> resps = new ConcurrentHashMap<>();
    private final Map<Integer, Finished> finished = new ConcurrentHashMap<>();
    private final Map<Integer, Unconfirmed> unconfirmed = new ConcurrentHashMap<>();
    private final Map<Integer, Keypair> keypairs = new ConcurrentHashMap<>();

    /** A random non-zero index used nowhere in this table. */
    int newIndex(SecureRandom random) {
        while (true) {
            int i = random.nextInt();
            if (i != 0 && !inits.containsKey(i) && !resps.containsKey(i) && !keypairs.containsKey(i)
                    && !unconfirmed.containsKey(i) && !finished.containsKey(i)) {
                return i;
            }
        }
    }

    // ---- initiator handshakes

    PendingInit init(int index) { return inits.get(index); }
    void putInit(int index, PendingInit p) { inits.put(index, p); }
    void removeInit(int index) { inits.remove(index); }
    void removeInit(PendingInit p) { inits.values().removeIf(v -> v == p); }
    List<PendingInit> inits() { return List.copyOf(inits.values()); }

    /** Removes every initiator handshake and returns them. */
    List<PendingInit> drainInits() {
        List<PendingInit> all = List.copyOf(inits.values());
        inits.clear();
        return all;
    }

    // ---- responder handshakes (Mode B, waiting for FINISH)

    PendingResp resp(int index) { return resps.get(index); }
    void putResp(int index, PendingResp p) { resps.put(index, p); }
    PendingResp removeResp(int index) { return resps.remove(index); }
    boolean removeResp(int index, PendingResp p) { return resps.remove(index, p); }
    int resps() { return resps.size(); }
    List<Map.Entry<Integer, PendingResp>> respEntries() { return List.copyOf(resps.entrySet()); }
    void clearResps() { resps.clear(); }

    // ---- finished Mode B initiations

    Finished finished(int index) { return finished.get(index); }
    void putFinished(int index, Finished f) { finished.put(index, f); }
    void expireFinished(long now) { finished.entrySet().removeIf(e -> now > e.getValue().untilNanos()); }

    // ---- keys waiting for confirmation

    Unconfirmed unconfirmed(int index) { return unconfirmed.get(index); }
    void putUnconfirmed(int index, Unconfirmed u) { unconfirmed.put(index, u); }
    boolean removeUnconfirmed(int index, Unconfirmed u) { return unconfirmed.remove(index, u); }
    List<Map.Entry<Integer, Unconfirmed>> unconfirmedEntries() { return List.copyOf(unconfirmed.entrySet()); }

    // ---- confirmed keypairs

    Keypair keypair(int index) { return keypairs.get(index); }
    void putKeypair(Keypair k) { keypairs.put(k.localIndex(), k); }
    void removeKeypair(Keypair k) { keypairs.remove(k.localIndex()); }

    /** Sizes: pending inits, pending responders, unconfirmed, keypairs. */
    int[] sizes() {
        return new int[] {inits.size(), resps.size(), unconfirmed.size(), keypairs.size()};
    }
}
