package io.aethercore.mesh.registry;

import java.time.Duration;

/** Short durations as operators read them: {@code 2s}, {@code 3m}, {@code 1h}, {@code 4d}. */
final class Durations {
    private Durations() {
    }

    /** The largest whole unit, rounded down; negative durations count as zero; under a second in ms. */
    static String brief(Duration d) {
        if (d.isNegative()) {
            return "0s";
        }
        long s = d.getSeconds();
        if (s == 0 && d.getNano() > 0) {
            return d.toMillis() == 0 ? "0s" : d.toMillis() + "ms";
        }
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86_400) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }

    /** A duration in seconds as a double (no overflow for any Duration). */
    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
