package io.aethercore.merkle.internal;

import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleLogException;
import io.aethercore.api.merkle.MerkleVine;
import java.io.IOException;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The node's logs by name: a whiteboard of every registered {@link MerkleLog}. {@link #ensureLog}
 * creates a log as a factory configuration of {@value MerkleLogComponent#PID}, the same as an
 * operator's {@code etc/io.aethercore.merkle.log-<name>.cfg}.
 */
@Component(service = MerkleVine.class)
public final class MerkleVineComponent implements MerkleVine {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<MerkleLog> logs = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

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

    @Override
    public boolean ensureLog(LogSpec spec) throws MerkleLogException {
        ConfigurationAdmin cm = configAdmin;
        if (cm == null) {
            throw new MerkleLogException("cannot create Merkle log '" + spec.name() + "': no configuration admin",
                    null, true);
        }
        return ensureLog(cm, spec);
    }

    /** Creates the factory configuration of the log unless one of that name exists. */
    static boolean ensureLog(ConfigurationAdmin cm, LogSpec spec) throws MerkleLogException {
        String name = spec.name();
        try {
            Configuration[] found = cm.listConfigurations("(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                    + MerkleLogComponent.PID + ")(name=" + name + "))");
            if (found != null && found.length > 0) {
                return false;
            }
            Configuration c = cm.getFactoryConfiguration(MerkleLogComponent.PID, name, "?");
            c.update(properties(spec));
            return true;
        } catch (IOException | InvalidSyntaxException e) {
            throw new MerkleLogException("cannot create the configuration of Merkle log '" + name + "': "
                    + e.getMessage(), e, false);
        }
    }

    /** The configuration properties of {@link MerkleLogComponent.Config} describing {@code spec}. */
    static Dictionary<String, Object> properties(LogSpec spec) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", spec.name());
        p.put("hash.algorithm", spec.algorithm().id());
        if (spec.directory() != null) {
            p.put("storage.dir", spec.directory().toString());
        }
        p.put("durability", spec.durability().name());
        p.put("group.commit.ms", spec.groupCommit().toMillis());
        if (spec.origin() != null && !spec.origin().isBlank()) {
            p.put("origin", spec.origin());
        }
        if (!spec.writer().isEmpty()) {
            p.put("writer", spec.writer());
        }
        return p;
    }
}
