package io.aethercore.dashboard.internal.command;

import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.aethercore.api.console.ReadOnly;
import io.aethercore.dashboard.PageMetrics;
import io.aethercore.dashboard.internal.DashboardControl;

/**
 * {@code aether:dashboard-metrics}: WebSocket latency, UI render time and dropped frames as the connected pages
 * measured them (playbook Step 7.2), with the playbook's verdicts.
 */
@Service
@ReadOnly
@Command(scope = "aether", name = "dashboard-metrics",
        description = "WebSocket latency, UI render time and dropped frames as measured by the dashboard pages (playbook 7.2).")
public class DashboardMetricsCommand implements Action {

    @Reference(optional = true)
    DashboardControl control;

    @Override
    public Object execute() {
        DashboardControl c = Commands.require(control);
        List<PageMetrics.Page> pages = c.dashboard().hub().pageMetrics().pages();
        if (pages.isEmpty()) {
            System.out.println("No page has reported yet: open https://<node>:" + c.settings().port()
                    + "/ and log in; a page reports every 5 s.");
            return null;
        }
        System.out.println(String.format(Locale.ROOT, "%-6s %-12s %-8s %-10s %-10s %-10s %-8s %-11s %-11s %s", "PAGE",
                "OPERATOR", "FRAMES", "RENDER_P50", "RENDER_P99", "RENDER_MAX", "DROPPED", "WS_LAT_P50", "WS_LAT_P99",
                "SWEEPS (frames/dropped)"));
        double worstLatency = 0;
        double worstRender = 0;
        double latency = 0;
        double render = 0;
        long sweepDropped = 0;
        for (PageMetrics.Page p : pages) {
            System.out.println(String.format(Locale.ROOT, "%-6d %-12s %-8d %-10s %-10s %-10s %-8d %-11s %-11s %d (%d/%d)",
                    p.client(), p.operator(), p.frames(), ms(p.frameP50()), ms(p.frameP99()), ms(p.frameMax()), p.dropped(),
                    ms(p.latencyP50()), ms(p.latencyP99()), p.sweeps(), p.sweepFrames(), p.sweepDropped()));
            worstLatency = Math.max(worstLatency, p.worstLatencyP99());
            worstRender = Math.max(worstRender, p.worstFrameP99());
            latency = Math.max(latency, p.latencyP99());
            render = Math.max(render, p.frameP99());
            sweepDropped += p.sweepDropped();
        }
        System.out.println();
        // verdicts on the latest 5-s window of each page (steady state); the worst window since the page connected
        // is shown beside it (the first window includes the page's own load)
        System.out.println("WebSocket latency P99 " + ms(latency) + ", worst window " + ms(worstLatency)
                + " (playbook: < 100 ms): " + (latency < 100 ? "PASS" : "FAIL"));
        System.out.println("UI render time P99 " + ms(render) + ", worst window " + ms(worstRender)
                + " (playbook: < 16 ms): " + (render < 16 ? "PASS" : "FAIL"));
        System.out.println("Dropped frames during the Aetheric Sweep: " + sweepDropped + " (playbook: none): "
                + (sweepDropped == 0 ? "PASS" : "FAIL"));
        return null;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }
}
