/**
 * The Merkle Vine: append-only Merkle logs in the shape of RFC 6962 / RFC 9162 (leaf
 * {@code H(0x00 || data)}, node {@code H(0x01 || left || right)}), their proofs, and signed
 * checkpoints in the C2SP signed-note format.
 *
 * <p>{@link io.aethercore.api.merkle.MerkleLog} and {@link io.aethercore.api.merkle.MerkleVine} are
 * services; {@link io.aethercore.api.merkle.MerkleProofs} and {@link
 * io.aethercore.api.merkle.SignedCheckpoint} are plain functions, so that any client (an auditor
 * offline, a peer) verifies proofs and checkpoints without the service.
 */
@Export
@Version("1.1.0")
package io.aethercore.api.merkle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
