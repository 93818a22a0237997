package io.aethercore.support.service;

import io.aethercore.api.crypto.CryptoServices;
import io.aethercore.api.crypto.ProviderUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Every bound provider of a service type with its ranking and algorithms, for consumers whose need
 * is known only from configuration (a Merkle log configured for SHA-256 needs a SHA-256 provider).
 * Bind it with {@code cardinality = MULTIPLE, policy = DYNAMIC, policyOption = GREEDY}; it picks the
 * best provider for an algorithm by the same rule as a target filter (highest {@code service.ranking},
 * then lowest {@code service.id}), and waits a bounded time when none is bound, like {@link ServiceSlot}.
 *
 * @param <T> the service type
 */
public final class RankedServices<T> {

    private record Entry<T>(T service, int ranking, long serviceId, List<String> algorithms) {}

    private static final Comparator<Entry<?>> BEST_FIRST =
            Comparator.<Entry<?>>comparingInt(e -> -e.ranking()).thenComparingLong(Entry::serviceId);

    private final String description;
    private final BoundedWait wait = new BoundedWait();
    private volatile List<Entry<T>> entries = List.of();

    public RankedServices(String description) {
        this.description = Objects.requireNonNull(description, "description");
    }

    /** The DS bind method, with the service properties. */
    public void bind(T service, Map<String, ?> properties) {
        Entry<T> e = new Entry<>(service, ranking(properties.get("service.ranking")),
                properties.get("service.id") instanceof Long id ? id : Long.MAX_VALUE,
                algorithms(properties.get(CryptoServices.ALGORITHMS)));
        wait.change(() -> {
            List<Entry<T>> next = new ArrayList<>(entries);
            next.removeIf(x -> x.service() == service);
            next.add(e);
            next.sort(BEST_FIRST);
            entries = List.copyOf(next);
        });
    }

    /** The DS unbind method. */
    public void unbind(T service) {
        wait.change(() -> {
            List<Entry<T>> next = new ArrayList<>(entries);
            next.removeIf(x -> x.service() == service);
            entries = List.copyOf(next);
        });
    }

    /** The best provider serving {@code algorithmId}, or {@code null}. */
    public T bestFor(String algorithmId) {
        for (Entry<T> e : entries) {
            if (e.algorithms().contains(algorithmId)) {
                return e.service();
            }
        }
        return null;
    }

    /**
     * The best provider that {@code accepts} (for a need that is not an algorithm, such as a custody
     * chosen by name), by the same rule, or {@code null}.
     */
    public T best(Predicate<? super T> accepts) {
        for (Entry<T> e : entries) {
            if (accepts.test(e.service())) {
                return e.service();
            }
        }
        return null;
    }

    /**
     * The best provider serving {@code algorithmId}, waiting up to {@code patience} for one.
     *
     * @throws ProviderUnavailableException (retryable) if none comes
     */
    public T get(String algorithmId, Duration patience) throws ProviderUnavailableException {
        return wait.await(() -> bestFor(algorithmId), patience, description + " for " + algorithmId);
    }

    private static int ranking(Object v) {
        return v instanceof Integer i ? i : 0; // OSGi: a non-Integer ranking counts as 0
    }

    private static List<String> algorithms(Object v) {
        if (v instanceof String[] a) {
            return List.of(a);
        } else if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        } else if (v != null) {
            return List.of(v.toString());
        }
        return List.of();
    }

    @Override
    public String toString() {
        return description + " " + entries.size() + " bound";
    }
}
