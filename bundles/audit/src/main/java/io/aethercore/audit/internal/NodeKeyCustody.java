package io.aethercore.audit.internal;

import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.custody.CustodyKind;
import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyCustodyException;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.api.custody.NodeKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node key seen as a one-key custody, so that {@link io.aethercore.formats.merkle.CheckpointNotes#sign}
 * signs checkpoints through whatever custody the node-key policy uses (software, TPM, HSM).
 */
final class NodeKeyCustody implements KeyCustody {

    private final NodeKey nodeKey;
    private final KeyHandle handle;

    NodeKeyCustody(NodeKey nodeKey, KeyHandle handle) {
        this.nodeKey = nodeKey;
        this.handle = handle;
    }

    @Override
    public String name() {
        return handle.custody();
    }

    @Override
    public CustodyKind kind() {
        return handle.kind();
    }

    @Override
    public Set<KeyAlgorithm> algorithms() {
        return Set.of(handle.algorithm());
    }

    @Override
    public KeyHandle generate(KeyAlgorithm algorithm, String label) {
        throw new UnsupportedOperationException("the node key is managed by the node-key policy");
    }

    @Override
    public Optional<KeyHandle> find(String label) {
        return label.equals(handle.label()) ? Optional.of(handle) : Optional.empty();
    }

    @Override
    public List<KeyHandle> list() {
        return List.of(handle);
    }

    @Override
    public byte[] sign(KeyHandle key, byte[] message) throws KeyCustodyException {
        return nodeKey.sign(message);
    }

    @Override
    public void delete(KeyHandle key) {
        throw new UnsupportedOperationException("the node key is managed by the node-key policy");
    }
}
