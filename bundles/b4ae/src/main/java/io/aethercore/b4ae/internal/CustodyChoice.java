package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.KeyCustody;
import java.util.Map;
import org.osgi.framework.Constants;

/** Which bound key custody holds an endpoint's identity keys (for {@link ChannelHost}). */
final class CustodyChoice {

    private CustodyChoice() {}

    /** The highest-ranked custody doing {@code alg}, only the one named {@code wantedName} when given. */
    static KeyCustody best(Map<KeyCustody, Map<String, Object>> custodies, KeyAlgorithm alg, String wantedName) {
        KeyCustody best = null;
        int bestRank = Integer.MIN_VALUE;
        for (Map.Entry<KeyCustody, Map<String, Object>> e : custodies.entrySet()) {
            KeyCustody c = e.getKey();
            if (!c.algorithms().contains(alg) || (!wantedName.isEmpty() && !wantedName.equals(c.name()))) {
                continue;
            }
            Object r = e.getValue().get(Constants.SERVICE_RANKING);
            int rank = r instanceof Integer i ? i : 0;
            if (best == null || rank > bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    /** Why a named custody that is present does not serve an algorithm (keys.hsm_enabled picks one by name). */
    static String lacking(java.util.Set<KeyCustody> custodies, String name, KeyAlgorithm alg) {
        for (KeyCustody c : custodies) {
            if (c.name().equals(name)) {
                return ": custody '" + name + "' is present but does not do " + alg.id() + " (it does " + c.algorithms()
                        + "); B4AE never falls back to another custody for a named one (keys.hsm_enabled, "
                        + (alg == KeyAlgorithm.X25519 ? "x25519_custody" : "mldsa87_custody") + ")";
            }
        }
        return "";
    }
}
