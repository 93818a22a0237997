package io.aethercore.b4ae.internal.command;

import io.aethercore.api.b4ae.TrustStore;
import java.util.List;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes pinned peer names. */
@Service
public class B4aePeerCompleter implements Completer {

    @Reference(optional = true)
    List<TrustStore> stores;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        TreeSet<String> names = new TreeSet<>();
        if (stores != null) {
            stores.forEach(t -> names.addAll(t.peers()));
        }
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
