package io.aethercore.audit.internal;

import io.aethercore.support.json.Json;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical record encoding (docs/audit.md): UTF-8 JSON with a fixed member order and one way of
 * escaping,
 *
 * <pre>{"v":1,"event_id":..,"timestamp_ns":..,"operator_id":..,"action":..,"target":..[,"peer_id":..],
 * "details":{sorted},"key_id":..,"signature":"hex"}</pre>
 *
 * The signature covers the same bytes without the {@code signature} member (the record up to {@code
 * key_id}, closed with {@code }}). Parsing accepts only the canonical form: it re-encodes what it read
 * and requires the very same bytes, so what is displayed is exactly what was signed.
 */
public final class RecordCodec {

    public static final int VERSION = 1;
    /** Largest stored record: the event limits plus an ML-DSA-87 signature in hex fit well below this. */
    public static final int MAX_RECORD_BYTES = 1 << 20;
    private static final byte[] SIG_MEMBER = ",\"signature\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private RecordCodec() {}

    /** The bytes the node signs. */
    public static byte[] unsigned(String eventId, long timestampNs, AuditEvent e, String keyId) {
        return body(eventId, timestampNs, e.operatorId(), e.action(), e.target(), e.peerId(), e.details(), keyId)
                .append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder body(String eventId, long ts, String operator, String action, String target,
            String peer, Map<String, String> details, String keyId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"v\":").append(VERSION).append(",\"event_id\":");
        Json.string(sb, eventId).append(",\"timestamp_ns\":").append(ts).append(",\"operator_id\":");
        Json.string(sb, operator).append(",\"action\":");
        Json.string(sb, action).append(",\"target\":");
        Json.string(sb, target);
        if (peer != null) {
            Json.string(sb.append(",\"peer_id\":"), peer);
        }
        sb.append(",\"details\":{");
        boolean first = true;
        for (Map.Entry<String, String> d : new TreeMap<>(details).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.string(sb, d.getKey()).append(':');
            Json.string(sb, d.getValue());
        }
        sb.append("},\"key_id\":");
        return Json.string(sb, keyId);
    }

    /** The stored record: the unsigned bytes with the signature member appended. */
    public static byte[] signed(byte[] unsigned, byte[] signature) {
        byte[] hex = HEX.formatHex(signature).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[unsigned.length - 1 + SIG_MEMBER.length + hex.length + 2];
        System.arraycopy(unsigned, 0, out, 0, unsigned.length - 1);
        int p = unsigned.length - 1;
        System.arraycopy(SIG_MEMBER, 0, out, p, SIG_MEMBER.length);
        p += SIG_MEMBER.length;
        System.arraycopy(hex, 0, out, p, hex.length);
        p += hex.length;
        out[p++] = '"';
        out[p] = '}';
        return out;
    }

    /**
     * The signed part of stored bytes.
     *
     * @throws IllegalArgumentException if the bytes do not end with a signature member
     */
    public static byte[] signedPart(byte[] stored) {
        int at = lastIndexOf(stored, SIG_MEMBER);
        if (at < 0 || stored.length < at + SIG_MEMBER.length + 2 || stored[stored.length - 1] != '}'
                || stored[stored.length - 2] != '"') {
            throw new IllegalArgumentException("record does not end with its signature member");
        }
        byte[] out = Arrays.copyOf(stored, at + 1);
        out[at] = '}';
        return out;
    }

    private static int lastIndexOf(byte[] a, byte[] b) {
        outer:
        for (int i = a.length - b.length; i >= 0; i--) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Parses stored bytes strictly.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static AuditRecord parse(long leafIndex, byte[] stored) {
        if (stored.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + stored.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(stored)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("record is not valid UTF-8");
        }
        Map<String, Object> m = Json.parseObject(text);
        if (!Long.valueOf(VERSION).equals(m.get("v"))) {
            throw new IllegalArgumentException("record format version is not " + VERSION);
        }
        String eventId = str(m, "event_id");
        long ts = m.get("timestamp_ns") instanceof Long l ? l : fail("timestamp_ns is not an integer");
        String operator = str(m, "operator_id");
        String action = str(m, "action");
        String target = str(m, "target");
        String peer = m.containsKey("peer_id") ? str(m, "peer_id") : null;
        if (!(m.get("details") instanceof Map<?, ?> rawDetails)) {
            throw new IllegalArgumentException("details is not an object");
        }
        TreeMap<String, String> details = new TreeMap<>();
        for (Map.Entry<?, ?> d : rawDetails.entrySet()) {
            if (!(d.getValue() instanceof String v)) {
                throw new IllegalArgumentException("detail '" + d.getKey() + "' is not a string");
            }
            details.put((String) d.getKey(), v);
        }
        String keyId = str(m, "key_id");
        byte[] sig;
        try {
            sig = HEX.parseHex(str(m, "signature"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signature is not hex");
        }
        if (m.size() != (peer == null ? 9 : 10)) {
            throw new IllegalArgumentException("record has unknown members");
        }
        byte[] canonical = signed(body(eventId, ts, operator, action, target, peer, details, keyId).append('}')
                .toString().getBytes(StandardCharsets.UTF_8), sig);
        if (!Arrays.equals(canonical, stored)) {
            throw new IllegalArgumentException("record is not in canonical form");
        }
        return new AuditRecord(leafIndex, eventId, ts, operator, action, target, peer, details, keyId, sig, stored,
                false);
    }

    private static String str(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(key + " is missing or not a string");
        }
        return s;
    }

    private static long fail(String what) {
        throw new IllegalArgumentException(what);
    }

    /**
     * The operator's view of a record (docs/operations.md, "Audit log"): {@code event_id, timestamp_ns, operator_id, action,
     * target, signature, merkle_proof}, pretty-printed with two spaces.
     */
    public static String operatorJson(AuditRecord r, List<byte[]> proof) {
        StringBuilder sb = new StringBuilder("{\n  \"event_id\": ");
        Json.string(sb, r.eventId()).append(",\n  \"timestamp_ns\": ").append(r.timestampNs())
                .append(",\n  \"operator_id\": ");
        Json.string(sb, r.operatorId()).append(",\n  \"action\": ");
        Json.string(sb, r.action()).append(",\n  \"target\": ");
        Json.string(sb, r.target()).append(",\n  \"signature\": ");
        Json.string(sb, HEX.formatHex(r.signature())).append(",\n  \"merkle_proof\": [");
        for (int i = 0; i < proof.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(HEX.formatHex(proof.get(i))).append('"');
        }
        return sb.append("]\n}").toString();
    }

    /** One-line JSON of a record for sinks: the operator view's fields plus leaf index, peer, details, key id. */
    public static String sinkJson(AuditRecord r) {
        StringBuilder sb = new StringBuilder(256).append("{\"event_id\":");
        Json.string(sb, r.eventId()).append(",\"timestamp_ns\":").append(r.timestampNs()).append(",\"leaf_index\":")
                .append(r.leafIndex()).append(",\"operator_id\":");
        Json.string(sb, r.operatorId()).append(",\"action\":");
        Json.string(sb, r.action()).append(",\"target\":");
        Json.string(sb, r.target());
        if (r.peerId() != null) {
            Json.string(sb.append(",\"peer_id\":"), r.peerId());
        }
        sb.append(",\"details\":{");
        boolean first = true;
        for (Map.Entry<String, String> d : r.details().entrySet()) {
            sb.append(first ? "" : ",");
            first = false;
            Json.string(sb, d.getKey()).append(':');
            Json.string(sb, d.getValue());
        }
        sb.append("},\"key_id\":");
        Json.string(sb, r.keyId()).append(",\"signature\":\"").append(HEX.formatHex(r.signature())).append('"');
        if (r.identitiesHashed()) {
            sb.append(",\"identities_hashed\":true");
        }
        return sb.append('}').toString();
    }
}
