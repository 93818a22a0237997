package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.GenesisPayload.MeshParameters;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The genesis payload as text (docs/mesh-pki.md, "Payload"): {@code aethercore-genesis/1}, then one
 * {@code key: value} line per field in a fixed order, {@code pcr.<n>:} lines when the policy fixes
 * values, one {@code peer:} line per bootstrap peer, and last the {@code federation-root:} PEM block. The
 * parser is strict: an unknown, repeated, missing or misplaced key, a bad value, more than 256 KiB or more
 * than 1024 peers is refused naming the line. {@code openssl cms -verify} prints exactly this text.
 */
public final class GenesisPayloadCodec {

    static final String MAGIC = "aethercore-genesis/1";
    static final int MAX_BYTES = 256 * 1024, MAX_PEERS = 1024;
    private static final String[] FIELDS = {"federation-name", "issued-at", "initial-gospel-root", "quorum-size",
        "healthy-threshold", "quarantine-threshold", "reattestation-interval-seconds", "heartbeat-interval-seconds",
        "allow-software-attestation", "pcr-selection"};

    private GenesisPayloadCodec() {
    }

    public static byte[] encode(GenesisPayload p) {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        MeshParameters m = p.parameters();
        line(b, "federation-name", p.federationName());
        line(b, "issued-at", p.issuedAt().toString());
        line(b, "initial-gospel-root", HexFormat.of().formatHex(p.initialGospelRoot()));
        line(b, "quorum-size", Integer.toString(m.quorumSize()));
        line(b, "healthy-threshold", Double.toString(m.healthyThreshold()));
        line(b, "quarantine-threshold", Double.toString(m.quarantineThreshold()));
        line(b, "reattestation-interval-seconds", Long.toString(m.reattestationInterval().toSeconds()));
        line(b, "heartbeat-interval-seconds", Long.toString(m.heartbeatInterval().toSeconds()));
        line(b, "allow-software-attestation", Boolean.toString(m.allowSoftwareAttestation()));
        PcrPolicy policy = p.enrollmentPolicy();
        line(b, "pcr-selection", policy.selection().toString());
        if (policy.expected() != null) {
            for (int pcr : policy.selection().pcrs()) {
                line(b, "pcr." + pcr, HexFormat.of().formatHex(policy.expected().value(pcr)));
            }
        }
        Base64.Encoder b64 = Base64.getEncoder();
        for (BootstrapPeer peer : p.bootstrapPeers()) {
            line(b, "peer", "name=" + peer.name() + ";address=" + peer.address().getHostString() + ":" + peer.address().getPort()
                    + ";x25519=" + b64.encodeToString(peer.x25519().encoded()) + ";mldsa87="
                    + b64.encodeToString(peer.mlDsa87().toSpki()) + ";role=" + (peer.federationAuthority() ? "fa" : "member"));
        }
        b.append("federation-root:\n").append(Pem.encode(p.federationRoot()));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append(": ").append(value).append('\n');
    }

    public static GenesisPayload decode(byte[] bytes) throws PkiException {
        if (bytes.length > MAX_BYTES) {
            throw new PkiException("genesis payload of " + bytes.length + " bytes; at most " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PkiException("genesis payload is not UTF-8");
        }
        int rootAt = text.indexOf("\nfederation-root:\n");
        if (rootAt < 0) {
            throw new PkiException("genesis payload has no federation-root: block");
        }
        String[] lines = text.substring(0, rootAt).split("\n", -1);
        if (!lines[0].equals(MAGIC)) {
            throw new PkiException("line 1: expected '" + MAGIC + "', got '" + clip(lines[0]) + "'"
                    + (lines[0].startsWith("aethercore-genesis/") ? " (a version this node does not read)" : ""));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<Integer, String> pcrs = new LinkedHashMap<>();
        List<String> peers = new ArrayList<>();
        int next = 0;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(": ");
            if (colon <= 0) {
                throw new PkiException("line " + (i + 1) + ": not 'key: value': '" + clip(l) + "'");
            }
            String key = l.substring(0, colon);
            String value = l.substring(colon + 2);
            if (key.equals("peer")) {
                if (peers.size() >= MAX_PEERS) {
                    throw new PkiException("line " + (i + 1) + ": more than " + MAX_PEERS + " bootstrap peers");
                }
                peers.add(value);
            } else if (key.startsWith("pcr.")) {
                int n;
                try {
                    n = Integer.parseInt(key.substring(4));
                } catch (NumberFormatException e) {
                    throw new PkiException("line " + (i + 1) + ": '" + clip(key) + "' is not pcr.<n>");
                }
                if (next != FIELDS.length || !peers.isEmpty() || pcrs.put(n, value) != null) {
                    throw new PkiException("line " + (i + 1) + ": '" + clip(key) + "' repeated or out of place");
                }
            } else {
                if (next >= FIELDS.length || !FIELDS[next].equals(key)) {
                    throw new PkiException("line " + (i + 1) + ": unexpected key '" + clip(key) + "'"
                            + (next < FIELDS.length ? " (expected '" + FIELDS[next] + "')" : ""));
                }
                fields.put(key, value);
                next++;
            }
        }
        if (next != FIELDS.length) {
            throw new PkiException("genesis payload lacks '" + FIELDS[next] + "'");
        }
        try {
            return build(fields, pcrs, peers, text.substring(rootAt + "\nfederation-root:\n".length()));
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException | io.aethercore.api.crypto.MalformedKeyException e) {
            throw new PkiException("genesis payload: " + e.getMessage(), e);
        }
    }

    private static GenesisPayload build(Map<String, String> f, Map<Integer, String> pcrs, List<String> peerLines, String rootPem)
            throws PkiException, io.aethercore.api.crypto.MalformedKeyException {
        String root = f.get("initial-gospel-root");
        if (!root.matches("[0-9a-f]{64}")) {
            throw new PkiException("initial-gospel-root must be 64 lower-case hex digits");
        }
        PcrSelection selection = PcrSelection.parse(f.get("pcr-selection"));
        PcrValues expected = null;
        if (!pcrs.isEmpty()) {
            byte[][] values = new byte[selection.size()][];
            int[] indexes = selection.pcrs();
            if (pcrs.size() != indexes.length) {
                throw new PkiException("pcr.<n> lines must cover exactly " + selection);
            }
            for (int i = 0; i < indexes.length; i++) {
                String hex = pcrs.get(indexes[i]);
                if (hex == null || !hex.matches("[0-9a-f]{" + 2 * selection.bank().digestLength() + "}")) {
                    throw new PkiException("pcr." + indexes[i] + " missing or not a " + selection.bank().id() + " digest");
                }
                values[i] = HexFormat.of().parseHex(hex);
            }
            expected = new PcrValues(selection, values);
        }
        List<BootstrapPeer> peers = new ArrayList<>();
        for (String p : peerLines) {
            peers.add(peer(p));
        }
        List<java.security.cert.X509Certificate> certs = Pem.readCertificates(rootPem);
        if (certs.size() != 1 || !rootPem.strip().endsWith("-----END CERTIFICATE-----")) {
            throw new PkiException("federation-root: must be exactly one PEM certificate, at the end");
        }
        MeshParameters params = new MeshParameters(Integer.parseInt(f.get("quorum-size")),
                Double.parseDouble(f.get("healthy-threshold")), Double.parseDouble(f.get("quarantine-threshold")),
                Duration.ofSeconds(Long.parseLong(f.get("reattestation-interval-seconds"))),
                Duration.ofSeconds(Long.parseLong(f.get("heartbeat-interval-seconds"))),
                bool(f.get("allow-software-attestation")));
        return new GenesisPayload(1, f.get("federation-name"), certs.get(0), HexFormat.of().parseHex(root), peers, params,
                new PcrPolicy(selection, expected), Instant.parse(f.get("issued-at")));
    }

    private static boolean bool(String v) throws PkiException {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new PkiException("allow-software-attestation must be true or false");
        };
    }

    private static BootstrapPeer peer(String line) throws PkiException, io.aethercore.api.crypto.MalformedKeyException {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.split(";", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0 || kv.put(part.substring(0, eq).toLowerCase(Locale.ROOT), part.substring(eq + 1)) != null) {
                throw new PkiException("peer '" + clip(line) + "': fields are name=..;address=..;x25519=..;mldsa87=..;role=..");
            }
        }
        if (!kv.keySet().equals(java.util.Set.of("name", "address", "x25519", "mldsa87", "role"))) {
            throw new PkiException("peer '" + clip(line) + "' needs exactly name, address, x25519, mldsa87 and role");
        }
        String address = kv.get("address");
        int c = address.lastIndexOf(':');
        if (c <= 0) {
            throw new PkiException("peer address '" + clip(address) + "' is not host:port");
        }
        int port = Integer.parseInt(address.substring(c + 1));
        if (port < 1 || port > 65535) {
            throw new PkiException("peer port " + port + " out of range");
        }
        String role = kv.get("role");
        if (!role.equals("fa") && !role.equals("member")) {
            throw new PkiException("peer role must be fa or member");
        }
        Base64.Decoder d = Base64.getDecoder();
        return new BootstrapPeer(kv.get("name"), InetSocketAddress.createUnresolved(address.substring(0, c), port),
                RawPublicKey.of(KeyAlgorithm.X25519, d.decode(kv.get("x25519"))),
                RawPublicKey.fromSpki(d.decode(kv.get("mldsa87"))), role.equals("fa"));
    }

    private static String clip(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder b = new StringBuilder();
        for (char ch : t.toCharArray()) {
            b.append(Character.isISOControl(ch) ? '?' : ch);
        }
        return b.toString();
    }
}
