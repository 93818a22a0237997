/**
 * Text formats and proof checks of Merkle logs, as plain functions usable off the node: the C2SP
 * checkpoint and signed-note text ({@link io.aethercore.formats.merkle.CheckpointNotes}) and the RFC 9162
 * inclusion and consistency proof verifiers ({@link io.aethercore.formats.merkle.MerkleProofs}).
 */
@Export
@Version("1.1.0")
package io.aethercore.formats.merkle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
