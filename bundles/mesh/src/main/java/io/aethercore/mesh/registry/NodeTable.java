package io.aethercore.mesh.registry;

import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.mesh.NodeRecord;
import io.aethercore.api.mesh.NodeStatus;
import io.aethercore.api.mesh.TrustFactor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code aether:list-nodes} and {@code aether:trust <node>} print (the playbook's Step 3.2 shape):
 *
 * <pre>
 * NODE_ID          STATUS    TRUST_SCORE  LAST_SEEN
 * unit-alpha-7     HEALTHY   0.98         2s ago
 * </pre>
 *
 * NODE_ID is 17 wide and STATUS 10 wide, each growing to keep at least one space after the longest
 * value; TRUST_SCORE is 13 wide. Scores print with two decimals, rounded <em>down</em>, so a score that
 * prints as 0.90 is never below a 0.9 threshold. LAST_SEEN is {@code 2s ago}, {@code 3m ago},
 * {@code 1h ago}, {@code 4d ago} or {@code never}; the node itself is always {@code 0s ago}. Control
 * characters in NodeIDs print as {@code ?} so a certificate cannot drive the operator's terminal.
 * Lines end with {@code \n}.
 */
public final class NodeTable {

    static final int NODE_ID_WIDTH = 17;
    static final int STATUS_WIDTH = 10;
    static final int SCORE_WIDTH = 13;

    private NodeTable() {
    }

    /** The {@code list-nodes} table: every node (or those with the filter's status), header always. */
    public static String render(List<NodeRecord> nodes, Optional<NodeStatus> filter, Instant now) {
        List<NodeRecord> shown = filtered(nodes, filter);
        int idWidth = NODE_ID_WIDTH;
        int statusWidth = STATUS_WIDTH;
        for (NodeRecord r : shown) {
            idWidth = Math.max(idWidth, printable(r.nodeId()).length() + 1);
            statusWidth = Math.max(statusWidth, r.status().name().length() + 1);
        }
        StringBuilder out = new StringBuilder();
        row(out, idWidth, statusWidth, "NODE_ID", "STATUS", "TRUST_SCORE", "LAST_SEEN");
        for (NodeRecord r : shown) {
            row(out, idWidth, statusWidth, printable(r.nodeId()), r.status().name(), score(r.trust().value()),
                    lastSeen(r.lastSeen(), now));
        }
        return out.toString();
    }

    /**
     * The same nodes as a JSON array, one object a line: {@code node_id}, {@code status},
     * {@code trust_score} (a number, two decimals as in the table), {@code last_seen} (ISO-8601 or null),
     * {@code attestation} ({@code tpm} or {@code software}).
     */
    public static String renderJson(List<NodeRecord> nodes, Optional<NodeStatus> filter) {
        List<NodeRecord> shown = filtered(nodes, filter);
        if (shown.isEmpty()) {
            return "[]\n";
        }
        StringBuilder out = new StringBuilder("[\n");
        for (int i = 0; i < shown.size(); i++) {
            NodeRecord r = shown.get(i);
            out.append("  {\"node_id\":").append(Json.string(r.nodeId()))
                    .append(",\"status\":").append(Json.string(r.status().name()))
                    .append(",\"trust_score\":").append(score(r.trust().value()))
                    .append(",\"last_seen\":").append(r.lastSeen() == null ? "null" : Json.string(r.lastSeen().toString()))
                    .append(",\"attestation\":").append(Json.string(r.attestation().id()))
                    .append(i + 1 < shown.size() ? "},\n" : "}\n");
        }
        return out.append("]\n").toString();
    }

    /** {@code aether:trust <node>}: the node, its score, one line per factor, its certificate. */
    public static String renderTrust(NodeRecord r, Instant now) {
        StringBuilder out = new StringBuilder();
        field(out, "NODE_ID", printable(r.nodeId()) + (r.local() ? " (this node)" : ""));
        field(out, "STATUS", r.status().name());
        field(out, "ATTESTATION", r.attestation() == AttestationKind.SOFTWARE
                ? "software (no TPM: proves nothing about the platform)" : r.attestation().id());
        if (r.attestationFailure() != null) {
            field(out, "FAILURE", printable(r.attestationFailure()));
        }
        field(out, "TRUST_SCORE", score(r.trust().value()));
        field(out, "LAST_SEEN", lastSeen(r.lastSeen(), now));
        field(out, "ENROLLED", r.enrolledAt().toString());
        out.append('\n');
        int nameWidth = "FACTOR".length() + 2;
        for (TrustFactor f : r.trust().factors()) {
            nameWidth = Math.max(nameWidth, printable(f.name()).length() + 2);
        }
        out.append(pad("FACTOR", nameWidth)).append(pad("WEIGHT", 8)).append(pad("VALUE", 7)).append("DETAIL\n");
        for (TrustFactor f : r.trust().factors()) {
            out.append(pad(printable(f.name()), nameWidth)).append(pad(decimals(f.weight()), 8))
                    .append(pad(decimals(f.value()), 7)).append(printable(f.detail())).append('\n');
        }
        out.append('\n');
        X509Certificate c = r.certificate();
        field(out, "SUBJECT", printable(c.getSubjectX500Principal().getName()));
        field(out, "SERIAL", "0x" + c.getSerialNumber().toString(16));
        field(out, "NOT_AFTER", c.getNotAfter().toInstant().toString());
        return out.toString();
    }

    /** Two decimals, rounded down (with a margin for the rounding of the weighted sum). */
    static String score(double value) {
        double truncated = Math.floor(value * 100 + 1e-6) / 100;
        return String.format(Locale.ROOT, "%.2f", Math.max(0, truncated));
    }

    static String lastSeen(Instant lastSeen, Instant now) {
        if (lastSeen == null) {
            return "never";
        }
        Duration age = Duration.between(lastSeen, now);
        return Durations.brief(Duration.ofSeconds(age.getSeconds())) + " ago";
    }

    /** Replaces control characters (C0, DEL, C1, line and paragraph separators) with {@code ?}. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch == '\u2028' || ch == '\u2029') {
                if (b == null) {
                    b = new StringBuilder(s.substring(0, i));
                }
                b.append('?');
            } else if (b != null) {
                b.append(ch);
            }
        }
        return b == null ? s : b.toString();
    }

    private static List<NodeRecord> filtered(List<NodeRecord> nodes, Optional<NodeStatus> filter) {
        return filter.isEmpty() ? nodes : nodes.stream().filter(r -> r.status() == filter.get()).toList();
    }

    private static void row(StringBuilder out, int idWidth, int statusWidth, String id, String status, String score, String seen) {
        out.append(pad(id, idWidth)).append(pad(status, statusWidth)).append(pad(score, SCORE_WIDTH)).append(seen).append('\n');
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(pad(name, 13)).append(value).append('\n');
    }

    private static String decimals(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    /** A minimal JSON string writer. */
    static final class Json {
        private static final char[] HEX = "0123456789abcdef".toCharArray();

        private Json() {
        }

        /**
         * A JSON string literal: quotes and backslashes escaped, control characters (and DEL, U+2028,
         * U+2029) as escapes, unpaired surrogates as {@code \}{@code uXXXX} so the output is valid UTF-8.
         */
        static String string(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            b.append(ch).append(s.charAt(++i));
                        } else if (ch < 0x20 || ch == 0x7f || ch == '\u2028' || ch == '\u2029' || Character.isSurrogate(ch)) {
                            b.append("\\u").append(HEX[ch >> 12 & 0xf]).append(HEX[ch >> 8 & 0xf])
                                    .append(HEX[ch >> 4 & 0xf]).append(HEX[ch & 0xf]);
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }
}
