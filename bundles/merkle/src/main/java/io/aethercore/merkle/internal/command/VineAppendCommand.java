package io.aethercore.merkle.internal.command;

import io.aethercore.api.merkle.Durability;
import io.aethercore.api.merkle.MerkleLog;
import io.aethercore.api.merkle.MerkleVine;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code aether:vine-append}: appends a text entry to a log (operator notes, tests). */
@Service
@Command(scope = "aether", name = "vine-append", description = "Appends a UTF-8 text entry to a Merkle log and prints its index.")
public class VineAppendCommand implements Action {

    @Option(name = "-l", aliases = "--log", description = "log name (optional when only one log exists)")
    @Completion(LogNameCompleter.class)
    String logName;

    @Option(name = "-d", aliases = "--durability", description = "SYNC, GROUP or ASYNC (default: the log's)")
    @Completion(value = StringsCompleter.class, values = {"SYNC", "GROUP", "ASYNC"})
    String durability;

    @Argument(index = 0, name = "text", required = true, description = "the entry")
    String text;

    @Reference(optional = true)
    MerkleVine vine;

    @Override
    public Object execute() throws Exception {
        MerkleLog log = VineCommands.log(vine, logName);
        if (!log.writer().isEmpty()) {
            throw new IllegalStateException("Refused: Merkle log '" + log.name() + "' is written only by '" + log.writer()
                    + "' (the audit log's tree takes no entries from the console)");
        }
        byte[] entry = text.getBytes(StandardCharsets.UTF_8);
        long index = durability == null ? log.append(entry)
                : log.append(entry, Durability.valueOf(durability.toUpperCase(Locale.ROOT)));
        System.out.println("appended entry " + index + " to " + log.name() + "; size " + log.size()
                + ", root " + VineCommands.hex(log.root()));
        return null;
    }
}
