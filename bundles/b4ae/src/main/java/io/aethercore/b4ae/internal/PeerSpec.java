package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import io.aethercore.b4ae.internal.config.B4aeSettingsParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One {@code peers} entry of the configuration:
 * {@code name=bob;address=10.0.0.2:4000;x25519=<key>;mldsa87=<key>;modes=mode_a,mode_b;valid_from=2026-01-01T00:00:00Z}.
 * A key is base64 of the raw key or of its SubjectPublicKeyInfo, or {@code @/path/to/key.pem} (SPKI PEM, as
 * {@code openssl pkey -pubout} writes). Only {@code name} and {@code x25519} are required; {@code validFrom} is
 * null when the entry has no {@code valid_from}.
 */
record PeerSpec(String name, InetSocketAddress address, RawPublicKey x25519, RawPublicKey mldsa, Set<Mode> modes,
                Instant validFrom) {

    /** A {@code name=} that starts a peer: at the start or after a separator (base64 never holds one). */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "(?:^|[;,|\\s\"\\[])name\\s*=", java.util.regex.Pattern.CASE_INSENSITIVE);

    static PeerSpec parse(String text) {
        String t = text.strip();
        if (t.startsWith("[") || t.startsWith("\"")) {
            throw new IllegalArgumentException("peers entry '" + abbreviate(t) + "' has list brackets or quotes, which a"
                    + " .cfg file keeps as part of the text; write " + B4aeSettingsParser.PEERS_FORM);
        }
        int names = 0;
        for (java.util.regex.Matcher m = NAME.matcher(t); m.find(); ) {
            names++;
        }
        if (names > 1) {
            throw new IllegalArgumentException("peers entry '" + abbreviate(t) + "' holds " + names + " peers; write "
                    + B4aeSettingsParser.PEERS_FORM);
        }
        Map<String, String> kv = new HashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("peer entry part '" + abbreviate(part.trim()) + "' is not key=value;"
                        + " a peers entry is name=...;address=host:port;x25519=...;mldsa87=...");
            }
            kv.put(part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), part.substring(eq + 1).trim());
        }
        String name = kv.get("name");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("peer entry needs name=<1-64 of A-Z a-z 0-9 . _ ->: " + abbreviate(text)
                    + "; write " + B4aeSettingsParser.PEERS_FORM);
        }
        if (!kv.containsKey("x25519")) {
            throw new IllegalArgumentException("peer '" + name + "' needs x25519=<public key>");
        }
        InetSocketAddress address = kv.containsKey("address") ? UdpTransport.parse(kv.get("address")) : null;
        RawPublicKey x = key(name, KeyAlgorithm.X25519, kv.get("x25519"));
        RawPublicKey q = kv.containsKey("mldsa87") ? key(name, KeyAlgorithm.ML_DSA_87, kv.get("mldsa87")) : null;
        Set<Mode> modes = kv.containsKey("modes") ? Mode.parseSet(kv.get("modes")) : Set.of();
        // without valid_from the rotation period counts from when this node first saw the key (FirstSeenStore:
        // kept on disk, so that it does not restart at every reload); null here
        Instant from = kv.containsKey("valid_from") ? Instant.parse(kv.get("valid_from")) : null;
        return new PeerSpec(name, address, x, q, modes, from);
    }

    /** Entries hold keys thousands of characters long: messages show their start. */
    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static RawPublicKey key(String peer, KeyAlgorithm alg, String text) {
        try {
            if (text.startsWith("@")) {
                return check(peer, alg, RawPublicKey.fromPem(Files.readString(Path.of(text.substring(1)))));
            }
            byte[] raw = Base64.getDecoder().decode(text);
            return check(peer, alg, raw.length == alg.publicKeyLength() ? RawPublicKey.of(alg, raw) : RawPublicKey.fromSpki(raw));
        } catch (IOException e) {
            throw new IllegalArgumentException("peer '" + peer + "': cannot read " + text.substring(1) + ": " + e.getMessage());
        } catch (CryptoException | IllegalArgumentException e) {
            throw new IllegalArgumentException("peer '" + peer + "': " + alg.id() + " key is not valid: " + e.getMessage());
        }
    }

    private static RawPublicKey check(String peer, KeyAlgorithm alg, RawPublicKey k) {
        if (k.algorithm() != alg) {
            throw new IllegalArgumentException("peer '" + peer + "': expected an " + alg.id() + " key, got " + k.algorithm().id());
        }
        return k;
    }

    /** The entry for this node's own keys, for operators to paste into a peer's configuration. */
    static String describe(String name, InetSocketAddress address, StaticKeys keys) {
        StringBuilder b = new StringBuilder("name=").append(name);
        if (address != null) {
            b.append(";address=").append(address.getHostString()).append(':').append(address.getPort());
        }
        b.append(";x25519=").append(Base64.getEncoder().encodeToString(keys.x25519().encoded()));
        if (keys.mldsa() != null) {
            b.append(";mldsa87=").append(Base64.getEncoder().encodeToString(keys.mldsa().toSpki()));
        }
        return b.toString();
    }
}
