package io.aethercore.b4ae.internal.command;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.b4ae.internal.metrics.B4aeOps;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import io.aethercore.b4ae.internal.scheduler.SchedulerStats;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:b4ae-stats}: the B4AE metrics and the scheduler's state as a table. */
@Service
@ReadOnly
@Command(scope = "aether", name = "b4ae-stats",
        description = "B4AE metrics (handshakes, cookies, DoS blocks, sessions, records, scheduler) as a table.")
public class B4aeStatsCommand implements Action {

    @Option(name = "-f", aliases = "--filter", description = "only metrics whose name contains this")
    String filter;

    @Override
    public Object execute() {
        B4aeOps ops = B4aeCommands.ops();
        print(ops, filter, System.out);
        return null;
    }

    static void print(B4aeOps ops, String filter, PrintStream out) {
        SchedulerSettings s = ops.schedulerSettings();
        SchedulerStats st = ops.schedulerStats();
        out.println("B4AE global scheduler");
        row(out, "profile", s.profile());
        row(out, "mode", s.constantRate() ? String.format(Locale.ROOT, "constant rate, %.0f slots/s (target_rate %.0f)",
                s.slotRate(), s.targetRate()) : s.trafficShapingEnabled() ? String.format(Locale.ROOT,
                "pass-through with shaping delays %d-%d ms", s.timingDelayMinMs(), s.timingDelayMaxMs()) : "pass-through");
        row(out, "latency bound", s.maxQueueLatencyMs() + " ms");
        row(out, "queue depth", st.queueDepth() + " / " + s.maxQueueSize());
        row(out, "sent real / dummy", st.realSent() + " / " + st.dummiesSent()
                + String.format(Locale.ROOT, "  (dummy ratio %.3f)", st.dummyRatio()));
        row(out, "empty / missed slots", st.emptySlots() + " / " + st.missedSlots());
        row(out, "latency breaches", Long.toString(st.latencyBreaches()));
        row(out, "rejected / failed", st.rejected() + " / " + st.sinkFailures());
        row(out, "metrics endpoint", ops.metricsEndpoint());
        out.println();
        List<String[]> samples = ops.metricSamples();
        int width = 10;
        for (String[] r : samples) {
            width = Math.max(width, r[0].length());
        }
        out.printf("%-" + width + "s  %s%n", "METRIC", "VALUE");
        for (String[] r : samples) {
            if (filter == null || r[0].contains(filter)) {
                out.printf("%-" + width + "s  %s%n", r[0], trim(r[1]));
            }
        }
    }

    private static String trim(String v) {
        return v.endsWith(".0") ? v.substring(0, v.length() - 2) : v;
    }

    private static void row(PrintStream out, String k, String v) {
        out.printf("  %-22s %s%n", k, v);
    }
}
