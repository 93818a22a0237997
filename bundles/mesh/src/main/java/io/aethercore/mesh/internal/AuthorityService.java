package io.aethercore.mesh.internal;

import io.aethercore.api.mesh.FederationAuthority;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.mesh.enrol.Authority;
import io.aethercore.mesh.registry.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** {@link FederationAuthority} of this node: the root, what it issued, and its counters. */
final class AuthorityService implements FederationAuthority {
    private final X509Certificate root;
    private final List<X509Certificate> cross;
    private final Authority authority;
    private final Registry registry;
    private final Path genesisFile;

    AuthorityService(X509Certificate root, List<X509Certificate> cross, Authority authority, Registry registry,
            Path genesisFile) {
        this.root = root;
        this.cross = List.copyOf(cross);
        this.authority = authority;
        this.registry = registry;
        this.genesisFile = genesisFile;
    }

    @Override
    public X509Certificate root() {
        return root;
    }

    @Override
    public List<X509Certificate> crossCertificates() {
        return cross;
    }

    @Override
    public List<X509Certificate> issued() {
        return registry.nodes().stream().map(NodeRecord::certificate).toList();
    }

    @Override
    public Optional<byte[]> genesisBundle() {
        try {
            return Files.isRegularFile(genesisFile) ? Optional.of(Files.readAllBytes(genesisFile)) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public EnrollmentCounters counters() {
        return authority.counters();
    }
}
