package io.aethercore.dashboard;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aethercore.dashboard.HealthModel.Event;
import io.aethercore.dashboard.HealthModel.NodeHealth;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code /mesh/health} connection. At most one message is in flight at a time; while it is, changes are
 * coalesced into sets of dirty node ids (the newest value is read when the next delta is written), events
 * queue up to {@value #MAX_EVENTS}, telemetry up to {@value #MAX_TELEMETRY_CHARS} characters. A client that
 * misses more than {@value #RESYNC_AFTER} updates or overflows its event queue is sent {@code resync} and a
 * fresh snapshot; telemetry beyond the cap is dropped for it and counted. Incoming frames are read one at a
 * time through Jetty's demand API.
 */
public final class HubClient implements Session.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final AtomicLong IDS = new AtomicLong();

    static final int MAX_EVENTS = 256;
    static final int MAX_TELEMETRY_CHARS = 4 << 20;
    static final int MAX_FRAME_CHARS = 256 << 10;
    static final int RESYNC_AFTER = 5;
    static final int MAX_BAD_FRAMES = 10;

    private final long id = IDS.incrementAndGet();
    private final HealthHub hub;
    private final String operator;
    private final String remote;
    private final java.time.Instant expires;
    private volatile Session session;
    private volatile boolean subscribed;

    // guarded by this
    private boolean sending;
    private boolean closed;
    private long seq;
    private boolean snapshotDue = true;
    private String resyncReason;
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private boolean meshDirty;
    private int missedTicks;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final ArrayDeque<String> replies = new ArrayDeque<>();
    private final ArrayDeque<String> telemetry = new ArrayDeque<>();
    private long telemetryChars;
    private long droppedSamples;
    private int badFrames;
    private long sent;

    HubClient(HealthHub hub, String operator, java.time.Instant expires, String remote) {
        this.hub = hub;
        this.operator = operator;
        this.expires = expires;
        this.remote = remote;
    }

    public long id() {
        return id;
    }

    public String operator() {
        return operator;
    }

    /** Whether the operator session this connection was opened with has expired. */
    boolean expired(long nowMillis) {
        return expires.toEpochMilli() <= nowMillis;
    }

    boolean subscribed() {
        return subscribed;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        hub.add(this);
        pump();
        s.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        try {
            handle(text);
        } finally {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.demand();
            }
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        refuse("binary frames are not part of this protocol");
        Session s = session;
        if (s != null && s.isOpen()) {
            s.demand();
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        synchronized (this) {
            closed = true;
            telemetry.clear();
            telemetryChars = 0;
        }
        hub.remove(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Dashboard client {} ({}): {}", id, remote, cause.toString());
        onWebSocketClose(StatusCode.ABNORMAL, cause.toString());
    }

    private void handle(String text) {
        JsonNode msg;
        try {
            msg = MAPPER.readTree(text);
        } catch (JacksonException e) {
            refuse("not JSON");
            return;
        }
        if (msg == null || !msg.isObject() || !msg.path("type").isString()) {
            refuse("a message is a JSON object with a string \"type\"");
            return;
        }
        switch (msg.path("type").asString()) {
            case "ping" -> {
                StringBuilder b = new StringBuilder(64).append("{\"type\":\"pong\",\"t\":");
                JsonNode t = msg.path("t");
                Json.number(b, t.isNumber() ? t.asDouble() : Double.NaN).append(",\"server\":").append(hub.now())
                        .append('}');
                reply(b.toString());
            }
            case "subscribe" -> subscribed = msg.path("telemetry").asBoolean(false);
            case "metrics" -> {
                String problem = hub.pageMetrics().record(id, operator, msg);
                if (problem != null) {
                    refuse(problem);
                }
            }
            default -> refuse("unknown message type");
        }
    }

    private void refuse(String why) {
        boolean close;
        synchronized (this) {
            close = ++badFrames > MAX_BAD_FRAMES;
        }
        if (close) {
            close(StatusCode.POLICY_VIOLATION, "too many bad frames");
            return;
        }
        StringBuilder b = new StringBuilder(64).append("{\"type\":\"error\",\"message\":");
        Json.string(b, why).append('}');
        reply(b.toString());
    }

    private void reply(String message) {
        synchronized (this) {
            if (replies.size() >= 16) {
                return; // a client that floods pings gets no more answers until it reads
            }
            replies.add(message);
        }
        pump();
    }

    void stateChanged(List<String> changed, List<String> gone, boolean mesh) {
        synchronized (this) {
            if (closed || snapshotDue) {
                return;
            }
            if (sending) {
                missedTicks++;
            }
            dirty.addAll(changed);
            removed.addAll(gone);
            dirty.removeAll(gone);
            meshDirty |= mesh;
            if (missedTicks > RESYNC_AFTER) {
                resync("slow consumer: " + missedTicks + " updates coalesced");
            }
        }
        pump();
    }

    void event(Event e) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (events.size() >= MAX_EVENTS) {
                resync("slow consumer: more than " + MAX_EVENTS + " events waiting");
            } else if (!snapshotDue) {
                events.add(e);
            }
        }
        pump();
    }

    void telemetry(String samples, int count) {
        if (!subscribed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (telemetryChars + samples.length() > MAX_TELEMETRY_CHARS) {
                droppedSamples += count;
                return;
            }
            telemetry.add(samples);
            telemetryChars += samples.length();
        }
        pump();
    }

    /** Called with the lock held: forget the coalesced state and send resync + snapshot next. */
    private void resync(String reason) {
        snapshotDue = true;
        resyncReason = reason;
        dirty.clear();
        removed.clear();
        events.clear();
        meshDirty = false;
        missedTicks = 0;
        hub.countResync();
    }

    /** Sends the next message if none is in flight. */
    void pump() {
        String next;
        Session s = session;
        if (s == null) {
            return;
        }
        synchronized (this) {
            if (sending || closed) {
                return;
            }
            next = next();
            if (next == null) {
                return;
            }
            sending = true;
            sent++;
        }
        s.sendText(next, new Callback() {
            @Override
            public void succeed() {
                synchronized (HubClient.this) {
                    sending = false;
                }
                pump();
            }

            @Override
            public void fail(Throwable x) {
                synchronized (HubClient.this) {
                    sending = false;
                    closed = true;
                }
                LOG.debug("Dashboard client {}: send failed: {}", id, x.toString());
                hub.remove(HubClient.this);
                s.disconnect();
            }
        });
    }

    /** The next message to send (lock held), or null. Order: replies, resync/snapshot, delta, telemetry. */
    private String next() {
        if (!replies.isEmpty()) {
            return replies.poll();
        }
        if (resyncReason != null) {
            StringBuilder b = new StringBuilder(96).append("{\"type\":\"resync\",\"seq\":").append(++seq)
                    .append(",\"t\":").append(hub.now()).append(",\"reason\":");
            Json.string(b, resyncReason).append('}');
            resyncReason = null;
            return b.toString();
        }
        if (snapshotDue) {
            snapshotDue = false;
            missedTicks = 0;
            dirty.clear();
            removed.clear();
            meshDirty = false;
            return hub.snapshotMessage(++seq, operator);
        }
        if (!dirty.isEmpty() || !removed.isEmpty() || meshDirty || !events.isEmpty()) {
            return delta();
        }
        if (!telemetry.isEmpty()) {
            StringBuilder b = new StringBuilder((int) Math.min(telemetryChars, MAX_FRAME_CHARS) + 64)
                    .append("{\"type\":\"telemetry\",\"seq\":").append(++seq).append(",\"t\":").append(hub.now())
                    .append(",\"batches\":[");
            boolean first = true;
            while (!telemetry.isEmpty() && (first || b.length() + telemetry.peek().length() < MAX_FRAME_CHARS)) {
                String part = telemetry.poll();
                telemetryChars -= part.length();
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append(part);
            }
            return b.append("]}").toString();
        }
        if (droppedSamples > 0) {
            String m = "{\"type\":\"dropped\",\"seq\":" + ++seq + ",\"t\":" + hub.now() + ",\"count\":" + droppedSamples
                    + "}";
            droppedSamples = 0;
            return m;
        }
        return null;
    }

    private String delta() {
        StringBuilder b = new StringBuilder(128 + 160 * dirty.size()).append("{\"type\":\"delta\",\"seq\":")
                .append(++seq).append(",\"t\":").append(hub.now());
        if (!dirty.isEmpty()) {
            b.append(",\"nodes\":[");
            boolean first = true;
            for (String nid : dirty) {
                NodeHealth n = hub.node(nid);
                if (n == null) {
                    continue;
                }
                if (!first) {
                    b.append(',');
                }
                first = false;
                n.write(b);
            }
            b.append(']');
        }
        if (!removed.isEmpty()) {
            b.append(",\"removed\":[");
            boolean first = true;
            for (String r : removed) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                Json.string(b, r);
            }
            b.append(']');
        }
        if (meshDirty) {
            b.append(",\"mesh\":");
            hub.current().mesh().write(b);
        }
        if (!events.isEmpty()) {
            b.append(",\"events\":[");
            boolean first = true;
            for (Event e : events) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                e.write(b);
            }
            b.append(']');
        }
        dirty.clear();
        removed.clear();
        events.clear();
        meshDirty = false;
        missedTicks = 0;
        return b.append('}').toString();
    }

    void close(int code, String reason) {
        Session s = session;
        synchronized (this) {
            closed = true;
        }
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    synchronized String describe() {
        return "#" + id + " " + operator + " from " + remote + ", " + sent + " messages sent"
                + (subscribed ? ", telemetry subscriber" : "") + (sending ? ", sending" : "")
                + (telemetryChars > 0 ? ", " + telemetryChars + " telemetry chars waiting" : "");
    }
}
