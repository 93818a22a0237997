package io.aethercore.shell.internal;

import io.aethercore.api.crypto.CryptoServices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Finds crypto providers the way a greedy consumer binds them: among the services that list an
 * algorithm in {@value CryptoServices#ALGORITHMS}, the highest {@code service.ranking} wins, ties to
 * the lowest {@code service.id} ({@link ServiceReference#compareTo}).
 */
final class Providers {

    private final BundleContext context;

    Providers(BundleContext context) {
        this.context = context;
    }

    /** All references of {@code type}, best first. */
    <T> List<ServiceReference<T>> all(Class<T> type, String filter) {
        try {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
            List<ServiceReference<T>> list = new ArrayList<>(refs);
            list.sort(Comparator.<ServiceReference<T>>naturalOrder().reversed());
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        }
    }

    /** The reference a greedy consumer of {@code type} needing {@code algorithmId} binds to now. */
    <T> Optional<ServiceReference<T>> serving(Class<T> type, String algorithmId) {
        List<ServiceReference<T>> refs = all(type, "(" + CryptoServices.ALGORITHMS + "=" + escape(algorithmId) + ")");
        return refs.isEmpty() ? Optional.empty() : Optional.of(refs.get(0));
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }

    /** The ranking as the framework applies it; a non-Integer value counts as 0 (OSGi core 5.2.5). */
    static int ranking(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    /** The ranking for display, flagging a value the framework ignores. */
    static String rankingText(ServiceReference<?> ref) {
        Object v = ref.getProperty(Constants.SERVICE_RANKING);
        if (v == null || v instanceof Integer) {
            return String.valueOf(ranking(ref));
        }
        String fix = String.valueOf(v).matches("I\"-?\\d+\"")
                ? "the .cfg mixes typed and plain values, so all were read as strings: quote every string value"
                : "write I\"" + v + "\" in the .cfg";
        return "0 (ignored " + v.getClass().getSimpleName() + " '" + v + "': " + fix + ")";
    }

    static String provider(ServiceReference<?> ref) {
        Object p = ref.getProperty(CryptoServices.PROVIDER);
        return p == null ? ref.getBundle().getSymbolicName() : p.toString();
    }

    static List<String> algorithms(ServiceReference<?> ref, String property) {
        Object v = ref.getProperty(property);
        if (v instanceof String[] a) {
            return Arrays.asList(a);
        } else if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        } else if (v != null) {
            return List.of(v.toString());
        }
        return List.of();
    }
}
