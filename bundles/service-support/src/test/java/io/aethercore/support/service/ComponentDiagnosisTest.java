package io.aethercore.support.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.promise.Promise;

class ComponentDiagnosisTest {

    /** A Service Component Runtime that knows one component in one configuration state. */
    private static final class OneComponent implements ServiceComponentRuntime {
        final List<ComponentDescriptionDTO> descriptions = new ArrayList<>();
        final List<ComponentConfigurationDTO> configurations = new ArrayList<>();
        boolean enabled = true;

        @Override
        public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
            return descriptions;
        }

        @Override
        public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
            return descriptions.stream().filter(d -> d.name.equals(name)).findFirst().orElse(null);
        }

        @Override
        public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO description) {
            return configurations;
        }

        @Override
        public boolean isComponentEnabled(ComponentDescriptionDTO description) {
            return enabled;
        }

        @Override
        public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
            throw new UnsupportedOperationException();
        }
    }

    private static OneComponent runtime(String policy) {
        OneComponent scr = new OneComponent();
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = "io.aethercore.audit.internal.AuditLogComponent";
        d.configurationPid = new String[] {"io.aethercore.audit"};
        d.configurationPolicy = policy;
        ReferenceDTO r = new ReferenceDTO();
        r.name = "vine";
        r.interfaceName = "io.aethercore.api.merkle.MerkleVine";
        d.references = new ReferenceDTO[] {r};
        scr.descriptions.add(d);
        return scr;
    }

    private static ComponentConfigurationDTO config(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[0];
        return c;
    }

    @Test
    void namesTheReasonAComponentDoesNotRun() {
        String name = "io.aethercore.audit.internal.AuditLogComponent";
        assertEquals("its bundle is not installed or not started (component Other is unknown)",
                ComponentDiagnosis.explainFrom(runtime("optional"), "x.Other"));

        OneComponent scr = runtime("require");
        assertEquals("it waits for its configuration (etc/io.aethercore.audit.cfg)", ComponentDiagnosis.explainFrom(scr, name));

        scr.enabled = false;
        assertEquals("component AuditLogComponent is disabled", ComponentDiagnosis.explainFrom(scr, name));

        scr = runtime("optional");
        ComponentConfigurationDTO waiting = config(ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
        UnsatisfiedReferenceDTO u = new UnsatisfiedReferenceDTO();
        u.name = "vine";
        u.target = "(aethercore.merkle.name=audit)";
        waiting.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {u};
        scr.configurations.add(waiting);
        assertEquals("it waits for a MerkleVine service (aethercore.merkle.name=audit)", ComponentDiagnosis.explainFrom(scr, name));

        scr = runtime("optional");
        ComponentConfigurationDTO failed = config(ComponentConfigurationDTO.FAILED_ACTIVATION);
        failed.failure = "org.osgi.service.component.ComponentException: activation\n\tat x.y(Z.java:1)\n"
                + "Caused by: java.nio.file.AccessDeniedException: /proc/audit\n\tat a.b(C.java:2)\n";
        scr.configurations.add(failed);
        assertEquals("it failed to start: java.nio.file.AccessDeniedException: /proc/audit", ComponentDiagnosis.explainFrom(scr, name));

        scr.configurations.add(config(ComponentConfigurationDTO.ACTIVE));
        assertEquals("component AuditLogComponent runs but does not provide the service now;"
                + " data/log/karaf.log says what it waits for", ComponentDiagnosis.explainFrom(scr, name),
                "one running configuration: the component itself knows why");
    }
}
