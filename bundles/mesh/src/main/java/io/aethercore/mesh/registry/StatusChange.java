package io.aethercore.mesh.registry;

import io.aethercore.api.mesh.NodeRecord;
import java.util.Objects;

/**
 * A status change that {@link Registry#evaluate()} found.
 *
 * @param before the node as the previous evaluation saw it, or null if that evaluation did not know it
 *     (a node enrolled since)
 * @param after the node now
 */
public record StatusChange(NodeRecord before, NodeRecord after) {
    public StatusChange {
        Objects.requireNonNull(after, "after");
    }
}
