/**
 * The node registry and the default trust policy of the mesh, as plain Java (no OSGi).
 *
 * <ul>
 *   <li>{@link io.aethercore.mesh.registry.Registry}: the federation as this node knows it; implements
 *       {@code NodeRegistry} (read) and {@code RegistryUpdates} (write). Thread-safe, no threads of its
 *       own: the mesh calls {@link io.aethercore.mesh.registry.Registry#evaluate()} once a second.</li>
 *   <li>{@link io.aethercore.mesh.registry.DefaultTrustPolicy}: the four weighted factors
 *       (attestation, freshness, liveness, conduct) and the status thresholds.</li>
 *   <li>{@link io.aethercore.mesh.registry.NodeTable}: what {@code aether:list-nodes} and
 *       {@code aether:trust} print.</li>
 * </ul>
 *
 * docs/mesh-trust.md explains the score to operators.
 */
package io.aethercore.mesh.registry;
