package io.aethercore.mesh.gospel;

import java.util.List;

/**
 * The mesh-wide configuration keys that travel in the Gospel (docs/gospel.md, "Configuration"): each takes
 * effect on every node when its entry is accepted. Anything else is refused, never stored and ignored.
 */
public final class MeshKeys {

    public static final String QUORUM = "quorum_size";
    public static final String HEALTHY = "healthy_threshold";
    public static final String QUARANTINE = "quarantine_threshold";
    public static final List<String> ALL = List.of(QUORUM, HEALTHY, QUARANTINE);

    private MeshKeys() {
    }

    /** Null when {@code key = value} is a valid mesh-wide setting, else why not. */
    public static String check(String key, String value) {
        try {
            switch (key) {
                case QUORUM: {
                    int q = Integer.parseInt(value.trim());
                    return q >= 1 && q <= 16 ? null : "quorum_size must be 1 to 16";
                }
                case HEALTHY:
                case QUARANTINE: {
                    double d = Double.parseDouble(value.trim());
                    return d > 0 && d < 1 ? null : key + " must be between 0 and 1";
                }
                default:
                    return "'" + key + "' is not a mesh-wide key; these travel in the Gospel: " + String.join(", ", ALL);
            }
        } catch (NumberFormatException e) {
            return key + " = '" + value + "' is not a number";
        }
    }
}
