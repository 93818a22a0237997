package io.aethercore.b4ae.internal.command;

import io.aethercore.b4ae.internal.metrics.B4aeOps;
import io.aethercore.b4ae.internal.scheduler.Profile;
import io.aethercore.b4ae.internal.scheduler.SchedulerSettings;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aether:b4ae-profile [name]}: shows or switches the scheduler profile at runtime. */
@Service
@Command(scope = "aether", name = "b4ae-profile",
        description = "Shows the B4AE scheduler profile, or switches to low_overhead, balanced or high_security "
                + "(sessions and queued messages are kept; the configuration file is not changed).")
public class B4aeProfileCommand implements Action {

    @Argument(index = 0, name = "profile", description = "low_overhead, balanced or high_security", required = false)
    @Completion(ProfileCompleter.class)
    String profile;

    @Override
    public Object execute() {
        B4aeOps ops = B4aeCommands.ops();
        run(ops, profile, System.out);
        return null;
    }

    static void run(B4aeOps ops, String profile, PrintStream out) {
        if (profile == null) {
            describe("current", ops.schedulerSettings(), out);
            return;
        }
        Profile p;
        try {
            p = Profile.parse(profile);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return;
        }
        describe("switched to", ops.switchProfile(p), out);
    }

    private static void describe(String what, SchedulerSettings s, PrintStream out) {
        out.printf(Locale.ROOT, "%s profile %s: target_rate %.0f msg/s, dummy_rate %.2f, max_queue_latency_ms %s "
                + "(grid %.0f slots/s, %s)%n", what, s.profile(), s.targetRate(), s.dummyRate(), s.maxQueueLatencyMs(),
                s.slotRate(), s.constantRate() ? "constant rate" : "pass-through");
    }
}
