package io.aethercore.api.merkle;

import java.util.List;
import java.util.Objects;

/**
 * A {@link Checkpoint} with one or more signatures: the value of a C2SP signed note. The note text
 * ({@code — <key name> <base64(key ID || signature)>} lines after the checkpoint text and a blank line),
 * signing, parsing and verification are in the formats bundle's {@code CheckpointNotes}, usable off
 * the node without any service.
 */
public final class SignedCheckpoint {

    /** One signature line. */
    public record Signature(String keyName, int keyId, byte[] signature) {
        public Signature {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    private final Checkpoint checkpoint;
    private final List<Signature> signatures;

    public SignedCheckpoint(Checkpoint checkpoint, List<Signature> signatures) {
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.signatures = List.copyOf(signatures);
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    @Override
    public String toString() {
        return "SignedCheckpoint[" + checkpoint + ", " + signatures.size() + " signature(s)]";
    }
}
