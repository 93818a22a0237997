package io.aethercore.b4ae.internal.command;

import io.aethercore.b4ae.internal.scheduler.Profile;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the scheduler profile names. */
@Service
public class ProfileCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter s = new StringsCompleter();
        for (Profile p : Profile.values()) {
            s.getStrings().add(p.id());
        }
        return s.complete(session, commandLine, candidates);
    }
}
