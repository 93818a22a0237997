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

    private final Dashboard dashboard;
    private final OperatorAuth auth;
    private final String refusal;
    private final InternalSessions internal;

    DashboardControl(Dashboard dashboard, OperatorAuth auth, InternalSessions internal, String refusal) {
        this.dashboard = dashboard;
        this.auth = auth;
        this.internal = internal;
        this.refusal = refusal;
    }

    /** The dashboard, or an exception saying why it does not run. */
    public Dashboard dashboard() {
        if (dashboard == null) {
            throw new IllegalStateException("the dashboard does not run: " + refusal);
        }
        return dashboard;
    }

    public OperatorAuth operators() {
        dashboard();
        return auth;
    }

    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    public DashboardSettings settings() {
        return dashboard().settings();
    }

    /** Short-lived sessions for the node's own clients (aether:load-test), checked like operator sessions. */
    public InternalSessions internalSessions() {
        return internal;
    }
}
