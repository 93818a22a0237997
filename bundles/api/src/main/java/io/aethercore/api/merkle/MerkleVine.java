package io.aethercore.api.merkle;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** All Merkle logs of the node, by name (audit, gospel, telemetry, ...). */
@ProviderType
public interface MerkleVine {

    Optional<MerkleLog> log(String name);

    /** Every log, by name. */
    List<MerkleLog> logs();
}
