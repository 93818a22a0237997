package io.aethercore.support.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Why a Declarative Services component does not provide its service, in one sentence an operator can act
 * on, read from the Service Component Runtime (ask it when the service is missing): its bundle is missing, it waits for its configuration, it
 * waits for a service (named), or its activation failed (with the exception's message). Status commands
 * print this instead of "not running" (docs/operations.md, "Troubleshooting").
 */
public final class ComponentDiagnosis {

    private ComponentDiagnosis() {}

    /**
     * The diagnosis of the component called {@code componentName}, asked through the bundle of {@code caller}
     * (a console command's class): for helpers that have no bundle context at hand.
     */
    public static String explain(Class<?> caller, String componentName) {
        Bundle b = FrameworkUtil.getBundle(caller);
        return explainIn(b == null ? null : b.getBundleContext(), componentName);
    }

    /** The diagnosis of the component called {@code componentName} (by default its class name). */
    public static String explainIn(BundleContext context, String componentName) {
        if (context == null) {
            return "its state is unknown outside OSGi";
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = ref == null ? null : context.getService(ref);
        if (scr == null) {
            return "Declarative Services (feature scr) is not running";
        }
        try {
            return explainFrom(scr, componentName);
        } finally {
            context.ungetService(ref);
        }
    }

    /** The diagnosis from a given runtime (for tests). */
    public static String explainFrom(ServiceComponentRuntime scr, String componentName) {
        ComponentDescriptionDTO d = null;
        for (ComponentDescriptionDTO x : scr.getComponentDescriptionDTOs()) {
            if (x.name.equals(componentName)) {
                d = x;
                break;
            }
        }
        if (d == null) {
            return "its bundle is not installed or not started (component " + simple(componentName) + " is unknown)";
        }
        if (!scr.isComponentEnabled(d)) {
            return "component " + simple(d.name) + " is disabled";
        }
        Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
        if (configs.isEmpty()) {
            String pid = d.configurationPid.length > 0 ? d.configurationPid[0] : d.name;
            return "require".equals(d.configurationPolicy)
                    ? "it waits for its configuration (etc/" + pid + ".cfg)"
                    : "component " + simple(d.name) + " has not started";
        }
        List<String> reasons = new ArrayList<>();
        for (ComponentConfigurationDTO c : configs) {
            switch (c.state) {
                case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> {
                    // asked because the service is missing: the component runs but has not published it yet
                    return "component " + simple(d.name) + " runs but does not provide the service now;"
                            + " data/log/karaf.log says what it waits for";
                }
                case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION ->
                        reasons.add("it waits for its configuration (etc/"
                                + (d.configurationPid.length > 0 ? d.configurationPid[0] : d.name) + ".cfg)");
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> reasons.add("it waits for " + waitsFor(d, c));
                case ComponentConfigurationDTO.FAILED_ACTIVATION -> reasons.add("it failed to start: " + firstLine(c.failure));
                default -> reasons.add("component " + simple(d.name) + " is in state " + c.state);
            }
        }
        return String.join("; ", reasons);
    }

    private static String waitsFor(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        List<String> missing = new ArrayList<>();
        for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
            String type = u.name;
            for (ReferenceDTO r : d.references) {
                if (r.name.equals(u.name)) {
                    type = simple(r.interfaceName);
                }
            }
            missing.add(u.target == null || u.target.isEmpty() ? "a " + type + " service" : "a " + type + " service " + u.target);
        }
        return missing.isEmpty() ? "a service" : String.join(" and ", missing);
    }

    private static String firstLine(String failure) {
        if (failure == null || failure.isBlank()) {
            return "see the log";
        }
        // SCR puts the stack trace in the failure: the first line with a message is what the operator needs
        String best = failure.lines().findFirst().orElse(failure).trim();
        for (String line : failure.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                best = line.substring("Caused by: ".length()).trim();
            }
        }
        return best.length() > 300 ? best.substring(0, 300) + "..." : best;
    }

    private static String simple(String className) {
        int i = className.lastIndexOf('.');
        return i < 0 ? className : className.substring(i + 1);
    }
}
