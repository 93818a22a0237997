package io.aethercore.mesh.pki;

import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.MalformedKeyException;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.mesh.pki.GenesisPayload.BootstrapPeer;
import io.aethercore.mesh.pki.GenesisPayload.MeshParameters;
import io.aethercore.mesh.pki.GenesisPayload.PcrPolicy;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The genesis payload's text form (docs/mesh-pki.md, "Payload"): UTF-8, first line {@code aethercore-genesis/1},
 * then {@code key: value} lines in a fixed order, then {@code federation-root:} and the root's PEM block.
 * The parser is strict: an unknown, repeated, missing or misplaced key, a bad value, another version, more than
 * {@value #MAX_BYTES} bytes or more than {@value GenesisPayload#MAX_PEERS} peers is a {@link PkiException}
 * naming the line.
 */
public final class GenesisPayloadCodec {

    /** Largest payload read. */
    public static final int MAX_BYTES = 256 * 1024;

    static final String MAGIC = "aethercore-genesis/";
    static final String ROOT_KEY = "federation-root";

    /** The single-valued keys, in their order; {@code pcr.<n>} and {@code peer} lines follow, then the root. */
    private static final List<String> KEYS = List.of("federation-name", "issued-at", "initial-gospel-root", "quorum-size",
            "healthy-threshold", "quarantine-threshold", "reattestation-interval-seconds", "heartbeat-interval-seconds",
            "allow-software-attestation", "pcr-selection");
    private static final int RANK_PCR = KEYS.size();
    private static final int RANK_PEER = KEYS.size() + 1;
    private static final int RANK_ROOT = KEYS.size() + 2;

    private static final Pattern LINE = Pattern.compile("([a-z0-9.-]+):(?: (.*))?");
    private static final Pattern PCR_KEY = Pattern.compile("pcr\\.([0-9]{1,2})");
    private static final Pattern PEER = Pattern.compile(
            "name=([^;]*);address=([^;]*);x25519=([A-Za-z0-9+/=]*);mldsa87=([A-Za-z0-9+/=]*);role=(fa|member)");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private GenesisPayloadCodec() {
    }

    public static byte[] encode(GenesisPayload p) {
        StringBuilder s = new StringBuilder(MAGIC).append(p.version()).append('\n');
        MeshParameters m = p.parameters();
        line(s, "federation-name", p.federationName());
        line(s, "issued-at", p.issuedAt().toString());
        line(s, "initial-gospel-root", HexFormat.of().formatHex(p.initialGospelRoot()));
        line(s, "quorum-size", Integer.toString(m.quorumSize()));
        line(s, "healthy-threshold", BigDecimal.valueOf(m.healthyThreshold()).toPlainString());
        line(s, "quarantine-threshold", BigDecimal.valueOf(m.quarantineThreshold()).toPlainString());
        line(s, "reattestation-interval-seconds", Long.toString(m.reattestationInterval().getSeconds()));
        line(s, "heartbeat-interval-seconds", Long.toString(m.heartbeatInterval().getSeconds()));
        line(s, "allow-software-attestation", Boolean.toString(m.allowSoftwareAttestation()));
        PcrPolicy policy = p.enrollmentPolicy();
        line(s, "pcr-selection", policy.selection().toString());
        if (policy.expected() != null) {
            for (int pcr : policy.selection().pcrs()) {
                line(s, "pcr." + pcr, HexFormat.of().formatHex(policy.expected().value(pcr)));
            }
        }
        for (BootstrapPeer peer : p.bootstrapPeers()) {
            String address = Addresses.format(peer.address());
            Addresses.parse(address);
            line(s, "peer", "name=" + peer.name() + ";address=" + address
                    + ";x25519=" + Base64.getEncoder().encodeToString(peer.x25519().encoded())
                    + ";mldsa87=" + Base64.getEncoder().encodeToString(peer.mlDsa87().toSpki())
                    + ";role=" + (peer.federationAuthority() ? "fa" : "member"));
        }
        s.append(ROOT_KEY).append(":\n").append(Pem.encode(p.federationRoot()));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append(key).append(": ").append(value).append('\n');
    }

    /** Parses and validates a payload; the root certificate is read but not checked (that is the bundle's job). */
    public static GenesisPayload decode(byte[] bytes) throws PkiException {
        if (bytes == null || bytes.length == 0) {
            throw new PkiException("genesis payload is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw new PkiException("genesis payload is " + bytes.length + " bytes, more than the limit of " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PkiException("genesis payload is not UTF-8 text");
        }
        if (text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            throw new PkiException("genesis payload contains carriage returns or NUL characters");
        }
        String[] lines = text.split("\n", -1);
        version(lines[0]);
        Map<String, String> single = new HashMap<>();
        Map<Integer, String> pcrLines = new java.util.LinkedHashMap<>();
        List<String> peerLines = new ArrayList<>();
        List<Integer> peerLineNumbers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int lastRank = -1;
        int lastPcr = -1;
        int i = 1;
        for (; i < lines.length; i++) {
            int n = i + 1;
            if (i == lines.length - 1 && lines[i].isEmpty()) {
                break; // the final newline
            }
            Matcher lm = LINE.matcher(lines[i]);
            if (!lm.matches()) {
                throw new PkiException("genesis payload line " + n + ": not 'key: value'");
            }
            String key = lm.group(1);
            String value = lm.group(2) == null ? "" : lm.group(2);
            Matcher pm = PCR_KEY.matcher(key);
            int rank = key.equals(ROOT_KEY) ? RANK_ROOT : key.equals("peer") ? RANK_PEER : pm.matches() ? RANK_PCR : KEYS.indexOf(key);
            if (rank < 0) {
                throw new PkiException("genesis payload line " + n + ": unknown key '" + Addresses.shorten(key) + "'");
            }
            if (rank != RANK_PEER && !seen.add(key)) {
                throw new PkiException("genesis payload line " + n + ": duplicate key '" + key + "'");
            }
            if (rank < lastRank) {
                throw new PkiException("genesis payload line " + n + ": key '" + key + "' is out of order");
            }
            if (lastRank + 1 < KEYS.size() && rank > lastRank + 1) {
                throw new PkiException("genesis payload line " + n + ": missing key '" + KEYS.get(lastRank + 1)
                        + "' before '" + key + "'");
            }
            lastRank = rank;
            if (rank == RANK_ROOT) {
                if (!value.isEmpty()) {
                    throw new PkiException("genesis payload line " + n + ": '" + ROOT_KEY + ":' must be followed by a PEM block on the next lines");
                }
                break;
            } else if (rank == RANK_PEER) {
                if (peerLines.size() == GenesisPayload.MAX_PEERS) {
                    throw new PkiException("genesis payload line " + n + ": more than " + GenesisPayload.MAX_PEERS + " bootstrap peers");
                }
                peerLines.add(value);
                peerLineNumbers.add(n);
            } else if (rank == RANK_PCR) {
                int pcr = Integer.parseInt(pm.group(1));
                if (pcr <= lastPcr) {
                    throw new PkiException("genesis payload line " + n + ": PCR lines must be in ascending order");
                }
                lastPcr = pcr;
                pcrLines.put(pcr, value);
            } else {
                single.put(key, value);
            }
        }
        if (lastRank != RANK_ROOT) {
            throw new PkiException("genesis payload: missing key '" + (lastRank < KEYS.size() - 1 ? KEYS.get(lastRank + 1) : ROOT_KEY)
                    + "' at line " + (lines.length));
        }
        int rootLine = i + 1;
        String pem = String.join("\n", java.util.Arrays.copyOfRange(lines, i + 1, lines.length));
        if (!pem.startsWith(Pem.BEGIN) || !pem.endsWith(Pem.END + "\n")
                || pem.indexOf(Pem.END) != pem.length() - Pem.END.length() - 1) {
            throw new PkiException("genesis payload line " + (rootLine + 1) + ": expected exactly one PEM certificate, ending the payload");
        }
        X509Certificate root;
        try {
            root = Pem.readCertificates(pem).get(0);
        } catch (PkiException e) {
            throw new PkiException("genesis payload line " + (rootLine + 1) + ": federation root: " + e.getMessage(), e);
        }
        return build(single, pcrLines, peerLines, peerLineNumbers, root, lineOf(lines));
    }

    private static void version(String first) throws PkiException {
        if (!first.startsWith(MAGIC)) {
            throw new PkiException("genesis payload line 1: not a genesis payload (expected '" + MAGIC + GenesisPayload.VERSION + "')");
        }
        String v = first.substring(MAGIC.length());
        if (!v.equals(Integer.toString(GenesisPayload.VERSION))) {
            throw new PkiException("genesis payload line 1: version '" + Addresses.shorten(v) + "' is not supported (this node reads version "
                    + GenesisPayload.VERSION + "); upgrade the node or issue a version " + GenesisPayload.VERSION + " bundle");
        }
    }

    private static Map<String, Integer> lineOf(String[] lines) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                m.putIfAbsent(lines[i].substring(0, c), i + 1);
            }
        }
        return m;
    }

    private static GenesisPayload build(Map<String, String> v, Map<Integer, String> pcrLines, List<String> peerLines,
            List<Integer> peerLineNumbers, X509Certificate root, Map<String, Integer> lineOf) throws PkiException {
        String key = null;
        try {
            key = "initial-gospel-root";
            String gospel = v.get(key);
            if (!HEX64.matcher(gospel).matches()) {
                throw new IllegalArgumentException("expected 64 lower-case hex digits");
            }
            byte[] gospelRoot = HexFormat.of().parseHex(gospel);
            key = "issued-at";
            Instant issuedAt = Instant.parse(v.get(key));
            key = "quorum-size";
            int quorum = Integer.parseInt(digits(v.get(key), 9));
            key = "healthy-threshold";
            double healthy = decimal(v.get(key));
            key = "quarantine-threshold";
            double quarantine = decimal(v.get(key));
            key = "reattestation-interval-seconds";
            Duration reattest = Duration.ofSeconds(Long.parseLong(digits(v.get(key), 9)));
            key = "heartbeat-interval-seconds";
            Duration heartbeat = Duration.ofSeconds(Long.parseLong(digits(v.get(key), 9)));
            key = "allow-software-attestation";
            String sw = v.get(key);
            if (!sw.equals("true") && !sw.equals("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            MeshParameters params = new MeshParameters(quorum, healthy, quarantine, reattest, heartbeat, Boolean.parseBoolean(sw));
            key = "pcr-selection";
            PcrSelection selection = PcrSelection.parse(v.get(key));
            if (!selection.toString().equals(v.get(key))) {
                throw new IllegalArgumentException("not in the canonical form '" + selection + "'");
            }
            PcrValues expected = expected(selection, pcrLines);
            List<BootstrapPeer> peers = new ArrayList<>();
            for (int p = 0; p < peerLines.size(); p++) {
                try {
                    peers.add(peer(peerLines.get(p)));
                } catch (IllegalArgumentException | MalformedKeyException e) {
                    throw new PkiException("genesis payload line " + peerLineNumbers.get(p) + ": bad peer: " + e.getMessage(), e);
                }
            }
            key = "federation-name";
            return new GenesisPayload(GenesisPayload.VERSION, v.get(key), root, gospelRoot, peers, params,
                    new PcrPolicy(selection, expected), issuedAt);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            Integer line = lineOf.get(key);
            throw new PkiException("genesis payload line " + line + ": bad " + key + ": " + e.getMessage(), e);
        }
    }

    private static PcrValues expected(PcrSelection selection, Map<Integer, String> pcrLines) throws PkiException {
        if (pcrLines.isEmpty()) {
            return null;
        }
        int[] pcrs = selection.pcrs();
        if (!java.util.Arrays.equals(pcrLines.keySet().stream().mapToInt(Integer::intValue).toArray(), pcrs)) {
            throw new IllegalArgumentException("the pcr.<n> lines list PCRs " + pcrLines.keySet()
                    + ", the selection " + selection + " needs exactly these or none");
        }
        byte[][] values = new byte[pcrs.length][];
        int len = selection.bank().digestLength();
        for (int i = 0; i < pcrs.length; i++) {
            String hex = pcrLines.get(pcrs[i]);
            if (!hex.matches("[0-9a-f]{" + (2 * len) + "}")) {
                throw new IllegalArgumentException("PCR " + pcrs[i] + " must be " + (2 * len) + " lower-case hex digits");
            }
            values[i] = HexFormat.of().parseHex(hex);
        }
        return new PcrValues(selection, values);
    }

    private static BootstrapPeer peer(String value) throws MalformedKeyException {
        Matcher m = PEER.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected name=..;address=host:port;x25519=<base64>;mldsa87=<base64>;role=fa|member");
        }
        RawPublicKey x25519 = RawPublicKey.of(KeyAlgorithm.X25519, Base64.getDecoder().decode(m.group(3)));
        RawPublicKey mlDsa = RawPublicKey.fromSpki(Base64.getDecoder().decode(m.group(4)));
        return new BootstrapPeer(m.group(1), Addresses.parse(m.group(2)), x25519, mlDsa, m.group(5).equals("fa"));
    }

    private static String digits(String s, int max) {
        if (!s.matches("[0-9]{1," + max + "}")) {
            throw new IllegalArgumentException("expected a whole number, got '" + Addresses.shorten(s) + "'");
        }
        return s;
    }

    private static double decimal(String s) {
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,20})?")) {
            throw new IllegalArgumentException("expected a decimal number such as 0.9, got '" + Addresses.shorten(s) + "'");
        }
        return Double.parseDouble(s);
    }
}
