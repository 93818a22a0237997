package io.aethercore.b4ae.internal.command;

import io.aethercore.support.service.ComponentDiagnosis;
import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.SecureChannel;
import io.aethercore.api.b4ae.SessionInfo;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.b4ae.internal.NodeWiring;
import io.aethercore.b4ae.internal.TransportProblem;
import io.aethercore.b4ae.internal.metrics.B4aeOps;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Shared helpers of the aether:b4ae-* commands. */
final class B4aeCommands {

    private B4aeCommands() {}

    /** Why there is no B4AE channel, for the console. */
    static String noChannel() {
        return "no B4AE channel is running: "
                + ComponentDiagnosis.explain(B4aeCommands.class, "io.aethercore.b4ae.internal.B4aeComponent")
                + " (feature:install aethercore-b4ae)";
    }

    static SecureChannel channel(List<SecureChannel> channels, String node) {
        if (channels == null || channels.isEmpty()) {
            throw new IllegalStateException(noChannel());
        }
        String wanted = node == null || node.isBlank() ? "default" : node.trim();
        for (SecureChannel c : channels) {
            if (c.nodeName().equals(wanted)) {
                return c;
            }
        }
        if (node == null && channels.size() == 1) {
            return channels.get(0);
        }
        throw new IllegalArgumentException("no B4AE node '" + wanted + "'; nodes: "
                + channels.stream().map(SecureChannel::nodeName).toList());
    }

    /**
     * The metadata layer's operations, for b4ae-stats and b4ae-profile. Not a Karaf {@code @Reference}: that
     * injects OSGi services only, and {@link B4aeOps} is an internal type that no other bundle uses, so it is
     * not registered as one. The bundle's B4aeOpsComponent publishes it in {@link NodeWiring} (same class
     * loader as these commands) while it is active.
     */
    static B4aeOps ops() {
        B4aeOps ops = NodeWiring.bundle().ops();
        if (ops == null) {
            throw new IllegalStateException("the B4AE metadata layer is not running: "
                    + ComponentDiagnosis.explain(B4aeCommands.class, "io.aethercore.b4ae.internal.metrics.B4aeOpsComponent")
                    + " (a refused io.aethercore.b4ae value is named in the log)");
        }
        return ops;
    }

    static Mode mode(String text) {
        return text == null || text.isBlank() || text.equalsIgnoreCase("auto") ? null : Mode.fromId(text);
    }

    /** The peers entry other nodes paste to pin this node. */
    static String identity(SecureChannel c) {
        StringBuilder b = new StringBuilder("name=").append(c.nodeName());
        if (c.localAddress() != null) {
            b.append(";address=").append(c.localAddress().getHostString()).append(':').append(c.localAddress().getPort());
        }
        c.localKey(KeyAlgorithm.X25519).ifPresent(k ->
                b.append(";x25519=").append(Base64.getEncoder().encodeToString(k.encoded())));
        c.localKey(KeyAlgorithm.ML_DSA_87).ifPresent(k ->
                b.append(";mldsa87=").append(Base64.getEncoder().encodeToString(k.toSpki())));
        return b.toString();
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }

    static String row(String node, SessionInfo i, String recordAead) {
        return String.format("%-8s %-8s %-12s %-4s %-9s %-22s %6s %4d %8d %8d %-16s %s", node, i.id(), i.peer(), i.mode(),
                i.initiator() ? "initiator" : "responder", i.peerAddress(), age(i.keysAge()), i.keyGeneration(),
                i.recordsSent(), i.recordsReceived(), i.peerKeyFingerprint().substring(0, 16), recordAead);
    }

    static String header() {
        return String.format("%-8s %-8s %-12s %-4s %-9s %-22s %6s %4s %8s %8s %-16s %s", "node", "session", "peer", "mode",
                "role", "peer address", "keyage", "gen", "sent", "received", "peer key", "records");
    }

    /**
     * The first line about an endpoint: {@code node default on /127.0.0.1:4000, modes [A, B]}, or, when it has no
     * transport, why: {@code node default: not listening: 0.0.0.0:4000 address already in use; set listen_address
     * in etc/io.aethercore.b4ae.cfg}.
     */
    static String endpointLine(SecureChannel c, TransportProblem problem) {
        if (c.localAddress() != null) {
            return "node " + c.nodeName() + " on " + c.localAddress() + ", modes " + c.supportedModes();
        }
        String why;
        if (problem != null) {
            why = problem.describe() + "; set listen_address in etc/io.aethercore.b4ae.cfg";
        } else {
            why = "no datagram transport (the UDP transport is stopped, or 'transport' names one that is absent;"
                    + " see log:display)";
        }
        return "node " + c.nodeName() + ": not listening: " + why + "; modes " + c.supportedModes();
    }
}
