package io.aethercore.testing.karaf;

/**
 * What one console command returned.
 *
 * @param node       the node's name
 * @param command    the command line as sent
 * @param exitStatus the SSH exit status: 0 when the command succeeded, non-zero when Karaf printed
 *                   "Error executing command" or "Command not found"
 * @param output     what the console printed (stdout and stderr, ANSI colours removed)
 * @param millis     the round trip, connect and authentication included
 */
public record ConsoleResult(String node, String command, int exitStatus, String output, long millis) {

    public boolean ok() {
        return exitStatus == 0;
    }
}
