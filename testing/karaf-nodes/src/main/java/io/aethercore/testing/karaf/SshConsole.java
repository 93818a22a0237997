package io.aethercore.testing.karaf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * In-process SSH to Karaf consoles (Apache MINA SSHD, the library Karaf's own server runs). One client
 * for the JVM; one SSH session per command, because Karaf closes the session when an exec channel ends.
 * Host keys are not checked: the nodes are on loopback and were made by this run.
 */
final class SshConsole {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    private static SshClient client;

    private SshConsole() {}

    private static synchronized SshClient client() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            c.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            c.start();
            client = c;
        }
        return client;
    }

    /**
     * Runs one command.
     *
     * @throws IOException when the console cannot be reached, refuses the key, or does not answer in time
     */
    static ConsoleResult run(String node, String host, int port, String user, ConsoleKey key, String command,
            Duration timeout) throws IOException {
        long t0 = System.nanoTime();
        long ms = Math.max(1, timeout.toMillis());
        try (ClientSession s = client().connect(user, host, port).verify(ms).getSession()) {
            s.addPublicKeyIdentity(key.keyPair());
            s.auth().verify(ms);
            try (ChannelExec ch = s.createExecChannel(command)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ch.setOut(out);
                ch.setErr(out);
                ch.open().verify(ms);
                Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), ms);
                if (!ev.contains(ClientChannelEvent.CLOSED)) {
                    throw new IOException("no answer within " + ms + " ms; output so far: " + clean(out));
                }
                Integer exit = ch.getExitStatus();
                return new ConsoleResult(node, command, exit == null ? -1 : exit, clean(out),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    static String clean(ByteArrayOutputStream out) {
        return ANSI.matcher(out.toString(StandardCharsets.UTF_8)).replaceAll("").replace("\r\n", "\n");
    }
}
