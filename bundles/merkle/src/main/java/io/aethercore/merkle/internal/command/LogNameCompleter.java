package io.aethercore.merkle.internal.command;

import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes Merkle log names. */
@Service
public class LogNameCompleter implements Completer {

    @Reference(optional = true)
    MerkleVine vine;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = vine == null ? List.of() : vine.logs().stream().map(MerkleLog::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
