package io.aethercore.dashboard;

import java.util.List;
import java.util.Objects;

/** The values the hub publishes: what the page shows. Plain records, written as the protocol's JSON. */
public final class HealthModel {

    private HealthModel() {
    }

    /**
     * One node as the page shows it.
     *
     * @param lastSeen epoch millis, or -1 when never heard from
     */
    public record NodeHealth(String id, String status, double trust, long lastSeen, long lag, String attestation,
            boolean local, boolean reachable) {
        public NodeHealth {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(attestation, "attestation");
        }

        void write(StringBuilder b) {
            b.append('{');
            Json.key(b, "id");
            Json.string(b, id).append(',');
            Json.key(b, "status");
            Json.string(b, status).append(',');
            Json.key(b, "trust");
            Json.number(b, Math.round(trust * 1000) / 1000.0).append(',');
            Json.key(b, "lastSeen");
            if (lastSeen < 0) {
                b.append("null");
            } else {
                b.append(lastSeen);
            }
            b.append(',');
            Json.key(b, "lag").append(lag).append(',');
            Json.key(b, "attestation");
            Json.string(b, attestation).append(',');
            Json.key(b, "local").append(local).append(',');
            Json.key(b, "reachable").append(reachable).append('}');
        }
    }

    /** The mesh as a whole: its state and this node's Gospel. */
    public record MeshSummary(String state, long gospelSize, String gospelRoot) {
        public static final MeshSummary NONE = new MeshSummary("UNKNOWN", 0, "");

        public MeshSummary {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(gospelRoot, "gospelRoot");
        }

        void write(StringBuilder b) {
            b.append('{');
            Json.key(b, "state");
            Json.string(b, state).append(',');
            Json.key(b, "gospelSize").append(gospelSize).append(',');
            Json.key(b, "gospelRoot");
            Json.string(b, gospelRoot).append('}');
        }
    }

    /** Everything at one moment; {@code nodes} sorted by id. */
    public record Snapshot(String self, MeshSummary mesh, List<NodeHealth> nodes) {
        public Snapshot {
            Objects.requireNonNull(self, "self");
            Objects.requireNonNull(mesh, "mesh");
            nodes = List.copyOf(nodes);
        }
    }

    /** A mesh event (a {@code MeshEvent} type name), at epoch millis. */
    public record Event(String type, String node, String detail, long at) {
        public Event {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(detail, "detail");
        }

        void write(StringBuilder b) {
            b.append('{');
            Json.key(b, "type");
            Json.string(b, type).append(',');
            Json.key(b, "node");
            Json.string(b, node).append(',');
            Json.key(b, "detail");
            Json.string(b, detail).append(',');
            Json.key(b, "at").append(at).append('}');
        }
    }

    /** Where the hub reads the state from (the node's registry and mesh in the bundle; a fixture in tests). */
    @FunctionalInterface
    public interface Source {
        Snapshot read();
    }
}
