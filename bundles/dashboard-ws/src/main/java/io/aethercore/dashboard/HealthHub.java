package io.aethercore.dashboard;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aethercore.dashboard.HealthModel.Event;
import io.aethercore.dashboard.HealthModel.MeshSummary;
import io.aethercore.dashboard.HealthModel.NodeHealth;
import io.aethercore.dashboard.HealthModel.Snapshot;
import io.aethercore.dashboard.HealthModel.Source;

/**
 * The state every page sees, and the fan-out to connected clients. {@link #tick()} reads the source (at
 * {@code update_frequency_hz}) and marks what changed in each client; events and telemetry batches are
 * handed to each client at once. A client keeps only what it has not sent yet, coalesced (the newest value
 * of each node wins), so a slow reader costs a bounded amount of memory (docs/dashboard.md, "Slow clients").
 */
public final class HealthHub {

    private static final Logger LOG = LoggerFactory.getLogger(HealthHub.class);

    private final Source source;
    private final Clock clock;
    private final int updateHz;
    private final int sweepHz;
    private final List<HubClient> clients = new CopyOnWriteArrayList<>();
    private final PageMetrics pageMetrics = new PageMetrics();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private volatile Snapshot current;
    private volatile Map<String, NodeHealth> byId = Map.of();

    public HealthHub(Source source, Clock clock, int updateHz, int sweepHz) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.updateHz = updateHz;
        this.sweepHz = sweepHz;
        this.current = new Snapshot("", MeshSummary.NONE, List.of());
    }

    public int updateHz() {
        return updateHz;
    }

    public long now() {
        return clock.millis();
    }

    /** Reads the source and tells every client what changed. Called at {@code update_frequency_hz}. */
    public void tick() {
        Snapshot next;
        try {
            next = source.read();
        } catch (RuntimeException e) {
            LOG.warn("Dashboard: reading the mesh state failed: {}", e.toString());
            return;
        }
        long nowMillis = now();
        for (HubClient c : clients) {
            if (c.expired(nowMillis)) {
                c.close(1008, "session expired: log in again");
                remove(c);
            }
        }
        Snapshot before = current;
        Map<String, NodeHealth> old = byId;
        Map<String, NodeHealth> now = new HashMap<>();
        List<String> changed = new ArrayList<>();
        for (NodeHealth n : next.nodes()) {
            now.put(n.id(), n);
            if (!n.equals(old.get(n.id()))) {
                changed.add(n.id());
            }
        }
        List<String> removed = new ArrayList<>();
        for (String id : old.keySet()) {
            if (!now.containsKey(id)) {
                removed.add(id);
            }
        }
        boolean meshChanged = !next.mesh().equals(before.mesh()) || !next.self().equals(before.self());
        byId = Map.copyOf(now);
        current = next;
        ticks.incrementAndGet();
        if (changed.isEmpty() && removed.isEmpty() && !meshChanged) {
            return;
        }
        for (HubClient c : clients) {
            c.stateChanged(changed, removed, meshChanged);
        }
    }

    /** A mesh event: sent to every client now (not held back to the next tick). */
    public void event(Event e) {
        for (HubClient c : clients) {
            c.event(e);
        }
    }

    /** A batch of telemetry samples, already encoded as the JSON array's elements (no brackets). */
    public void telemetry(String samples, int count) {
        for (HubClient c : clients) {
            c.telemetry(samples, count);
        }
    }

    /** Whether any client subscribed to raw telemetry (the pipeline skips encoding otherwise). */
    public boolean hasTelemetrySubscribers() {
        for (HubClient c : clients) {
            if (c.subscribed()) {
                return true;
            }
        }
        return false;
    }

    void add(HubClient c) {
        clients.add(c);
    }

    void remove(HubClient c) {
        clients.remove(c);
        pageMetrics.forget(c.id());
    }

    public int clientCount() {
        return clients.size();
    }

    public List<HubClient> clients() {
        return List.copyOf(clients);
    }

    public PageMetrics pageMetrics() {
        return pageMetrics;
    }

    public long resyncs() {
        return resyncs.get();
    }

    void countResync() {
        resyncs.incrementAndGet();
    }

    public Snapshot current() {
        return current;
    }

    NodeHealth node(String id) {
        return byId.get(id);
    }

    /** The snapshot message for one client. */
    String snapshotMessage(long seq, String operator) {
        Snapshot s = current;
        StringBuilder b = new StringBuilder(256 + 160 * s.nodes().size());
        b.append("{\"type\":\"snapshot\",\"seq\":").append(seq).append(",\"t\":").append(now()).append(',');
        Json.key(b, "self");
        Json.string(b, s.self()).append(',');
        Json.key(b, "operator");
        Json.string(b, operator).append(",\"mesh\":");
        s.mesh().write(b);
        b.append(",\"config\":{\"updateHz\":").append(updateHz).append(",\"sweepHz\":").append(sweepHz)
                .append("},\"nodes\":[");
        boolean first = true;
        for (NodeHealth n : s.nodes()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            n.write(b);
        }
        return b.append("]}").toString();
    }

    /** Disconnects every client (the bundle stops: the pages reconnect to the next one). */
    public void closeAll(int code, String reason) {
        for (HubClient c : clients) {
            c.close(code, reason);
        }
        clients.clear();
    }

    /** Closes the connections of {@code operator} (removed: their pages lose the feed at once); returns how many. */
    public int closeOperator(String operator, String reason) {
        int n = 0;
        for (HubClient c : clients) {
            if (c.operator().equals(operator)) {
                c.close(1008, reason);
                clients.remove(c);
                n++;
            }
        }
        return n;
    }

    /** Ids of clients for diagnostics. */
    public Map<Long, String> describeClients() {
        Map<Long, String> m = new ConcurrentHashMap<>();
        for (HubClient c : clients) {
            m.put(c.id(), c.describe());
        }
        return m;
    }
}
