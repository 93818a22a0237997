package io.aethercore.audit.internal;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditVerification;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.api.merkle.InclusionProof;
import io.aethercore.api.merkle.InvalidProofException;
import io.aethercore.api.merkle.MerkleHasher;
import io.aethercore.formats.merkle.MerkleProofs;
import io.aethercore.api.merkle.SignedCheckpoint;
import java.util.List;

/** Verification of one record, on the node and off it (no OSGi, no logging: the offline tool uses it). */
public final class RecordVerifier {

    private RecordVerifier() {}

    /** Proofs from wherever they come (the node's Merkle log, an export). */
    @FunctionalInterface
    public interface ProofSource {
        InclusionProof proof(long index, long size) throws Exception;
    }

    /** Verifies one stored record: signature, then inclusion in a checkpoint signed by a known key. */
    public static AuditVerification verify(long index, byte[] stored, SignedCheckpoint cp, ProofSource proofs,
            KeyRegistry keys, SignatureService verifier, MerkleHasher hasher, List<String> failures) {
        AuditRecord r;
        try {
            r = RecordCodec.parse(index, stored);
        } catch (IllegalArgumentException e) {
            return new AuditVerification("?", index, false, false, -1, List.of("record " + index + " is malformed: "
                    + e.getMessage()));
        }
        boolean sigOk = false;
        RawPublicKey key = keys.get(r.keyId());
        if (key == null) {
            failures.add("Signature not checked: signing key " + r.keyId() + " is unknown");
        } else {
            try {
                verifier.verify(key, RecordCodec.signedPart(stored), r.signature());
                sigOk = true;
            } catch (CryptoException | IllegalArgumentException e) {
                failures.add("Signature invalid: the record was changed or not signed by key " + r.keyId());
            }
        }
        boolean proofOk = false;
        long cpSize = -1;
        if (cp == null) {
            failures.add("Merkle proof not checked: no signed checkpoint yet");
        } else {
            cpSize = cp.checkpoint().size();
            boolean cpSigned = false;
            for (RawPublicKey k : keys.all()) {
                for (SignedCheckpoint.Signature s : cp.signatures()) {
                    try {
                        if (CheckpointNotes.keyId(s.keyName(), k) == s.keyId()) {
                            CheckpointNotes.verify(cp, s.keyName(), k, verifier);
                            cpSigned = true;
                        }
                    } catch (InvalidProofException | IllegalArgumentException e) {
                        // next
                    }
                }
            }
            if (!cpSigned) {
                failures.add("Checkpoint signature invalid: the checkpoint of size " + cpSize
                        + " carries no valid signature by a known key");
            } else if (index >= cpSize) {
                failures.add("Merkle proof not checked: record " + index + " is newer than the checkpoint of size "
                        + cpSize);
            } else {
                try {
                    InclusionProof proof = proofs.proof(index, cpSize);
                    MerkleProofs.verifyInclusion(hasher, hasher.leafHash(Hashers.recordDigest(hasher, stored)), proof,
                            cp.checkpoint().root());
                    proofOk = true;
                } catch (InvalidProofException e) {
                    failures.add("Merkle proof failed: " + e.getMessage() + " (record " + index
                            + " is not the one the signed checkpoint of size " + cpSize + " covers)");
                } catch (Exception e) {
                    failures.add("Merkle proof not available: " + e.getMessage());
                }
            }
        }
        return new AuditVerification(r.eventId(), index, sigOk, proofOk, cpSize, failures);
    }

}
