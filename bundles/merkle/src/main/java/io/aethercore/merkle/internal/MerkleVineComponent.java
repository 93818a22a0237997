package io.aethercore.merkle.internal;

import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The node's logs by name: a whiteboard of every registered {@link MerkleLog}. */
@Component(service = MerkleVine.class)
public final class MerkleVineComponent implements MerkleVine {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<MerkleLog> logs = new CopyOnWriteArrayList<>();

    @Override
    public Optional<MerkleLog> log(String name) {
        for (MerkleLog l : logs) {
            if (l.name().equals(name)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<MerkleLog> logs() {
        return logs.stream().sorted(Comparator.comparing(MerkleLog::name)).toList();
    }
}
