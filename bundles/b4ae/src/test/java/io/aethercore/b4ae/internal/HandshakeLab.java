package io.aethercore.b4ae.internal;

import io.aethercore.api.b4ae.Mode;
import io.aethercore.api.b4ae.TrustStore;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Runs the handshakes of docs/b4ae-protocol.md §5 in one thread without a transport, for benchmarks: the
 * full exchange (both sides' CPU), the responder's INIT processing alone, and the stateless cookie checks
 * of §4 on a real INIT datagram. Not used by the channel itself.
 */
public final class HandshakeLab {

    private final Suite s;
    private final StaticKeys alice;
    private final StaticKeys bob;
    private final TrustStore trustOfAlice;
    private final TrustStore trustOfBob;
    private final byte[] ss;
    private final CookieGuard guard;
    private final byte[] bobMac1Key;
    private final InetSocketAddress source = new InetSocketAddress("192.0.2.1", 4000);
    private int index = 1;

    /** Both trust stores must pin the other side's keys under the names "alice" and "bob". */
    public HandshakeLab(Suite s, StaticKeys alice, StaticKeys bob, TrustStore trustOfAlice, TrustStore trustOfBob)
            throws Exception {
        this.s = s;
        this.alice = alice;
        this.bob = bob;
        this.trustOfAlice = trustOfAlice;
        this.trustOfBob = trustOfBob;
        this.ss = alice.agree(bob.x25519());
        this.guard = new CookieGuard(null, 1000, 30, 50, new SecureRandom(), System::currentTimeMillis, System::nanoTime);
        this.bobMac1Key = CookieGuard.mac1Key(s, bob.x25519());
    }

    /** A full handshake, both sides, in this thread; returns a byte of the keys so nothing is optimised away. */
    public int fullHandshake(Mode mode) throws Exception {
        int both = Mode.A.bit() | Mode.B.bit();
        Handshakes.Initiator i = Handshakes.Initiator.start(s, alice, mode, both, mode.bit(), index++, "bob",
                bob.x25519(), bob.mldsa(), ss, Handshakes.timestamp(Instant.now()));
        Handshakes.Responder r = Handshakes.Responder.respond(s, bob, trustOfBob, Instant.now(), i.body(), index++, both,
                (k, t) -> true, k -> ss);
        Handshakes.Initiator.Done d = i.onResponse(s, alice, r.resp());
        if (mode == Mode.B) {
            r.onFinish(s, trustOfBob, Instant.now(), d.finish());
        }
        if (r.keys().recv()[0] != d.keys().send()[0]) {
            throw new IllegalStateException("keys differ");
        }
        return d.keys().send()[0];
    }

    /** An INIT body of the mode, for {@link #responderOnly}. */
    public byte[] init(Mode mode) throws Exception {
        int both = Mode.A.bit() | Mode.B.bit();
        Handshakes.Initiator i = Handshakes.Initiator.start(s, alice, mode, both, mode.bit(), index++, "bob",
                bob.x25519(), bob.mldsa(), ss, Handshakes.timestamp(Instant.now()));
        i.close();
        return i.body();
    }

    /** The responder's work on one INIT (RESP built; in Mode B without FINISH). */
    public int responderOnly(byte[] initBody) throws Exception {
        Handshakes.Responder r = Handshakes.Responder.respond(s, bob, trustOfBob, Instant.now(), initBody, 7,
                Mode.A.bit() | Mode.B.bit(), (k, t) -> true, k -> ss);
        return r.resp().length;
    }

    /** A single-fragment INIT datagram (Mode A) with valid mac1 and, if {@code withCookie}, valid mac2. */
    public byte[] initDatagram(boolean withCookie) throws Exception {
        byte[] body = init(Mode.A);
        byte[] d = new byte[Wire.HS_OVERHEAD + body.length];
        d[0] = Wire.T_INIT;
        d[1] = 1;
        d[3] = 1;
        Bytes.put16(d, 12, body.length);
        System.arraycopy(body, 0, d, Wire.HS_HEADER, body.length);
        System.arraycopy(s.mac(bobMac1Key, d, 0, d.length - 32), 0, d, d.length - 32, 16);
        if (withCookie) {
            byte[] mac2 = s.mac(CookieGuard.mac2Key(s, guard.cookie(s, source)), d, 0, d.length - 16);
            System.arraycopy(mac2, 0, d, d.length - 16, 16);
        }
        return d;
    }

    /** What the responder does to an INIT before any public-key work when not under load: mac1. */
    public boolean mac1Check(byte[] d) {
        return Bytes.equalsAt(s.mac(bobMac1Key, d, 0, d.length - 32), d, d.length - 32);
    }

    /** Under load: mac1 and mac2 (the cookie of the source address, current epoch first). */
    public boolean cookieCheck(byte[] d) {
        return mac1Check(d) && guard.mac2Valid(s, d, d.length, source);
    }

    private final HandshakeAdmission admission = new HandshakeAdmission(0, System::nanoTime);
    private final Object admissionSource = HandshakeAdmission.source(source, false);

    /**
     * Everything the responder does to a valid INIT under load before public-key work (§4.4): mac1, mac2 and
     * the source's token bucket (its verdict does not matter for the cost).
     */
    public boolean admissionCheck(byte[] d) {
        return cookieCheck(d) & admission.allowInit(admissionSource);
    }

    /** The size of the COOKIE reply to a datagram (amplification = reply / request). */
    public int cookieReplySize(byte[] d) {
        return guard.cookieReply(s, bob.x25519(), 1, d, d.length, source).length;
    }

    /** Sizes of the handshake datagrams of a mode at the default max_datagram_size, for the report. */
    public static int[] wireBytes(Mode mode) {
        int chunk = 1200 - Wire.HS_OVERHEAD;
        int[] bodies = mode == Mode.A ? new int[] {Wire.INIT_A_LEN, Wire.RESP_A_LEN}
                : new int[] {Wire.INIT_B_LEN, Wire.RESP_B_LEN, Wire.FINISH_B_LEN};
        int[] out = new int[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            int frags = (bodies[i] + chunk - 1) / chunk;
            out[i] = bodies[i] + frags * Wire.HS_OVERHEAD;
        }
        return out;
    }

    TrustStore trustOfAlice() {
        return trustOfAlice;
    }
}
