package io.aethercore.dashboard.internal.command;

import io.aethercore.dashboard.internal.DashboardControl;

/** What the dashboard commands share. */
final class Commands {

    private Commands() {
    }

    static DashboardControl require(DashboardControl control) {
        if (control == null) {
            throw new IllegalStateException("the dashboard is not running (feature:install aethercore-dashboard)");
        }
        return control;
    }
}
