package io.aethercore.audit.internal;

import io.aethercore.api.audit.IdentityHashing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link IdentityHashing}: {@code hmac-sha256:<first 16 bytes, hex>} under the key in
 * {@code identity.key.file} of {@value AuditLogComponent#PID} (default {@code
 * ${karaf.etc}/aethercore/audit-identity.key}, created with mode 0600 on first use). The key is
 * read on first use, not at start, and read again after a failure. A change of the PID's
 * configuration does not take the service away (its consumers keep running); a new key file applies
 * from the next hash on.
 */
@Component(service = IdentityHashing.class, configurationPid = AuditLogComponent.PID)
public final class IdentityHashingComponent implements IdentityHashing {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityHashingComponent.class);

    private Path keyFile;          // guarded by this
    private IdentityHasher hasher; // guarded by this

    @Activate
    public IdentityHashingComponent(AuditLogComponent.Config config, Map<String, Object> properties) {
        this(AuditConfig.from(config, properties).identityKeyFile());
    }

    /** Without OSGi: hashing under the key in {@code keyFile}. */
    public IdentityHashingComponent(Path keyFile) {
        this.keyFile = keyFile;
    }

    @Modified
    synchronized void modified(AuditLogComponent.Config config, Map<String, Object> properties) {
        Path file = AuditConfig.from(config, properties).identityKeyFile();
        if (!file.equals(keyFile)) {
            keyFile = file;
            hasher = null;
        }
    }

    private synchronized IdentityHasher hasher() {
        if (hasher == null) {
            try {
                hasher = IdentityHasher.fromFile(keyFile);
            } catch (IOException | RuntimeException e) {
                LOG.error("Audit log: identity hashing key {}: {}", keyFile, e.getMessage());
                throw new IllegalStateException("the identity hashing key " + keyFile + " is unavailable: "
                        + e.getMessage(), e);
            }
        }
        return hasher;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the key cannot be read or created
     */
    @Override
    public String hash(String identity) {
        if (identity == null || identity.isEmpty()) {
            return identity;
        }
        return hasher().hash(identity);
    }
}
