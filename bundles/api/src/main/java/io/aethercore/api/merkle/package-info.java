/**
 * The Merkle Vine: append-only Merkle logs in the shape of RFC 6962 / RFC 9162 (leaf
 * {@code H(0x00 || data)}, node {@code H(0x01 || left || right)}), their proofs, and signed
 * checkpoints in the C2SP signed-note format.
 *
 * <p>{@link io.aethercore.api.merkle.MerkleLog} and {@link io.aethercore.api.merkle.MerkleVine} are
 * services; proofs and checkpoints are values here. Their text formats and verifiers are plain
 * functions in the formats bundle ({@code io.aethercore.formats.merkle}), so that any client (an auditor
 * offline, a peer) verifies proofs and checkpoints without the service.
 *
 * <p>2.0.0: the proof verifiers and the checkpoint note format moved to the formats bundle. 2.1.0:
 * {@link io.aethercore.api.merkle.MerkleVine#ensureLog}. 2.2.0: logs reserved for one writer
 * ({@link io.aethercore.api.merkle.MerkleLog#writer()}, {@code claimWriter}, {@code LogSpec.writer}).
 */
@Export
@Version("2.2.0")
package io.aethercore.api.merkle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
