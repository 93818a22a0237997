package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.AeadService;
import io.aethercore.api.crypto.HashService;
import io.aethercore.api.crypto.KdfService;
import io.aethercore.api.crypto.KemService;
import io.aethercore.api.crypto.KeyAgreementService;
import io.aethercore.api.crypto.SignatureService;
import io.aethercore.support.service.RankedServices;

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

    RankedServices<HashService> hashes() {
        return hashes;
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

    /** The best complete suite now, or null while BLAKE3, HKDF, ChaCha20-Poly1305 or X25519 is missing. */
    Suite suite() {
        HashService h = hashes.bestFor("BLAKE3");
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
