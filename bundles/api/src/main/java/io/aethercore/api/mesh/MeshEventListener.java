package io.aethercore.api.mesh;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register a service of this type to receive {@link MeshEvent}s. Must return quickly; an
 * exception is logged and the next listener still gets the event.
 *
 * @since 1.1.0
 */
@ConsumerType
@FunctionalInterface
public interface MeshEventListener {
    void meshEvent(MeshEvent event);
}
