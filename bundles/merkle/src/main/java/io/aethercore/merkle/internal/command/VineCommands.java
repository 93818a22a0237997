package io.aethercore.merkle.internal.command;

import io.aethercore.support.service.ComponentDiagnosis;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Shared helpers of the aether:vine-* commands. */
final class VineCommands {

    static MerkleLog log(MerkleVine vine, String name) {
        if (vine == null) {
            throw new IllegalStateException(notRunning());
        }
        List<MerkleLog> logs = vine.logs();
        if (name == null) {
            if (logs.size() == 1) {
                return logs.get(0);
            }
            throw new IllegalArgumentException("name a log: " + names(logs));
        }
        return vine.log(name).orElseThrow(() -> new IllegalArgumentException(
                "no Merkle log '" + name + "'; logs: " + names(logs)));
    }

    /** Why there is no Merkle Vine service, for the console. */
    static String notRunning() {
        return "The Merkle Vine is not running: "
                + ComponentDiagnosis.explain(VineCommands.class, "io.aethercore.merkle.internal.MerkleVineComponent")
                + " (feature:install aethercore-merkle)";
    }

    static String names(List<MerkleLog> logs) {
        return logs.isEmpty() ? "(none configured: add etc/io.aethercore.merkle.log-NAME.cfg)"
                : String.join(", ", logs.stream().map(MerkleLog::name).toList());
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private VineCommands() {}
}
