package io.aethercore.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

/**
 * What connected pages measured about themselves (frame render time, dropped frames, WebSocket latency),
 * as they report it every few seconds; {@code aether:dashboard-metrics} prints it. Per page: the latest
 * report and the totals since it connected.
 */
public final class PageMetrics {

    /** One page's figures: the latest report's percentiles, and counts summed over its reports. */
    public record Page(long client, String operator, long reports, long frames, double frameP50, double frameP99,
            double frameMax, long dropped, double latencyP50, double latencyP99, long sweeps, long sweepFrames,
            long sweepDropped, double worstFrameP99, double worstLatencyP99, long at) {
    }

    private final Map<Long, Page> pages = new ConcurrentHashMap<>();

    /** Records a {@code metrics} message; returns why it was refused, or null. */
    String record(long client, String operator, JsonNode m) {
        double[] v = new double[10];
        String[] names = {"frames", "frameP50", "frameP99", "frameMax", "dropped", "latencyP50", "latencyP99", "sweeps",
            "sweepFrames", "sweepDropped"};
        for (int i = 0; i < names.length; i++) {
            JsonNode n = m.path(names[i]);
            if (n.isMissingNode() || n.isNull()) {
                v[i] = 0;
                continue;
            }
            if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < 0 || n.asDouble() > 1e9) {
                return "metrics." + names[i] + " must be a number from 0 to 1e9";
            }
            v[i] = n.asDouble();
        }
        pages.merge(client,
                new Page(client, operator, 1, (long) v[0], v[1], v[2], v[3], (long) v[4], v[5], v[6], (long) v[7],
                        (long) v[8], (long) v[9], v[2], v[6], System.currentTimeMillis()),
                (a, b) -> new Page(client, operator, a.reports + 1, a.frames + b.frames, b.frameP50, b.frameP99,
                        Math.max(a.frameMax, b.frameMax), a.dropped + b.dropped, b.latencyP50, b.latencyP99,
                        a.sweeps + b.sweeps, a.sweepFrames + b.sweepFrames, a.sweepDropped + b.sweepDropped,
                        Math.max(a.worstFrameP99, b.frameP99), Math.max(a.worstLatencyP99, b.latencyP99), b.at));
        return null;
    }

    /** A page went away: its figures stay (for the command) until 64 newer pages pushed them out. */
    void forget(long client) {
        while (pages.size() > 64) {
            pages.values().stream().min((a, b) -> Long.compare(a.at(), b.at())).ifPresent(p -> pages.remove(p.client()));
        }
    }

    public List<Page> pages() {
        List<Page> l = new ArrayList<>(pages.values());
        l.sort((a, b) -> Long.compare(a.client(), b.client()));
        return l;
    }
}
