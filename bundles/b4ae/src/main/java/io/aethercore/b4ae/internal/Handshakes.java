package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.PinnedKey;
import io.aethercore.api.b4ae.TrustStore;
import io.aethercore.api.crypto.AeadAlgorithm;
import io.aethercore.api.crypto.AeadAuthenticationException;
import io.aethercore.api.crypto.CryptoException;
import io.aethercore.api.crypto.Encapsulation;
import io.aethercore.api.crypto.EphemeralKeyPair;
import io.aethercore.api.crypto.KemKeyPair;
import io.aethercore.api.crypto.KeyAlgorithm;
import io.aethercore.api.crypto.RawPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Mode A and Mode B handshakes of docs/b4ae-protocol.md §5, OSGi-free and transport-free. */
final class Handshakes {

    private static final Logger LOG = LoggerFactory.getLogger(Handshakes.class);

    private Handshakes() {}

    static final String NAME_A = "B4AE-v2 A IK X25519 ChaChaPoly BLAKE3 HKDF-SHA256";
    static final String NAME_B = "B4AE-v2 B X25519+MLKEM1024 MLDSA87 ChaChaPoly BLAKE3 HKDF-SHA256";
    static final String TRAFFIC_A = "b4ae-v2 traffic A";
    static final String TRAFFIC_B = "b4ae-v2 traffic B";
    static final byte[] SIG_R = Suite.label("b4ae-v2 B responder");
    static final byte[] SIG_I = Suite.label("b4ae-v2 B initiator");
    static final int SIG_LEN = KeyAlgorithm.ML_DSA_87.signatureLength();
    static final int KEM_PK = KeyAlgorithm.ML_KEM_1024.publicKeyLength();
    static final int KEM_CT = 1568;

    /** Traffic keys of one side: what it seals with and what it opens with. */
    record Keys(byte[] send, byte[] recv, AeadAlgorithm aead) {
        Keys(byte[] send, byte[] recv) {
            this(send, recv, AeadAlgorithm.CHACHA20_POLY1305);
        }

        void wipe() {
            Bytes.wipe(send, recv);
        }
    }

    /** §2.1: preferred if common, else the strongest common mode, else null. */
    static Mode select(int offered, int preferred, int supported) {
        int common = offered & supported;
        if ((common & preferred) != 0 && Integer.bitCount(preferred) == 1) {
            return Mode.fromByte(preferred);
        }
        if ((common & Mode.B.bit()) != 0) {
            return Mode.B;
        }
        if ((common & Mode.A.bit()) != 0) {
            return Mode.A;
        }
        return null;
    }

    static RawPublicKey x25519(byte[] raw) throws HandshakeException {
        try {
            return RawPublicKey.of(KeyAlgorithm.X25519, raw);
        } catch (CryptoException e) {
            throw new HandshakeException("malformed", "bad X25519 key");
        }
    }

    static byte[] dh(EphemeralKeyPair e, RawPublicKey peer) throws HandshakeException {
        try {
            return e.agree(peer);
        } catch (CryptoException ex) {
            throw new HandshakeException("dh", "key agreement failed (low-order point)");
        }
    }

    static byte[] dhStatic(StaticKeys local, RawPublicKey peer) throws HandshakeException {
        try {
            return local.agree(peer);
        } catch (CryptoException ex) {
            throw new HandshakeException("dh", "static key agreement failed");
        }
    }

    static byte[] timestamp(Instant now) {
        byte[] t = new byte[12];
        Bytes.put64(t, 0, now.getEpochSecond());
        Bytes.put32(t, 8, now.getNano());
        return t;
    }

    // ---------------------------------------------------------------------------------------------
    // Initiator

    static final class Initiator {
        private final Mode mode;
        private final int offered;
        private final int preferred;
        private final int index;
        private final String peer;
        private final RawPublicKey peerStatic;
        private final RawPublicKey peerSig;
        private final byte[] body;
        private SymmetricState ss;
        private final EphemeralKeyPair e;
        private final KemKeyPair kem;
        /** The generation of this node's keys the handshake started with (a rotation may come in between). */
        private StaticKeys local;
        /** Mode B enrollment: this ML-DSA-87 key goes into FINISH (§3.4 flag 1); null: the plain FINISH. */
        private RawPublicKey included;

        private Initiator(Mode mode, int offered, int preferred, int index, String peer, RawPublicKey peerStatic,
                          RawPublicKey peerSig, byte[] body, SymmetricState ss, EphemeralKeyPair e, KemKeyPair kem) {
            this.mode = mode;
            this.offered = offered;
            this.preferred = preferred;
            this.index = index;
            this.peer = peer;
            this.peerStatic = peerStatic;
            this.peerSig = peerSig;
            this.body = body;
            this.ss = ss;
            this.e = e;
            this.kem = kem;
        }

        byte[] ephemeral() {
            return e.publicKey().encoded();
        }

        Mode mode() { return mode; }
        /** This side's sender index. */
        int index() { return index; }
        /** This node's keys the INIT was made with. */
        StaticKeys local() { return local; }
        RawPublicKey peerStatic() { return peerStatic; }
        RawPublicKey peerSig() { return peerSig; }
        /** The INIT body. */
        byte[] body() { return body; }

        /**
         * Makes this Mode B handshake send the FINISH with {@code key} included (enrollment, §5.2); the
         * engine passes this node's own ML-DSA-87 key, tests may pass another to check the responder.
         */
        Initiator includeKey(RawPublicKey key) {
            this.included = key;
            return this;
        }

        boolean includesKey() { return included != null; }

        /**
         * Builds INIT (§3.4, §5.1/§5.2).
         *
         * @param staticStatic DH(s_i, S_r), cached per peer by the caller (Mode A only)
         */
        static Initiator start(Suite s, StaticKeys local, Mode mode, int offered, int preferred, int index, String peer,
                               RawPublicKey peerStatic, RawPublicKey peerSig, byte[] staticStatic, byte[] timestamp)
                throws HandshakeException {
            EphemeralKeyPair e = s.dh().generateEphemeral(KeyAlgorithm.X25519);
            byte[] head = new byte[8];
            head[0] = Wire.VERSION;
            head[1] = (byte) mode.bit();
            head[2] = (byte) ((offered & Wire.MODE_BITS) | (s.offersAesGcm() ? Wire.OFFER_AES_GCM : 0));
            head[3] = (byte) preferred;
            Bytes.put32(head, 4, index);
            byte[] epub = e.publicKey().encoded();
            if (mode == Mode.A) {
                SymmetricState ss = new SymmetricState(s, NAME_A);
                ss.mixHash(peerStatic.encoded());
                ss.mixHash(head);
                ss.mixHash(epub);
                ss.mixKey(dh(e, peerStatic));
                byte[] encS = ss.encryptAndHash(local.x25519().encoded());
                ss.mixKey(staticStatic.clone());
                byte[] encTs = ss.encryptAndHash(timestamp);
                byte[] body = Bytes.concat(head, epub, encS, encTs);
                Initiator a = new Initiator(mode, offered, preferred, index, peer, peerStatic, peerSig, body, ss, e, null);
                a.local = local;
                return a;
            }
            if (!s.modeBCapable()) {
                throw new HandshakeException("mode", "Mode B needs ML-KEM-1024 and ML-DSA-87 providers");
            }
            KemKeyPair kem = s.kem().generate(KeyAlgorithm.ML_KEM_1024);
            SymmetricState ss = new SymmetricState(s, NAME_B);
            ss.mixHash(Suite.label(peerSig.fingerprint()));
            byte[] body = Bytes.concat(head, epub, kem.publicKey().encoded());
            ss.mixHash(body);
            Initiator b = new Initiator(mode, offered, preferred, index, peer, peerStatic, peerSig, body, ss, e, kem);
            b.local = local;
            return b;
        }

        /** Result of processing RESP: the traffic keys, and FINISH for Mode B. */
        record Done(Keys keys, byte[] finish, int supportedR) {}

        /**
         * Processes RESP on a copy of the handshake state: a RESP that does not authenticate (forged by an on-path
         * attacker: it may even decrypt, carrying a bad signature) leaves this handshake as it was, so the
         * genuine RESP still completes it (§5.5). The ephemeral keys are closed only on success.
         */
        Done onResponse(Suite s, StaticKeys local, byte[] r) throws HandshakeException {
            if (ss == null) {
                throw new HandshakeException("state", "RESP already processed");
            }
            SymmetricState ss = this.ss.copy();
            boolean ok = false;
            try {
                int expected = mode == Mode.A ? Wire.RESP_A_LEN : Wire.RESP_B_LEN;
                if (r.length != expected || r[0] != Wire.VERSION || r[1] != mode.bit() || Bytes.i32(r, 8) != index) {
                    throw new HandshakeException("malformed", "RESP does not fit the INIT");
                }
                // §5.6: the responder's choice of the DATA records' AEAD, among what INIT offered (authenticated
                // with the rest of RESP's head below: a changed byte fails the transcript)
                AeadAlgorithm transport;
                if (r[3] == Wire.TRANSPORT_CHACHA20_POLY1305) {
                    transport = AeadAlgorithm.CHACHA20_POLY1305;
                } else if (r[3] == Wire.TRANSPORT_AES_256_GCM && s.offersAesGcm()) {
                    transport = AeadAlgorithm.AES_256_GCM;
                } else {
                    throw new HandshakeException("malformed", "RESP chose a record AEAD (" + (r[3] & 0xff)
                            + ") that INIT did not offer");
                }
                int supportedR = r[2] & 0xff;
                ss.mixHash(r, 0, 12);
                RawPublicKey er = x25519(Bytes.slice(r, 12, 32));
                ss.mixHash(er.encoded());
                ss.mixKey(dh(e, er));
                byte[] finish = null;
                if (mode == Mode.A) {
                    ss.mixKey(dhStatic(local, er));                             // se
                    ss.decryptAndHash(Bytes.slice(r, 44, 16));
                } else {
                    byte[] ct = Bytes.slice(r, 44, KEM_CT);
                    ss.mixHash(ct);
                    ss.mixKey(kem.decapsulate(ct));
                    byte[] signed = Bytes.concat(SIG_R, ss.h);
                    byte[] sig = ss.decryptAndHash(Bytes.slice(r, 44 + KEM_CT, SIG_LEN + 16));
                    try {
                        s.signatures().verify(peerSig, signed, sig);
                    } catch (CryptoException ex) {
                        throw new HandshakeException("signature", "responder signature does not verify under the pinned key");
                    }
                }
                // §2.1: the mode must be what negotiation gives with the responder's authenticated set
                if (select(offered, preferred, supportedR) != mode) {
                    throw new HandshakeException("downgrade", "responder supports " + Mode.fromMask(supportedR)
                            + "; negotiation of " + Mode.fromMask(offered) + " would not select " + mode);
                }
                if (mode == Mode.B) {
                    byte[] head = new byte[12];
                    head[0] = Wire.VERSION;
                    head[1] = (byte) mode.bit();
                    head[2] = (byte) (included == null ? Wire.FINISH_PLAIN : Wire.FINISH_KEY_INCLUDED);
                    Bytes.put32(head, 4, index);
                    Bytes.put32(head, 8, Bytes.i32(r, 4));
                    ss.mixHash(head);
                    byte[] fpRaw = java.util.HexFormat.of().parseHex(local.mldsa().fingerprint());
                    byte[] sig;
                    try {
                        sig = local.sign(Bytes.concat(SIG_I, ss.h, fpRaw));
                    } catch (CryptoException ex) {
                        throw new HandshakeException("custody", "cannot sign with the ML-DSA-87 key: " + ex.getMessage());
                    }
                    byte[] id = included == null ? Bytes.concat(fpRaw, sig) : Bytes.concat(fpRaw, included.toSpki(), sig);
                    finish = Bytes.concat(head, ss.encryptAndHash(id));
                }
                byte[][] k = ss.split(mode == Mode.A ? TRAFFIC_A : TRAFFIC_B);
                ok = true;
                return new Done(new Keys(k[0], k[1], transport), finish, supportedR);
            } catch (AeadAuthenticationException ex) {
                throw new HandshakeException("decrypt", "RESP does not authenticate");
            } catch (CryptoException ex) {
                throw new HandshakeException("malformed", "RESP: " + ex.getMessage());
            } finally {
                ss.wipe();
                if (ok) {
                    close();
                }
            }
        }

        void close() {
            e.close();
            if (kem != null) {
                kem.close();
            }
            if (ss != null) { // an attempt that ended without an authentic RESP
                ss.wipe();
                ss = null;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Responder

    /** What the responder learned from INIT and what it answers. */
    static final class Responder {
        private final Mode mode;
        private final int initiatorIndex;
        private final int index;
        private final byte[] resp;
        /** Mode A: known at once. Mode B: after FINISH. */
        private String peer;
        private RawPublicKey peerKey;
        private Keys keys;
        private SymmetricState ss;
        /** Mode B: false when the initiator's key was not pinned but included in FINISH and accepted. */
        private boolean pinned = true;
        /** Mode B: FINISH came with a key that is not pinned (accepted or not): a pre-authentication event. */
        private boolean unpinnedAttempt;
        /** Mode B: the DATA records' AEAD chosen in RESP, for the keys derived at FINISH. */
        private AeadAlgorithm transport = AeadAlgorithm.CHACHA20_POLY1305;

        private Responder(Mode mode, int initiatorIndex, int index, byte[] resp) {
            this.mode = mode;
            this.initiatorIndex = initiatorIndex;
            this.index = index;
            this.resp = resp;
        }

        Mode mode() { return mode; }
        int initiatorIndex() { return initiatorIndex; }
        /** This side's sender index. */
        int index() { return index; }
        /** The RESP body. */
        byte[] resp() { return resp; }
        /** The initiator's peer name (Mode B: after FINISH). */
        String peer() { return peer; }
        RawPublicKey peerKey() { return peerKey; }
        Keys keys() { return keys; }
        boolean pinned() { return pinned; }
        boolean unpinnedAttempt() { return unpinnedAttempt; }

        /** {@link #respond(Suite, StaticKeys, TrustStore, Instant, byte[], int, int, BiPredicate, Function, boolean)} without trust on first use. */
        static Responder respond(Suite s, StaticKeys local, TrustStore trust, Instant now, byte[] b, int index,
                                 int supported, BiPredicate<RawPublicKey, byte[]> freshTimestamp,
                                 Function<RawPublicKey, byte[]> ssCache) throws HandshakeException {
            return respond(s, local, trust, now, b, index, supported, freshTimestamp, ssCache, false);
        }

        /**
         * Processes INIT and builds RESP (§5.1/§5.2).
         *
         * @param freshTimestamp decides whether a Mode A timestamp is newer than the last one of that key
         * @param ssCache computes or returns the cached DH(s_r, S_i)
         * @param trustOnFirstUse a Mode A initiator whose static key is not pinned gets pinned (as
         *        {@code tofu-<fingerprint prefix>}) instead of refused
         */
        static Responder respond(Suite s, StaticKeys local, TrustStore trust, Instant now, byte[] b, int index,
                                 int supported, BiPredicate<RawPublicKey, byte[]> freshTimestamp,
                                 Function<RawPublicKey, byte[]> ssCache, boolean trustOnFirstUse)
                throws HandshakeException {
            if (b.length < 8 || b[0] != Wire.VERSION) {
                throw new HandshakeException("malformed", "INIT version");
            }
            Mode mode = Mode.fromByte(b[1]);
            int offered = b[2] & Wire.MODE_BITS;
            // §5.6: AES-256-GCM for DATA records when both sides want it (the initiator's bit, this suite)
            boolean aesGcm = (b[2] & Wire.OFFER_AES_GCM) != 0 && s.offersAesGcm();
            AeadAlgorithm transport = aesGcm ? AeadAlgorithm.AES_256_GCM : AeadAlgorithm.CHACHA20_POLY1305;
            int preferred = b[3] & 0xff;
            int initiatorIndex = Bytes.i32(b, 4);
            if (mode == null || b.length != (mode == Mode.A ? Wire.INIT_A_LEN : Wire.INIT_B_LEN)) {
                throw new HandshakeException("malformed", "INIT length");
            }
            if ((supported & mode.bit()) == 0) {
                throw new HandshakeException("mode", "mode " + mode + " is not supported here");
            }
            if (select(offered, preferred, supported) != mode) {
                throw new HandshakeException("downgrade", "INIT in mode " + mode + " while negotiation of "
                        + Mode.fromMask(offered) + " gives " + select(offered, preferred, supported));
            }
            EphemeralKeyPair er = s.dh().generateEphemeral(KeyAlgorithm.X25519);
            try {
                RawPublicKey ei = x25519(Bytes.slice(b, 8, 32));
                byte[] head = new byte[12];
                head[0] = Wire.VERSION;
                head[1] = (byte) mode.bit();
                head[2] = (byte) supported;
                head[3] = (byte) (aesGcm ? Wire.TRANSPORT_AES_256_GCM : Wire.TRANSPORT_CHACHA20_POLY1305);
                Bytes.put32(head, 4, index);
                Bytes.put32(head, 8, initiatorIndex);
                byte[] erPub = er.publicKey().encoded();
                Responder r;
                if (mode == Mode.A) {
                    SymmetricState ss = new SymmetricState(s, NAME_A);
                    ss.mixHash(local.x25519().encoded());
                    ss.mixHash(b, 0, 8);
                    ss.mixHash(ei.encoded());
                    ss.mixKey(dhStatic(local, ei));                              // es
                    RawPublicKey si = x25519(ss.decryptAndHash(Bytes.slice(b, 40, 48)));
                    Optional<String> peer = trust.peerFor(si, now);
                    if (peer.isEmpty() && trustOnFirstUse) {
                        peer = pinOnFirstUse(trust, si, now);
                    }
                    if (peer.isEmpty()) {
                        throw new HandshakeException("unknown-peer", "initiator key " + si + " is not pinned");
                    }
                    ss.mixKey(ssCache.apply(si).clone());                         // ss
                    byte[] ts = ss.decryptAndHash(Bytes.slice(b, 88, 28));
                    if (!freshTimestamp.test(si, ts)) {
                        throw new HandshakeException("replay", "INIT timestamp is not newer than the last one");
                    }
                    ss.mixHash(head);
                    ss.mixHash(erPub);
                    ss.mixKey(dh(er, ei));                                       // ee
                    ss.mixKey(dh(er, si));                                       // se
                    byte[] enc = ss.encryptAndHash(new byte[0]);
                    r = new Responder(mode, initiatorIndex, index, Bytes.concat(head, erPub, enc));
                    r.peer = peer.get();
                    r.peerKey = si;
                    byte[][] k = ss.split(TRAFFIC_A);
                    r.keys = new Keys(k[1], k[0], transport);
                    ss.wipe();
                    return r;
                }
                if (!s.modeBCapable() || local.mldsa() == null) {
                    throw new HandshakeException("mode", "Mode B is not available on this node");
                }
                SymmetricState ss = new SymmetricState(s, NAME_B);
                ss.mixHash(Suite.label(local.mldsa().fingerprint()));
                ss.mixHash(b);
                ss.mixHash(head);
                ss.mixHash(erPub);
                ss.mixKey(dh(er, ei));                                           // ee
                RawPublicKey kemPk = RawPublicKey.of(KeyAlgorithm.ML_KEM_1024, Bytes.slice(b, 40, KEM_PK));
                Encapsulation enc = s.kem().encapsulate(kemPk);
                byte[] ct = enc.ciphertext();
                ss.mixHash(ct);
                ss.mixKey(enc.sharedSecret());
                enc.wipe();
                byte[] sig = local.sign(Bytes.concat(SIG_R, ss.h));
                byte[] encSig = ss.encryptAndHash(sig);
                r = new Responder(mode, initiatorIndex, index, Bytes.concat(head, erPub, ct, encSig));
                r.ss = ss;
                r.transport = transport;
                return r;
            } catch (AeadAuthenticationException ex) {
                throw new HandshakeException("decrypt", "INIT does not authenticate");
            } catch (CryptoException ex) {
                throw new HandshakeException("malformed", "INIT: " + ex.getMessage());
            } finally {
                er.close();
            }
        }

        /** Pins an unknown Mode A initiator's static key; empty when the trust store refuses it. */
        private static Optional<String> pinOnFirstUse(TrustStore trust, RawPublicKey si, Instant now) {
            try {
                String name = "tofu-" + si.fingerprint().substring(0, 16);
                trust.pin(name, si, now.minusSeconds(1));
                LOG.warn("Trust on first use: pinned X25519 key {} as peer '{}'", si, name);
                return trust.peerFor(si, now);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        /** Mode B: verifies FINISH (§5.2) and derives the keys; initiators must be pinned. */
        void onFinish(Suite s, TrustStore trust, Instant now, byte[] f) throws HandshakeException {
            onFinish(s, trust, now, f, Enrolment.REFUSE);
        }

        /**
         * Mode B: verifies FINISH (§5.2) and derives the keys. A pinned initiator is found by its fingerprint;
         * a FINISH with the key included (§3.4 flag 1) from an initiator that is not pinned is decided by
         * {@code enrolment} and, when let in, leaves {@link #pinned()} false and the peer named
         * {@code unpinned-<16 hex digits of the fingerprint>}.
         */
        synchronized void onFinish(Suite s, TrustStore trust, Instant now, byte[] f, Enrolment enrolment)
                throws HandshakeException {
            if (mode != Mode.B || this.ss == null) {
                throw new HandshakeException("state", "no FINISH expected");
            }
            // verified on a copy: a forged FINISH (mac1 is keyed by a public key) leaves the handshake waiting
            SymmetricState ss = this.ss.copy();
            boolean unpinnedAttempt = false;
            int flag = f.length > 2 ? f[2] : -1;
            int expected = flag == Wire.FINISH_PLAIN ? Wire.FINISH_B_LEN
                    : flag == Wire.FINISH_KEY_INCLUDED ? Wire.FINISH_B_KEY_LEN : -1;
            if (f.length != expected || f[0] != Wire.VERSION || f[1] != mode.bit() || f[3] != 0
                    || Bytes.i32(f, 4) != initiatorIndex || Bytes.i32(f, 8) != index) {
                throw new HandshakeException("malformed", "FINISH does not fit");
            }
            try {
                ss.mixHash(f, 0, 12);
                byte[] hBefore = ss.h.clone();
                byte[] p = ss.decryptAndHash(Bytes.slice(f, 12, f.length - 12));
                byte[] fp = Bytes.slice(p, 0, 32);
                byte[] spki = flag == Wire.FINISH_KEY_INCLUDED ? Bytes.slice(p, 32, Wire.MLDSA87_SPKI_LEN) : null;
                byte[] sig = Bytes.slice(p, p.length - SIG_LEN, SIG_LEN);
                String hex = java.util.HexFormat.of().formatHex(fp);
                Optional<PinnedKey> found = trust.findByFingerprint(hex, now);
                RawPublicKey key;
                String name;
                if (found.isPresent() && found.get().key().algorithm() == KeyAlgorithm.ML_DSA_87) {
                    key = found.get().key();
                    name = found.get().peer();
                    if (spki != null && !Arrays.equals(spki, key.toSpki())) {
                        throw new HandshakeException("key-mismatch", "included key is not the key pinned for '"
                                + name + "'");
                    }
                } else if (spki == null) {
                    throw new HandshakeException("unknown-peer", "initiator ML-DSA-87 key " + hex.substring(0, 16)
                            + " is not pinned");
                } else {
                    unpinnedAttempt = true;
                    key = enrolment.unpinnedKey(hex, spki);
                    name = Enrolment.peerName(hex);
                }
                try {
                    s.signatures().verify(key, Bytes.concat(SIG_I, hBefore, fp), sig);
                } catch (CryptoException ex) {
                    throw new HandshakeException("signature", "initiator signature does not verify");
                }
                peer = name;
                peerKey = key;
                pinned = !unpinnedAttempt;
                byte[][] k = ss.split(TRAFFIC_B);
                keys = new Keys(k[1], k[0], transport);
                this.ss.wipe();
                this.ss = null;
            } catch (AeadAuthenticationException ex) {
                throw new HandshakeException("decrypt", "FINISH does not authenticate");
            } finally {
                ss.wipe();
                this.unpinnedAttempt = unpinnedAttempt;
            }
        }

        /** Mode B: forgets the handshake state (the responder gave up waiting for FINISH). */
        synchronized void abandon() {
            if (ss != null) {
                ss.wipe();
                ss = null;
            }
        }

        boolean complete() {
            return keys != null;
        }
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
