package io.aethercore.merkle.internal;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import java.util.concurrent.CompletableFuture;

/**
 * A log reserved for one writer ({@code writer} in its configuration, {@link MerkleLog#writer()}): the service
 * object reads like the log but refuses every append, so {@code aether:vine-append -l audit x} and any other
 * bundle are turned away; only the handle of {@link #claimWriter} appends, and only one handle at a time.
 */
final class ReservedLog extends ReadThroughLog {

    private final String writer;
    private Claim claim; // guarded by this

    ReservedLog(MerkleLog log, String writer) {
        super(log);
        this.writer = writer;
    }

    @Override
    public String writer() {
        return writer;
    }

    @Override
    public synchronized MerkleLog claimWriter(String who) throws MerkleLogException {
        if (!writer.equals(who)) {
            throw new MerkleLogException("Merkle log '" + name() + "' is reserved for writer '" + writer + "', not '"
                    + who + "'", null, false);
        }
        if (claim != null) {
            throw new MerkleLogException("Merkle log '" + name() + "' is already claimed by its writer '" + writer
                    + "'; a second claim is refused until the first is released", null, false);
        }
        claim = new Claim();
        return claim;
    }

    @Override
    public synchronized void releaseWriter(MerkleLog claimed) {
        if (claimed == claim) {
            claim.released = true;
            claim = null;
        }
    }

    private MerkleLogException refused() {
        return new MerkleLogException("refused: Merkle log '" + name() + "' is written only by its writer '" + writer
                + "' (its own entries must match its records); appending from anywhere else is not allowed", null,
                false);
    }

    @Override
    public long append(byte[] entry) throws MerkleLogException {
        throw refused();
    }

    @Override
    public long append(byte[] entry, Durability durability) throws MerkleLogException {
        throw refused();
    }

    @Override
    public CompletableFuture<Long> appendAsync(byte[] entry) {
        return CompletableFuture.failedFuture(refused());
    }

    @Override
    public String toString() {
        return delegate() + " (writer " + writer + ")";
    }

    /** The writer's handle: the reserved log with appends. */
    private final class Claim extends ReadThroughLog {
        private volatile boolean released;

        Claim() {
            super(ReservedLog.this.delegate());
        }

        private void check() throws MerkleLogException {
            if (released) {
                throw new MerkleLogException("the writer's claim on Merkle log '" + name() + "' was released", null,
                        false);
            }
        }

        @Override
        public long append(byte[] entry) throws MerkleLogException {
            check();
            return delegate().append(entry);
        }

        @Override
        public long append(byte[] entry, Durability durability) throws MerkleLogException {
            check();
            return delegate().append(entry, durability);
        }

        @Override
        public CompletableFuture<Long> appendAsync(byte[] entry) {
            if (released) {
                return CompletableFuture.failedFuture(new MerkleLogException("the writer's claim on Merkle log '"
                        + name() + "' was released", null, false));
            }
            return delegate().appendAsync(entry);
        }

        @Override
        public String writer() {
            return writer;
        }
    }
}
