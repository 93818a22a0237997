package io.aethercore.shell.internal;

import io.aethercore.api.crypto.HashAlgorithm;
import java.util.Arrays;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes hash algorithm ids. */
@Service
public class HashAlgorithmCompleter implements Completer {
    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(Arrays.stream(HashAlgorithm.values()).map(HashAlgorithm::id).toList())
                .complete(session, commandLine, candidates);
    }
}
