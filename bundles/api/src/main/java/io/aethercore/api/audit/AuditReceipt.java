package io.aethercore.api.audit;

import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.util.Objects;

/**
 * Proof that a record is durable and in the tree: the record (with the node's signature), the
 * signer's public key, and an inclusion proof of its leaf against a checkpoint signed by the node.
 * Everything an auditor needs to check the record off the node, given the node's public key.
 */
public final class AuditReceipt {

    private final AuditRecord record;
    private final RawPublicKey signerKey;
    private final HashAlgorithm treeAlgorithm;
    private final InclusionProof proof;
    private final SignedCheckpoint checkpoint;
    private final String checkpointKeyName;

    public AuditReceipt(AuditRecord record, RawPublicKey signerKey, HashAlgorithm treeAlgorithm,
            InclusionProof proof, SignedCheckpoint checkpoint, String checkpointKeyName) {
        this.record = Objects.requireNonNull(record, "record");
        this.signerKey = Objects.requireNonNull(signerKey, "signerKey");
        this.treeAlgorithm = Objects.requireNonNull(treeAlgorithm, "treeAlgorithm");
        this.proof = Objects.requireNonNull(proof, "proof");
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.checkpointKeyName = Objects.requireNonNull(checkpointKeyName, "checkpointKeyName");
    }

    public AuditRecord record() {
        return record;
    }

    public String eventId() {
        return record.eventId();
    }

    public long timestampNs() {
        return record.timestampNs();
    }

    public long leafIndex() {
        return record.leafIndex();
    }

    /** The node's signature over the record. */
    public byte[] signature() {
        return record.signature();
    }

    /** The key that signed the record (and the checkpoint). */
    public RawPublicKey signerKey() {
        return signerKey;
    }

    /** Hash function of the audit Merkle tree. */
    public HashAlgorithm treeAlgorithm() {
        return treeAlgorithm;
    }

    /** Inclusion proof of the record's leaf in the tree of {@code checkpoint().checkpoint().size()} leaves. */
    public InclusionProof proof() {
        return proof;
    }

    /** The signed checkpoint the proof leads to. */
    public SignedCheckpoint checkpoint() {
        return checkpoint;
    }

    /** Key name of the node's signature line in the checkpoint. */
    public String checkpointKeyName() {
        return checkpointKeyName;
    }

    @Override
    public String toString() {
        return "AuditReceipt[" + record.eventId() + " at " + record.leafIndex() + ", checkpoint size "
                + checkpoint.checkpoint().size() + "]";
    }
}
