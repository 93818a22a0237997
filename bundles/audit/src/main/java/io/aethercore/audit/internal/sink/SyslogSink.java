package io.aethercore.audit.internal.sink;

import io.aethercore.formats.merkle.CheckpointNotes;
import io.aethercore.api.audit.AuditRecord;
import io.aethercore.api.audit.AuditSink;
import io.aethercore.api.merkle.SignedCheckpoint;
import io.aethercore.audit.internal.RecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Syslog, RFC 5424 messages over UDP (RFC 5426, one message per datagram) or TCP (RFC 6587
 * octet-counting framing: {@code <length> <message>}).
 *
 * <pre>&lt;PRI&gt;1 TIMESTAMP HOSTNAME aethercore PROCID MSGID [aethercore@32473 event_id=".." leaf_index=".."] JSON</pre>
 *
 * PRI is facility (default 13, "log audit") times 8 plus severity 6 (informational) for records, 5
 * (notice) for checkpoints; MSGID is the action; MSG is the record's one-line JSON. 32473 is the
 * private enterprise number RFC 5612 reserves for documentation: replace it with your organisation's
 * ({@code sd.id}) if your collector keys on it.
 */
public final class SyslogSink implements AuditSink, AutoCloseable {

    public enum Protocol { UDP, TCP }

    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String host;
    private final int port;
    private final Protocol protocol;
    private final int facility;
    private final String hostname;
    private final String appName;
    private final String sdId;
    private final int maxMessageBytes;
    private final int connectTimeoutMillis;
    private final String procId = Long.toString(ProcessHandle.current().pid());
    private DatagramSocket udp;
    private Socket tcp;
    private OutputStream tcpOut;

    public SyslogSink(String host, int port, Protocol protocol, int facility, String hostname, String appName,
            String sdId, int maxMessageBytes, int connectTimeoutMillis) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("syslog facility must be 0 to 23");
        }
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        this.facility = facility;
        this.hostname = field(hostname == null || hostname.isBlank() ? localHostName() : hostname, 255);
        this.appName = field(appName, 48);
        this.sdId = field(sdId, 32).replace("=", "").replace("]", "").replace("\"", "");
        this.maxMessageBytes = maxMessageBytes;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "-";
        }
    }

    /** PRINTUSASCII without spaces, at most {@code max} characters, "-" when empty. */
    static String field(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; s != null && i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            if (c > 32 && c < 127) {
                sb.append(c);
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static String sdValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }

    /** The RFC 5424 message of a record. */
    public String format(AuditRecord r) {
        Instant t = Instant.ofEpochSecond(0, r.timestampNs());
        String sd = "[" + sdId + " event_id=\"" + sdValue(r.eventId()) + "\" leaf_index=\"" + r.leafIndex()
                + "\" operator_id=\"" + sdValue(r.operatorId()) + "\"]";
        return "<" + (facility * 8 + 6) + ">1 " + TS.format(t) + " " + hostname + " " + appName + " " + procId + " "
                + field(r.action(), 32) + " " + sd + " " + RecordCodec.sinkJson(r);
    }

    String format(SignedCheckpoint cp) {
        String note = CheckpointNotes.toNote(cp).replace("\n", " | ");
        return "<" + (facility * 8 + 5) + ">1 " + TS.format(cp.checkpoint().timestamp()) + " " + hostname + " "
                + appName + " " + procId + " Checkpoint [" + sdId + " tree_size=\"" + cp.checkpoint().size() + "\"] "
                + note;
    }

    @Override
    public void accept(AuditRecord record) throws IOException {
        send(format(record));
    }

    @Override
    public void acceptCheckpoint(SignedCheckpoint checkpoint) throws IOException {
        send(format(checkpoint));
    }

    private void send(String message) throws IOException {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        if (msg.length > maxMessageBytes) {
            byte[] cut = new byte[maxMessageBytes];
            System.arraycopy(msg, 0, cut, 0, maxMessageBytes);
            msg = cut;
        }
        if (protocol == Protocol.UDP) {
            if (udp == null) {
                udp = new DatagramSocket();
            }
            udp.send(new DatagramPacket(msg, msg.length, new InetSocketAddress(host, port)));
            return;
        }
        byte[] head = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; ; attempt++) {
            try {
                if (tcp == null) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
                    s.setTcpNoDelay(true);
                    tcp = s;
                    tcpOut = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                }
                tcpOut.write(head);
                tcpOut.write(msg);
                return;
            } catch (IOException e) {
                closeTcp();
                if (attempt >= 1) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (tcpOut != null) {
            try {
                tcpOut.flush();
            } catch (IOException e) {
                closeTcp();
                throw e;
            }
        }
    }

    private void closeTcp() {
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // reconnecting
            }
        }
        tcp = null;
        tcpOut = null;
    }

    @Override
    public void close() {
        closeTcp();
        if (udp != null) {
            udp.close();
        }
    }
}
