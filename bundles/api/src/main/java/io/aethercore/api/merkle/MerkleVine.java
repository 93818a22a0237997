package io.aethercore.api.merkle;

import io.aethercore.api.crypto.HashAlgorithm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** All Merkle logs of the node, by name (audit, gospel, telemetry, ...). */
@ProviderType
public interface MerkleVine {

    Optional<MerkleLog> log(String name);

    /** Every log, by name. */
    List<MerkleLog> logs();

    /**
     * How a log is made by {@link #ensureLog}.
     *
     * @param name the log's name
     * @param algorithm its hash algorithm, fixed for the life of the log
     * @param directory where its files live; {@code null}: the vine's default for the name
     * @param durability what {@link MerkleLog#append(byte[])} waits for by default
     * @param groupCommit the group commit window of {@link Durability#GROUP}
     * @param origin first line of its checkpoints; {@code null} or empty: the vine's default
     * @param writer the only writer of the log ({@link MerkleLog#writer()}); {@code null} or empty: any caller
     *        of the log service may append
     */
    record LogSpec(String name, HashAlgorithm algorithm, Path directory, Durability durability, Duration groupCommit,
            String origin, String writer) {
        public LogSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(durability, "durability");
            Objects.requireNonNull(groupCommit, "groupCommit");
            writer = writer == null ? "" : writer.trim();
        }

        /** A log that any caller of the log service may append to. */
        public LogSpec(String name, HashAlgorithm algorithm, Path directory, Durability durability, Duration groupCommit,
                String origin) {
            this(name, algorithm, directory, durability, groupCommit, origin, "");
        }
    }

    /**
     * Makes sure a log named {@code spec.name()} exists, creating it as described if the node has no
     * log of that name yet (configured or running); an existing log is left as it is. A log created
     * here is persistent configuration of the node; it appears as a {@link MerkleLog} service once it
     * is opened, which may be after this returns.
     *
     * @return true if the log was created now
     * @throws MerkleLogException if the log cannot be created (retryable when the means to create it
     *         are missing for now)
     */
    default boolean ensureLog(LogSpec spec) throws MerkleLogException {
        if (log(spec.name()).isPresent()) {
            return false;
        }
        throw new MerkleLogException("this Merkle Vine cannot create log '" + spec.name() + "'", null, false);
    }
}
