package io.aethercore.b4ae.internal;

import io.aethercore.b4ae.internal.metrics.B4aeOps;
import java.util.ArrayList;
import java.util.List;

/**
 * How the B4AE parts of one node find each other inside this bundle, instead of through OSGi services of
 * internal types (only api interfaces that other bundles use are services: {@code SecureChannel},
 * {@code TrustStore}, {@code DatagramTransport}, {@code MetricsSource}). The parts are separate DS components
 * on the PID {@code io.aethercore.b4ae}, each with its own lifecycle (a part whose configuration is refused
 * does not stop the others), and they meet here:
 *
 * <ul>
 *   <li>the node-wide {@link ProtocolObserver}s (the metrics, the auditor) reach every endpoint, the main one
 *       ({@link B4aeComponent}) and the extra ones ({@link B4aeNodeComponent});</li>
 *   <li>the {@link MetadataHooks} (padding, constant-rate scheduler) reach the main endpoint;</li>
 *   <li>the {@link B4aeOps} reach the console commands;</li>
 *   <li>why the UDP transport is not listening ({@link TransportProblem}) reaches {@code aether:b4ae-sessions}.</li>
 * </ul>
 *
 * <p>Why a static instance: DS components can only share objects through services, and Karaf's command
 * {@code @Reference} only injects services, so without registering internal types there is no other common
 * place. The instance belongs to the bundle's class loader: {@code bundle:update} starts a new revision
 * with a new, empty instance, and the old revision's components withdraw what they added when they
 * deactivate. Listeners are called in the order of changes, under this object's lock; they must not call
 * back into it. Tests build their own instance.
 */
public final class NodeWiring {

    /** What an endpoint does when parts come and go. The current parts are replayed on {@link #watch}. */
    public interface Listener {
        void observerAdded(ProtocolObserver o);

        void observerRemoved(ProtocolObserver o);

        /** The metadata layer is available (replaces any previous one). */
        default void hooksBound(MetadataHooks h) { }

        /** The metadata layer went away. */
        default void hooksUnbound(MetadataHooks h) { }
    }

    private static final NodeWiring BUNDLE = new NodeWiring();

    private final List<ProtocolObserver> observers = new ArrayList<>();   // guarded by this
    private final List<Listener> listeners = new ArrayList<>();           // guarded by this
    private MetadataHooks hooks;                                          // guarded by this
    private volatile B4aeOps ops;
    private volatile TransportProblem transportProblem;
    private final java.util.Map<String, KeyRotation> rotations = new java.util.concurrent.ConcurrentHashMap<>();

    /** The instance shared by this bundle's components. */
    public static NodeWiring bundle() {
        return BUNDLE;
    }

    /** Starts telling {@code l} about changes, after telling it the parts present now. */
    public synchronized void watch(Listener l) {
        listeners.add(l);
        observers.forEach(l::observerAdded);
        if (hooks != null) {
            l.hooksBound(hooks);
        }
    }

    /** Stops telling {@code l}; what it was told stays with it (an endpoint detaches on its own stop). */
    public synchronized void unwatch(Listener l) {
        listeners.remove(l);
    }

    public synchronized void addObserver(ProtocolObserver o) {
        observers.add(o);
        List.copyOf(listeners).forEach(l -> l.observerAdded(o));
    }

    public synchronized void removeObserver(ProtocolObserver o) {
        if (observers.remove(o)) {
            List.copyOf(listeners).forEach(l -> l.observerRemoved(o));
        }
    }

    public synchronized void bindHooks(MetadataHooks h) {
        hooks = h;
        List.copyOf(listeners).forEach(l -> l.hooksBound(h));
    }

    /** Withdraws {@code h} if it is the bound one. */
    public synchronized void unbindHooks(MetadataHooks h) {
        if (hooks == h) {
            hooks = null;
            List.copyOf(listeners).forEach(l -> l.hooksUnbound(h));
        }
    }

    /** The console's view of the metadata layer, or null while it is not running. */
    public B4aeOps ops() {
        return ops;
    }

    public synchronized void publishOps(B4aeOps o) {
        ops = o;
    }

    /** Withdraws {@code o} if it is the published one. */
    public synchronized void withdrawOps(B4aeOps o) {
        if (ops == o) {
            ops = null;
        }
    }

    /** The identity-key rotation of endpoint {@code node}, or null while it is not running. */
    public KeyRotation rotation(String node) {
        return rotations.get(node);
    }

    /** The endpoints whose rotation is running. */
    public java.util.Set<String> rotationNodes() {
        return new java.util.TreeSet<>(rotations.keySet());
    }

    public void publishRotation(String node, KeyRotation r) {
        rotations.put(node, r);
    }

    /** Withdraws {@code r} if it is the published one of {@code node}. */
    public void withdrawRotation(String node, KeyRotation r) {
        rotations.remove(node, r);
    }

    /** Why the UDP transport of {@code io.aethercore.b4ae} is not listening, or null while it is (or is off). */
    public TransportProblem transportProblem() {
        return transportProblem;
    }

    public synchronized void reportTransportProblem(TransportProblem p) {
        transportProblem = p;
    }

    /** Withdraws {@code p} if it is the reported one. */
    public synchronized void clearTransportProblem(TransportProblem p) {
        if (transportProblem == p) {
            transportProblem = null;
        }
    }
}
