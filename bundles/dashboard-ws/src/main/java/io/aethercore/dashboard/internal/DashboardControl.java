package io.aethercore.dashboard.internal;

import java.util.Optional;

import io.aethercore.dashboard.Dashboard;
import io.aethercore.dashboard.DashboardSettings;
import io.aethercore.dashboard.auth.OperatorAuth;

/**
 * What the console commands reach: the running dashboard and its operator directory, or why there is none
 * (a refused configuration). A service private to this bundle.
 */
public final class DashboardControl {

    /** What runs now (replaced as a whole when the configuration changes). */
    record Running(Dashboard dashboard, OperatorAuth auth, String refusal) {
    }

    private volatile Running running;
    private final InternalSessions internal;

    DashboardControl(Running running, InternalSessions internal) {
        this.running = running;
        this.internal = internal;
    }

    void replace(Running now) {
        this.running = now;
    }

    /** The dashboard, or an exception saying why it does not run. */
    public Dashboard dashboard() {
        Running r = running;
        if (r.dashboard() == null) {
            throw new IllegalStateException("the dashboard does not run: " + r.refusal());
        }
        return r.dashboard();
    }

    public OperatorAuth operators() {
        Running r = running;
        dashboard();
        return r.auth();
    }

    public Optional<String> refusal() {
        return Optional.ofNullable(running.refusal());
    }

    public DashboardSettings settings() {
        return dashboard().settings();
    }

    /** Short-lived sessions for the node's own clients (aether:load-test), checked like operator sessions. */
    public InternalSessions internalSessions() {
        return internal;
    }
}
