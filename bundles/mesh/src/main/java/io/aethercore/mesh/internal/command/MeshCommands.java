package io.aethercore.mesh.internal.command;

/** What the mesh commands share. */
final class MeshCommands {

    private MeshCommands() {
    }

    /** The mesh services exist only once the mesh runs; commands say so instead of waiting for them. */
    static void requireRunning(Object service) {
        if (service == null) {
            throw new IllegalStateException("the mesh is not running on this node: set node_id in io.aethercore.mesh and"
                    + " install the genesis bundle (docs/mesh.md); aether:enrollment shows where it stands");
        }
    }
}
