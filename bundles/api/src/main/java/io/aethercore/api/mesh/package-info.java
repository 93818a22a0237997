/**
 * The mesh: the federation of nodes under one root certificate.
 *
 * <ul>
 *   <li>{@link io.aethercore.api.mesh.FederationAuthority}: present on the node that holds the federation
 *       root key; it issues node certificates to nodes that prove their platform.</li>
 *   <li>{@link io.aethercore.api.mesh.Enrollment}: present on every node that has a genesis bundle; it
 *       enrols the node with the authority and reports how far it got.</li>
 *   <li>{@link io.aethercore.api.mesh.NodeRegistry}: the read model of the federation (who is enrolled,
 *       how far each node is trusted now). All writes go through {@link
 *       io.aethercore.api.mesh.RegistryUpdates}, the one door that the Gospel ledger feeds.</li>
 *   <li>{@link io.aethercore.api.mesh.MeshHealth}: the mesh state and the Gospel as this node sees it now
 *       (since 1.2.0).</li>
 *   <li>{@link io.aethercore.api.mesh.TrustPolicy}: turns what a node observed of a peer into a score in
 *       [0, 1] and a {@link io.aethercore.api.mesh.NodeStatus}; replaceable at runtime.</li>
 * </ul>
 *
 * The enrollment protocol, the certificate profiles and the genesis bundle format are specified in
 * {@code docs/mesh.md}.
 */
@Export
@Version("1.2.0")
package io.aethercore.api.mesh;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
