package io.aethercore.support.service;

import io.aethercore.api.crypto.ProviderUnavailableException;
import java.time.Duration;
import java.util.Objects;

/**
 * Holds the currently bound provider of a dynamic, greedy, optional reference, and lets callers wait
 * a bounded time while no provider is bound.
 *
 * <p>Why: with {@code policy = DYNAMIC, policyOption = GREEDY}, Declarative Services binds a better
 * provider before it unbinds the old one, so a swap between two present providers never leaves the
 * slot empty. But when the <em>only</em> provider goes away for a moment (its bundle is updated or
 * restarted) a mandatory reference would deactivate the consumer, and a plain optional one would hand
 * callers {@code null}. With this slot the consumer stays active and a caller that arrives during the
 * gap waits for the provider's return; only if none comes back within its patience does it get a
 * {@link ProviderUnavailableException}, which is retryable.
 *
 * <pre>{@code
 * private final ServiceSlot<HashService> hash = new ServiceSlot<>("BLAKE3 hash provider");
 *
 * @Reference(cardinality = OPTIONAL, policy = DYNAMIC, policyOption = GREEDY,
 *            target = "(aethercore.algorithms=BLAKE3)")
 * void bindHash(HashService s) { hash.bind(s); }
 * void unbindHash(HashService s) { hash.unbind(s); }
 *
 * HashService h = hash.get(Duration.ofSeconds(5)); // once per operation
 * }</pre>
 *
 * @param <T> the service type
 */
public final class ServiceSlot<T> {

    private final String description;
    private final BoundedWait wait = new BoundedWait();
    private volatile T current;

    /** @param description what the slot holds, for error messages ("BLAKE3 hash provider") */
    public ServiceSlot(String description) {
        this.description = Objects.requireNonNull(description, "description");
    }

    /** Binds a provider (the DS bind method). Replaces the current one. */
    public void bind(T service) {
        Objects.requireNonNull(service, "service");
        wait.change(() -> current = service);
    }

    /** Unbinds a provider (the DS unbind method); ignored unless it is the current one. */
    public void unbind(T service) {
        wait.change(() -> {
            if (current == service) {
                current = null;
            }
        });
    }

    /** The current provider, or {@code null} if none is bound. */
    public T getNow() {
        return current;
    }

    /**
     * The current provider, waiting up to {@code patience} for one to be bound.
     *
     * @throws ProviderUnavailableException if none is bound within {@code patience}, or the thread is
     *     interrupted while waiting (the interrupt flag is kept)
     */
    public T get(Duration patience) throws ProviderUnavailableException {
        return wait.await(() -> current, patience, description);
    }

    @Override
    public String toString() {
        T s = current;
        return description + (s == null ? " (none bound)" : " -> " + s);
    }
}
