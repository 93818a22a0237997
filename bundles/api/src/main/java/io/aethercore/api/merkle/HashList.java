package io.aethercore.api.merkle;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Defensive copies and printing of the hash lists carried by proofs. */
final class HashList {

    static List<byte[]> copy(List<byte[]> hashes) {
        List<byte[]> copy = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            copy.add(h.clone());
        }
        return copy;
    }

    static String toString(List<byte[]> hashes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < hashes.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Base64.getEncoder().encodeToString(hashes.get(i)));
        }
        return sb.append(']').toString();
    }

    private HashList() {}
}
