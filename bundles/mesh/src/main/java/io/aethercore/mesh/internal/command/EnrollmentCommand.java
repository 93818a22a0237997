package io.aethercore.mesh.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.api.mesh.Enrollment;
import io.aethercore.api.mesh.FederationAuthority;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:enrollment}: where this node is on its way into the federation. */
@Service
@ReadOnly
@Command(scope = "aether", name = "enrollment", description = "Shows this node's enrollment: state, NodeID, attestation, certificate; on the authority, its counters.")
public class EnrollmentCommand implements Action {

    @Reference(optional = true)
    Enrollment enrollment;

    @Reference(optional = true)
    FederationAuthority authority;

    @Override
    public Object execute() {
        if (authority != null) {
            var c = authority.counters();
            System.out.println("Role:          Federation Authority");
            System.out.println("Root:          " + authority.root().getSubjectX500Principal().getName() + " (valid until "
                    + authority.root().getNotAfter().toInstant() + ")");
            System.out.println("Enrolled:      " + authority.issued().size() + " nodes; accepted " + c.accepted()
                    + ", refused " + c.refused() + ", in progress " + c.inProgress() + " since start");
            return null;
        }
        if (enrollment == null) {
            System.out.println("The mesh is not running on this node: set node_id in io.aethercore.mesh and provide"
                    + " the genesis bundle (docs/mesh.md).");
            return null;
        }
        Enrollment.Status s = enrollment.status();
        System.out.println("State:         " + s.state());
        System.out.println("NodeID:        " + s.nodeId());
        System.out.println("Attestation:   " + s.attestation().id());
        if (s.certificate() != null) {
            System.out.println("Certificate:   serial " + s.certificate().getSerialNumber().toString(16) + ", valid until "
                    + s.certificate().getNotAfter().toInstant());
        }
        System.out.println("Since:         " + s.since() + " (" + s.attempts() + " attempts)");
        System.out.println("Message:       " + s.message());
        return null;
    }

}
