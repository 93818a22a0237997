package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.CryptoServices;
import io.aethercore.api.crypto.HashAlgorithm;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.support.service.RankedServices;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The crypto providers an endpoint has bound, ranked per algorithm, and the {@link Suite} they make. OSGi-free:
 * {@link ChannelHost} binds and unbinds (every reference DYNAMIC and GREEDY) and asks for the suite again after
 * each change, so a provider swapped at runtime serves the next handshake and record.
 */
final class CryptoProviders {

    private final RankedServices<HashService> hashes = new RankedServices<>("BLAKE3 hash provider");
    private final RankedServices<KdfService> kdfs = new RankedServices<>("HKDF provider");
    private final RankedServices<AeadService> aeads = new RankedServices<>("AEAD provider");
    private final RankedServices<KeyAgreementService> dhs = new RankedServices<>("X25519 provider");
    private final RankedServices<KemService> kems = new RankedServices<>("ML-KEM-1024 provider");
    private final RankedServices<SignatureService> sigs = new RankedServices<>("ML-DSA-87 verifier");
    private final Set<HashService> nativeHashes = ConcurrentHashMap.newKeySet();

    RankedServices<HashService> hashes() {
        return hashes;
    }

    /** Binds a BLAKE3 provider, noting whether it is native ({@link CryptoServices#NATIVE}). */
    void bindHash(HashService s, Map<String, ?> properties) {
        if (Boolean.TRUE.equals(properties.get(CryptoServices.NATIVE))) {
            nativeHashes.add(s);
        }
        hashes.bind(s, properties);
    }

    void unbindHash(HashService s) {
        hashes.unbind(s);
        nativeHashes.remove(s);
    }

    RankedServices<KdfService> kdfs() {
        return kdfs;
    }

    RankedServices<AeadService> aeads() {
        return aeads;
    }

    RankedServices<KeyAgreementService> dhs() {
        return dhs;
    }

    RankedServices<KemService> kems() {
        return kems;
    }

    RankedServices<SignatureService> sigs() {
        return sigs;
    }

    /**
     * The best complete suite now, or null while BLAKE3, HKDF, ChaCha20-Poly1305 or X25519 is missing.
     *
     * <p>BLAKE3: the best in-process provider, and a native one only when there is no other. B4AE hashes small
     * inputs only (MACs over a datagram, transcripts of a few KB), where a JNI call per hash costs more than the
     * native code saves: the cookie check of a Mode A INIT took 25.6 us through the native provider against
     * 2.95 us in process (docs/PERFORMANCE.md, "B4AE under attack"), and that check is what a flood meets.
     */
    Suite suite() {
        HashService h = hashes.best(s -> s.algorithms().contains(HashAlgorithm.BLAKE3) && !nativeHashes.contains(s));
        if (h == null) {
            h = hashes.bestFor("BLAKE3");
        }
        KdfService k = kdfs.bestFor("HKDF-SHA256");
        AeadService a = aeads.bestFor("ChaCha20-Poly1305");
        KeyAgreementService d = dhs.bestFor("X25519");
        if (h == null || k == null || a == null || d == null) {
            return null;
        }
        return new Suite(h, k, a, d, kems.bestFor("ML-KEM-1024"), sigs.bestFor("ML-DSA-87"), transportAesGcm());
    }

    /**
     * The AES-256-GCM provider for DATA records, or null to offer ChaCha20-Poly1305 only (§5.6): only a provider
     * that runs on the CPU's AES instructions (the JDK's, where HotSpot has them: {@link TransportAead}); elsewhere
     * ChaCha20-Poly1305 in software is the faster of the two.
     */
    private AeadService transportAesGcm() {
        AeadService aes = aeads.bestFor("AES-256-GCM");
        return aes != null && TransportAead.hardwareAes(aes) ? aes : null;
    }
}
