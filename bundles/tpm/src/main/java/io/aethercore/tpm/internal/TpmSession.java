package io.aethercore.tpm.internal;

import static io.aethercore.attestation.verifier.TpmStructures.*;

import io.aethercore.attestation.verifier.TpmStructures;
import io.aethercore.api.attestation.AttestationException;
import io.aethercore.api.attestation.AttestationException.Failure;
import io.aethercore.api.attestation.AttestationKind;
import io.aethercore.api.attestation.CredentialChallenge;
import io.aethercore.api.attestation.EndorsementKey;
import io.aethercore.api.attestation.PcrSelection;
import io.aethercore.api.attestation.PcrValues;
import io.aethercore.api.attestation.TpmInfo;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tss.Tpm;
import tss.TpmDevice;
import tss.TpmException;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.GetCapabilityResponse;
import tss.tpm.PCR_ReadResponse;
import tss.tpm.StartAuthSessionResponse;
import tss.tpm.TPML_HANDLE;
import tss.tpm.TPML_TAGGED_TPM_PROPERTY;
import tss.tpm.TPMS_ID_OBJECT;
import tss.tpm.TPMS_NULL_SIG_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMS_SIGNATURE_ECDSA;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMS_TAGGED_PROPERTY;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPMT_TK_HASHCHECK;
import tss.tpm.TPMU_SIGNATURE;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_CAP;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SE;
import tss.tpm.TPM_SU;

/**
 * One connection to a TPM, shared by the attestation service and the key custody. A TPM executes one
 * command at a time, so every operation holds one lock from first to last command.
 *
 * <p>Handles: the attestation key stays loaded while connected (re-created deterministically from the
 * endorsement seed, so it is the same key after every reconnect and restart); custody keys are loaded
 * on use and kept in a small LRU cache (a simulator without resource manager holds 3 objects); every
 * other object and session is flushed in {@code finally}. At connect, whatever earlier connections left
 * in the TPM is flushed.
 *
 * <p>Reconnect: when the transport fails (simulator stopped, device gone) the connection is dropped and
 * the call fails with {@link Failure#UNAVAILABLE}; the next call connects again, flushes leftovers and
 * re-creates the attestation key.
 */
public final class TpmSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TpmSession.class);

    static final int HT_TRANSIENT = 0x80000000, HT_LOADED_SESSION = 0x02000000, HT_SAVED_SESSION = 0x03000000;

    private final List<TpmEndpoint> endpoints;
    private final int timeoutMillis;
    private final int keyCacheSize;
    private final ReentrantLock lock = new ReentrantLock();

    private Tpm tpm;
    private TpmDevice device;
    private TpmEndpoint connectedTo;
    private boolean everConnected;
    private TPM_HANDLE ak;
    private byte[] akPublic;
    private TpmInfo info;
    private byte[] lastResponse;
    private final LinkedHashMap<String, TPM_HANDLE> keyCache = new LinkedHashMap<>(8, 0.75f, true);
    private long reconnects;
    /** After {@link #close()} the session never connects again (a stale service must not take the TPM). */
    private boolean closed;

    public TpmSession(List<TpmEndpoint> endpoints, int timeoutMillis, int keyCacheSize) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no TPM configured (device = none)");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeoutMillis = timeoutMillis;
        this.keyCacheSize = Math.max(1, keyCacheSize);
    }

    /** A session to one simulator (tests, benchmarks). */
    public static TpmSession simulator(String host, int port) {
        return new TpmSession(List.of(TpmEndpoint.simulator(host, port)), 30_000, 1);
    }

    /** Where the TPM is, once connected; else the configured candidates. */
    public String where() {
        TpmEndpoint e = connectedTo;
        return e != null ? e.toString() : endpoints.toString();
    }

    /** How often the session connected again after losing the TPM. */
    public long reconnects() {
        return reconnects;
    }

    /** Commands sent to the TPM as one operation, under the session lock. */
    @FunctionalInterface
    public interface TpmCall<T> {
        T run(Tpm tpm) throws AttestationException;
    }

    /**
     * Runs {@code call} under the lock, connecting first if needed; maps transport and TPM failures.
     * Internal (tests, benchmarks); the package is not exported.
     */
    public <T> T call(String what, TpmCall<T> call) throws AttestationException {
        lock.lock();
        try {
            if (closed) {
                throw new AttestationException(Failure.UNAVAILABLE, what + " failed: this TPM session was closed"
                        + " (the TPM service was withdrawn or reconfigured); use the current service");
            }
            ensureConnected();
            try {
                return call.run(tpm);
            } catch (TpmTransportException e) {
                String where = connectedTo.toString();
                disconnect();
                throw new AttestationException(Failure.UNAVAILABLE, what + " failed: the TPM went away (" + e.getMessage()
                        + "); the next call connects again to " + where, e);
            } catch (TpmException e) {
                if (e.NestedException instanceof TpmTransportException t) {
                    disconnect();
                    throw new AttestationException(Failure.UNAVAILABLE, what + " failed: the TPM went away (" + t.getMessage() + ")", t);
                }
                throw new AttestationException(Failure.TPM_ERROR, what + " failed: the TPM answered "
                        + (e.ResponseCode != null ? e.ResponseCode : e.getMessage()), e);
            } catch (RuntimeException e) {
                // a TSS.Java marshalling failure: the connection state is unknown
                disconnect();
                throw new AttestationException(Failure.TPM_ERROR, what + " failed: " + e, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Connects to the first endpoint that answers as a TPM 2.0; flushes leftovers; loads the attestation key. */
    private void ensureConnected() throws AttestationException {
        if (tpm != null) {
            return;
        }
        List<String> tried = new ArrayList<>();
        for (TpmEndpoint e : endpoints) {
            TpmDevice d;
            try {
                d = e.open(timeoutMillis);
            } catch (TpmTransportException ex) {
                tried.add(ex.getMessage());
                continue;
            }
            Tpm t = new Tpm();
            t._setDevice(d);
            t._setCallback((cc, rc, cmd, resp) -> lastResponse = resp);
            tpm = t;
            device = d;
            connectedTo = e;
            try {
                // a simulator started without --flags startup-clear needs it; a running TPM answers INITIALIZE
                t._allowErrors().Startup(TPM_SU.CLEAR);
                int flushed = flushLeftovers();
                info = readInfo(e);
                loadAttestationKey();
                if (everConnected) {
                    reconnects++;
                }
                LOG.info("TPM 2.0 at {}: manufacturer {}, firmware {}{}", e, info.manufacturerDisplay(), info.firmware(),
                        flushed > 0 ? ", flushed " + flushed + " handles left by earlier connections" : "");
                everConnected = true;
                return;
            } catch (RuntimeException ex) {
                tried.add(e + ": connected but it does not work as a TPM 2.0 (" + ex.getMessage() + ")");
                disconnect();
            }
        }
        throw new AttestationException(everConnected ? Failure.UNAVAILABLE : Failure.NOT_DETECTED,
                "TPM 2.0 not detected: " + String.join("; ", tried));
    }

    private void disconnect() {
        TpmDevice d = device;
        tpm = null;
        device = null;
        connectedTo = null;
        ak = null;
        keyCache.clear();
        if (d != null) {
            d.close();
        }
    }

    /**
     * Runs one command with TSS.Java's own error printing off (it writes "TPM ERROR" to standard output,
     * which is the operator's console in Karaf); a TPM error code still becomes a {@link TpmException}.
     */
    static <R> R quiet(Tpm t, java.util.function.Function<Tpm, R> command) {
        R r = command.apply(t._allowErrors());
        if (!t._lastCommandSucceeded()) {
            throw new TpmException(t._getLastResponseCode());
        }
        return r;
    }

    /** Flushes every transient object and session in the TPM; returns how many. */
    private int flushLeftovers() {
        int n = 0;
        for (int type : new int[] {HT_TRANSIENT, HT_LOADED_SESSION, HT_SAVED_SESSION}) {
            for (int h : handles(tpm, type)) {
                tpm._allowErrors().FlushContext(TPM_HANDLE.from(h));
                n++;
            }
        }
        return n;
    }

    static List<Integer> handles(Tpm tpm, int type) {
        List<Integer> out = new ArrayList<>();
        int from = type;
        while (true) {
            int start = from;
            GetCapabilityResponse r = quiet(tpm, x -> x.GetCapability(TPM_CAP.HANDLES, start, 64));
            TPML_HANDLE list = (TPML_HANDLE) r.capabilityData;
            for (TPM_HANDLE h : list.handle) {
                if ((h.handle & 0xFF000000) == (type & 0xFF000000)) {
                    out.add(h.handle);
                }
            }
            if (r.moreData == 0 || list.handle.length == 0) {
                return out;
            }
            from = list.handle[list.handle.length - 1].handle + 1;
        }
    }

    /** Transient objects and sessions now in the TPM (TPM_CAP_HANDLES), for leak checks. */
    public int transientHandleCount() throws AttestationException {
        return call("counting TPM handles", t -> handles(t, HT_TRANSIENT).size() + handles(t, HT_LOADED_SESSION).size());
    }

    /** Handles this session holds on purpose: the attestation key and the cached custody keys. */
    public int heldHandleCount() {
        lock.lock();
        try {
            return (ak != null ? 1 : 0) + keyCache.size();
        } finally {
            lock.unlock();
        }
    }

    private TpmInfo readInfo(TpmEndpoint e) {
        Map<Integer, Integer> props = new java.util.HashMap<>();
        GetCapabilityResponse r = quiet(tpm, x -> x.GetCapability(TPM_CAP.TPM_PROPERTIES, 0x100, 64));
        for (TPMS_TAGGED_PROPERTY p : ((TPML_TAGGED_TPM_PROPERTY) r.capabilityData).tpmProperty) {
            props.put(p.property.toInt(), p.value);
        }
        String manufacturer = ascii(props.getOrDefault(0x105, 0));
        StringBuilder vendor = new StringBuilder();
        for (int pt = 0x106; pt <= 0x109; pt++) {
            vendor.append(ascii(props.getOrDefault(pt, 0)));
        }
        return new TpmInfo(AttestationKind.TPM, manufacturer, Integer.toUnsignedLong(props.getOrDefault(0x10B, 0)),
                Integer.toUnsignedLong(props.getOrDefault(0x10C, 0)), vendor.toString().trim(), props.getOrDefault(0x102, 0),
                e.isSimulator() ? "swtpm " + e.host() + ":" + e.port() : e.device().toString());
    }

    private static String ascii(int v) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = v >>> shift & 0xFF;
            if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
            }
        }
        return sb.toString().trim();
    }

    private void loadAttestationKey() {
        CreatePrimaryResponse r = quiet(tpm, x -> x.CreatePrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), new TPMS_SENSITIVE_CREATE(),
                TpmTemplates.akTemplate(), new byte[0], new TPMS_PCR_SELECTION[0]));
        byte[] pub = r.outPublic.toBytes();
        if (!Arrays.equals(name(pub), r.name)) {
            tpm._allowErrors().FlushContext(r.handle);
            throw new IllegalStateException("attestation key public area does not re-encode to the TPM's name");
        }
        ak = r.handle;
        akPublic = pub;
    }

    /** The attestation key's TPMT_PUBLIC. */
    byte[] attestationKeyPublic() throws AttestationException {
        return call("reading the attestation key", t -> akPublic.clone());
    }

    TpmInfo info() throws AttestationException {
        return call("reading TPM properties", t -> info);
    }

    PcrValues readPcrs(PcrSelection selection) throws AttestationException {
        return call("PCR read", t -> readPcrsLocked(t, selection));
    }

    /**
     * TPM2_PCR_Extend of one PCR in one bank: {@code PCR := H(PCR || digest)}. What a measured boot does;
     * here for drills (a platform whose state changed must fail its next attestation).
     */
    PcrValues extendPcr(PcrSelection.Bank bank, int pcr, byte[] digest) throws AttestationException {
        if (digest.length != bank.digestLength()) {
            throw new IllegalArgumentException("a " + bank.id() + " PCR is extended by " + bank.digestLength()
                    + " bytes, got " + digest.length);
        }
        return call("PCR extend", t -> {
            quiet(t, x -> {
                x.PCR_Extend(TPM_HANDLE.pcr(pcr), new tss.tpm.TPMT_HA[] {
                    new tss.tpm.TPMT_HA(TPM_ALG_ID.fromInt(bank.algId()), digest)});
                return null;
            });
            return readPcrsLocked(t, PcrSelection.of(bank, pcr));
        });
    }

    private static PcrValues readPcrsLocked(Tpm t, PcrSelection selection) {
        Map<Integer, byte[]> got = new LinkedHashMap<>();
        List<Integer> remaining = new ArrayList<>();
        for (int p : selection.pcrs()) {
            remaining.add(p);
        }
        TPM_ALG_ID alg = TPM_ALG_ID.fromInt(selection.bank().algId());
        while (!remaining.isEmpty()) {
            PcrSelection ask = PcrSelection.of(selection.bank(), remaining.stream().mapToInt(Integer::intValue).toArray());
            PCR_ReadResponse r = quiet(t, x -> x.PCR_Read(new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(alg, ask.bitmap())}));
            if (r.pcrSelectionOut.length == 0 || r.pcrValues.length == 0) {
                throw new IllegalStateException("the TPM has no " + selection.bank().id() + " values for PCRs " + remaining);
            }
            byte[] map = r.pcrSelectionOut[0].pcrSelect;
            int k = 0;
            for (int bit = 0; bit < map.length * 8 && k < r.pcrValues.length; bit++) {
                if ((map[bit / 8] >> (bit % 8) & 1) != 0) {
                    got.put(bit, r.pcrValues[k++].buffer);
                    remaining.remove(Integer.valueOf(bit));
                }
            }
        }
        int[] pcrs = selection.pcrs();
        byte[][] values = new byte[pcrs.length][];
        for (int i = 0; i < pcrs.length; i++) {
            values[i] = got.get(pcrs[i]);
        }
        return new PcrValues(selection, values);
    }

    /** TPMS_ATTEST and TPMT_SIGNATURE bytes exactly as the TPM sent them, and the PCR values they cover. */
    record RawQuote(byte[] attest, byte[] signature, PcrValues values) {}

    RawQuote quote(byte[] nonce, PcrSelection selection) throws AttestationException {
        if (nonce == null || nonce.length < 1 || nonce.length > 64) {
            throw new IllegalArgumentException("nonce must be 1 to 64 bytes");
        }
        return call("Quote", t -> {
            TPMS_PCR_SELECTION[] sel = {new TPMS_PCR_SELECTION(TPM_ALG_ID.fromInt(selection.bank().algId()), selection.bitmap())};
            for (int attempt = 0; ; attempt++) {
                PcrValues values = readPcrsLocked(t, selection);
                quiet(t, x -> x.Quote(ak, nonce, new TPMS_NULL_SIG_SCHEME(), sel));
                RawQuote q = splitQuoteResponse(lastResponse, values);
                // a PCR extended between the read and the quote: read again (rare; bounded)
                if (MessageDigest.isEqual(parseAttest(q.attest()).pcrDigest(), values.digest("SHA-256")) || attempt >= 3) {
                    return q;
                }
            }
        });
    }

    /** The TPM2_Quote command alone, without the PCR read of {@link #quote} (benchmarks: one command). */
    public byte[] quoteCommand(byte[] nonce, PcrSelection selection) throws AttestationException {
        return call("Quote", t -> {
            quiet(t, x -> x.Quote(ak, nonce, new TPMS_NULL_SIG_SCHEME(),
                    new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(TPM_ALG_ID.fromInt(selection.bank().algId()), selection.bitmap())}));
            return lastResponse;
        });
    }

    /** Cuts a TPM2_Quote response into TPM2B_ATTEST contents and TPMT_SIGNATURE. */
    static RawQuote splitQuoteResponse(byte[] resp, PcrValues values) {
        if (resp == null || resp.length < 16) {
            throw new IllegalStateException("no Quote response");
        }
        int tag = (resp[0] & 0xFF) << 8 | resp[1] & 0xFF;
        int pos = 10;
        int end = resp.length;
        if (tag == 0x8002) { // TPM_ST_SESSIONS: parameterSize precedes the parameters
            int paramSize = (resp[10] & 0xFF) << 24 | (resp[11] & 0xFF) << 16 | (resp[12] & 0xFF) << 8 | resp[13] & 0xFF;
            pos = 14;
            end = pos + paramSize;
        }
        int attestSize = (resp[pos] & 0xFF) << 8 | resp[pos + 1] & 0xFF;
        if (pos + 2 + attestSize > end || end > resp.length) {
            throw new IllegalStateException("malformed Quote response");
        }
        byte[] attest = Arrays.copyOfRange(resp, pos + 2, pos + 2 + attestSize);
        byte[] sig = Arrays.copyOfRange(resp, pos + 2 + attestSize, end);
        return new RawQuote(attest, sig, values);
    }

    /** Loads (or finds in the cache) the signing key of this unique value; returns its TPMT_PUBLIC. */
    byte[] signingKeyPublic(byte[] unique) throws AttestationException {
        return call("creating a TPM signing key", t -> {
            CreatePrimaryResponse r = quiet(t, x -> x.CreatePrimary(TPM_HANDLE.from(TPM_RH.OWNER), new TPMS_SENSITIVE_CREATE(),
                    TpmTemplates.signingKeyTemplate(unique), new byte[0], new TPMS_PCR_SELECTION[0]));
            cache(HexFormat.of().formatHex(unique), r.handle);
            return r.outPublic.toBytes();
        });
    }

    /** ECDSA P-256 over SHA-256 of {@code message} with the key of this unique value: P1363 {@code r || s}. */
    byte[] sign(byte[] unique, byte[] message) throws AttestationException {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(message);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return call("TPM Sign", t -> {
            String id = HexFormat.of().formatHex(unique);
            TPM_HANDLE h = keyCache.get(id);
            if (h == null) {
                h = quiet(t, x -> x.CreatePrimary(TPM_HANDLE.from(TPM_RH.OWNER), new TPMS_SENSITIVE_CREATE(),
                        TpmTemplates.signingKeyTemplate(unique), new byte[0], new TPMS_PCR_SELECTION[0])).handle;
                cache(id, h);
            }
            TPM_HANDLE key = h;
            TPMU_SIGNATURE s = quiet(t, x -> x.Sign(key, digest, new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256),
                    TPMT_TK_HASHCHECK.nullTicket()));
            TPMS_SIGNATURE_ECDSA e = (TPMS_SIGNATURE_ECDSA) s;
            return parseEcdsaSignature(encode(e)).p1363();
        });
    }

    private static byte[] encode(TPMS_SIGNATURE_ECDSA e) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int v : new int[] {ALG_ECDSA, ALG_SHA256, e.signatureR.length}) {
            out.write(v >> 8);
            out.write(v);
        }
        out.writeBytes(e.signatureR);
        out.write(e.signatureS.length >> 8);
        out.write(e.signatureS.length);
        out.writeBytes(e.signatureS);
        return out.toByteArray();
    }

    /** Forgets (flushes) the loaded key of this unique value, if loaded. */
    void evict(byte[] unique) throws AttestationException {
        call("flushing a TPM key", t -> {
            TPM_HANDLE h = keyCache.remove(HexFormat.of().formatHex(unique));
            if (h != null) {
                t.FlushContext(h);
            }
            return null;
        });
    }

    /** Keeps {@code h} loaded for {@code id}; flushes the least recently used key beyond the cache size. */
    private void cache(String id, TPM_HANDLE h) {
        TPM_HANDLE old = keyCache.put(id, h);
        if (old != null && old.handle != h.handle) {
            tpm._allowErrors().FlushContext(old);
        }
        Iterator<Map.Entry<String, TPM_HANDLE>> it = keyCache.entrySet().iterator();
        while (keyCache.size() > keyCacheSize && it.hasNext()) {
            Map.Entry<String, TPM_HANDLE> eldest = it.next();
            if (eldest.getKey().equals(id)) {
                continue;
            }
            it.remove();
            tpm._allowErrors().FlushContext(eldest.getValue());
        }
    }

    /** The RSA endorsement key: persistent at 0x81010001 when provisioned, else re-created from the template. */
    Optional<EndorsementKey> endorsementKey() throws AttestationException {
        return endorsementKey(EndorsementKey.Algorithm.RSA_2048);
    }

    Optional<EndorsementKey> endorsementKey(EndorsementKey.Algorithm algorithm) throws AttestationException {
        return call("reading the endorsement key", t -> {
            EndorsementKeys.Ek ek = EndorsementKeys.load(t, algorithm);
            try {
                return Optional.of(new EndorsementKey(ek.publicArea(), EndorsementKeys.readCertificate(t,
                        algorithm == EndorsementKey.Algorithm.RSA_2048 ? EndorsementKeys.CERT_RSA_NV : EndorsementKeys.CERT_ECC_NV)));
            } finally {
                ek.release(t);
            }
        });
    }

    byte[] activateCredential(CredentialChallenge c) throws AttestationException {
        // parse the (remote, hostile) challenge before touching the TPM: malformed bytes are the caller's error
        TPMS_ID_OBJECT blob = new TPMS_ID_OBJECT(TpmStructures.integrityHmac(c), TpmStructures.encIdentity(c));
        byte[] encryptedSecret = c.encryptedSecret();
        if (encryptedSecret == null || encryptedSecret.length == 0 || encryptedSecret.length > 512) {
            throw new io.aethercore.api.attestation.MalformedTpmDataException(
                    "encrypted secret of " + (encryptedSecret == null ? 0 : encryptedSecret.length) + " bytes (1 to 512)");
        }
        byte[] wanted = c.endorsementKeyName();
        return call("ActivateCredential", t -> {
            EndorsementKeys.Ek ek = EndorsementKeys.load(t, EndorsementKey.Algorithm.RSA_2048);
            if (wanted != null && !Arrays.equals(wanted, name(ek.publicArea()))) {
                ek.release(t);
                ek = EndorsementKeys.load(t, EndorsementKey.Algorithm.ECC_P256);
                if (!Arrays.equals(wanted, name(ek.publicArea()))) {
                    ek.release(t);
                    throw new AttestationException(Failure.TPM_ERROR, "ActivateCredential: the credential was made for"
                            + " an endorsement key this TPM does not have (neither its RSA 2048 nor its ECC P-256 EK)");
                }
            }
            TPM_HANDLE session = null;
            try {
                byte[] nonceCaller = new byte[32];
                new SecureRandom().nextBytes(nonceCaller);
                StartAuthSessionResponse s = quiet(t, x -> x.StartAuthSession(TPM_HANDLE.NULL, TPM_HANDLE.NULL, nonceCaller,
                        new byte[0], TPM_SE.POLICY, new TPMT_SYM_DEF(), TPM_ALG_ID.SHA256));
                session = s.handle;
                TPM_HANDLE policy = session;
                quiet(t, x -> x.PolicySecret(TPM_HANDLE.from(TPM_RH.ENDORSEMENT), policy, new byte[0], new byte[0], new byte[0], 0));
                t._withSessions(TPM_HANDLE.pwSession(new byte[0]), session);
                try {
                    TPM_HANDLE ekHandle = ek.handle();
                    return quiet(t, x -> x.ActivateCredential(ak, ekHandle, blob, encryptedSecret));
                } catch (TpmException e) {
                    throw new AttestationException(Failure.TPM_ERROR, "ActivateCredential refused the credential ("
                            + e.ResponseCode + "): it was not made for this TPM's endorsement key and attestation key", e);
                }
            } finally {
                if (session != null) {
                    t._allowErrors().FlushContext(session);
                }
                ek.release(t);
            }
        });
    }

    /** Drops the connection without flushing anything, as a crashed process would (tests of the leftover flush). */
    void abandon() {
        lock.lock();
        try {
            disconnect();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (tpm != null) {
                try {
                    for (TPM_HANDLE h : keyCache.values()) {
                        tpm._allowErrors().FlushContext(h);
                    }
                    if (ak != null) {
                        tpm._allowErrors().FlushContext(ak);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("TPM gone while flushing at close: {}", e.toString());
                }
            }
            disconnect();
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
