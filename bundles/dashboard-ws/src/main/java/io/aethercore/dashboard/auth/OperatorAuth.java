package io.aethercore.dashboard.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operator login with FIDO2 security keys (WebAuthn), free of OSGi and HTTP: one-time enrolment tokens issued at
 * the console, registration of keys, login ceremonies, and the sessions they open. webauthn4j verifies every
 * browser answer (client data, challenge, origin, RP ID hash, flags, signature, sign counter); this class keeps
 * the state around it and decides what is allowed.
 *
 * <p>Operators and their keys are persisted in {@code storeDir} (see {@link OperatorStore}); enrolment tokens
 * and session tokens are kept only as SHA-256 hashes (sessions on disk too, so that a bundle update keeps
 * operators logged in). Challenges and login ceremonies live in memory; all maps are bounded and their entries
 * expire. Every registration, login, logout, enrolment and removal, and every failure of them, is
 * reported to the {@link AuthAudit}. All public methods are thread-safe (one lock; a ceremony takes
 * milliseconds).
 *
 * <p>An unknown operator asking for login options gets the same answer shape as a known one, with an empty
 * {@code allowCredentials}: the same work is done, and the login then fails at {@link #finishLogin} with the same
 * message as a key that is not registered. Only the length of {@code allowCredentials} tells the two apart.
 */
public final class OperatorAuth {

    /** Session lifetime the dashboard uses unless configured otherwise. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(15);
    /** Enrolment token lifetime the dashboard uses unless configured otherwise. */
    public static final Duration DEFAULT_ENROLMENT_TTL = Duration.ofMinutes(15);
    /** How long the browser is given to complete a ceremony ({@code timeout} in the options). */
    public static final Duration CEREMONY_TIMEOUT = Duration.ofMinutes(2);
    /** Operator names: lower case, digits, dot, dash, underscore; a letter first; at most 64 characters. */
    public static final Pattern OPERATOR_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    static final int MAX_CEREMONIES = 1024;
    static final int MAX_SESSIONS = SessionTable.MAX_SESSIONS;
    static final int MAX_ENROLMENTS = 64;
    static final int MAX_JSON_CHARS = 64 * 1024;
    /** A challenge outlives the browser's timeout a little, for the round trip. */
    private static final Duration CHALLENGE_TTL = CEREMONY_TIMEOUT.plusSeconds(30);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final OperatorStore store;
    private final SessionTable sessions;
    private final String rpId;
    private final String rpName;
    private final Set<String> allowedOrigins;
    private final Set<Origin> origins;
    private final Clock clock;
    private final SecureRandom random;
    private final AuthAudit audit;
    private final Duration sessionTtl;
    private final Duration enrolmentTtl;
    private final JsonMapper json;
    private final RequestBodies bodies;
    private final CeremonyOptions options;
    private final WebAuthnManager webauthn;
    private final AttestedCredentialDataConverter credentialData;

    // guarded by this
    private final Map<String, OperatorStore.StoredOperator> operators = new TreeMap<>();
    private final Map<String, Enrolment> enrolments = new LinkedHashMap<>();
    private final LinkedHashMap<String, Ceremony> ceremonies = new LinkedHashMap<>();

    /** A pending enrolment; {@code challenge} is set by registration options and consumed by the finish. */
    private static final class Enrolment {
        final String tokenHash;
        final String operator;
        final byte[] userId;
        final Instant expires;
        byte[] challenge;
        Instant challengeExpires;

        Enrolment(String tokenHash, String operator, byte[] userId, Instant expires) {
            this.tokenHash = tokenHash;
            this.operator = operator;
            this.userId = userId;
            this.expires = expires;
        }
    }

    private record Ceremony(String operator, byte[] challenge, Instant expires) {
    }

    /**
     * @param storeDir where operators and their keys are kept (created 0700; files 0600)
     * @param rpId the WebAuthn relying party ID: the dashboard's host name, for example {@code localhost}
     * @param rpName the name a browser shows when registering a key
     * @param allowedOrigins the origins the dashboard is served from, for example {@code https://localhost:8443}
     * @param clock the time source (sessions, tokens and challenges expire by it)
     * @param random the source of tokens, challenges and user handles
     * @param audit where every enrolment, registration, login and failure is reported
     * @param sessionTtl how long a login lasts ({@link #DEFAULT_SESSION_TTL})
     * @param enrolmentTtl how long an enrolment token is valid ({@link #DEFAULT_ENROLMENT_TTL})
     * @throws IOException if the store cannot be created or a stored file is damaged
     */
    public OperatorAuth(Path storeDir, String rpId, String rpName, Set<String> allowedOrigins, Clock clock,
            SecureRandom random, AuthAudit audit, Duration sessionTtl, Duration enrolmentTtl) throws IOException {
        this.rpId = Objects.requireNonNull(rpId, "rpId");
        this.rpName = Objects.requireNonNull(rpName, "rpName");
        if (allowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("at least one allowed origin is needed, e.g. https://" + rpId + ":8443");
        }
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        Set<Origin> o = new LinkedHashSet<>();
        for (String s : allowedOrigins) {
            o.add(new Origin(s));
        }
        this.origins = Set.copyOf(o);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.audit = Objects.requireNonNull(audit, "audit");
        if (sessionTtl.isNegative() || sessionTtl.isZero() || enrolmentTtl.isNegative() || enrolmentTtl.isZero()) {
            throw new IllegalArgumentException("session and enrolment lifetimes must be positive");
        }
        this.sessionTtl = sessionTtl;
        this.enrolmentTtl = enrolmentTtl;
        // Built explicitly (no thread context class loader, no ServiceLoader): the bundle embeds webauthn4j.
        this.json = JsonMapper.builder().build();
        this.bodies = new RequestBodies(json, audit);
        this.options = new CeremonyOptions(json, rpId, rpName);
        ObjectConverter converter = new ObjectConverter();
        // "none" attestation is requested and no attestation is trusted, so every format is accepted as-is; the
        // credential's own signatures are still verified.
        this.webauthn = WebAuthnManager.createNonStrictWebAuthnManager(converter);
        this.credentialData = new AttestedCredentialDataConverter(converter);
        this.store = new OperatorStore(storeDir, json);
        for (OperatorStore.StoredOperator op : store.loadOperators()) {
            operators.put(op.name, op);
        }
        Instant now = clock.instant();
        for (OperatorStore.StoredEnrolment e : store.loadEnrolments()) {
            if (e.expires().isAfter(now)) {
                enrolments.put(e.tokenHash(), new Enrolment(e.tokenHash(), e.operator(), e.userId(), e.expires()));
            }
        }
        // sessions survive a bundle update or a restart until they expire (pages reconnect without a new login)
        this.sessions = new SessionTable(store, audit);
        sessions.load(now, operators::containsKey);
    }

    /** The directory of the store. */
    public Path storeDir() {
        return store.dir();
    }

    /** The origins POSTs and WebAuthn answers must come from. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** How long a session lasts from login. */
    public Duration sessionTtl() {
        return sessionTtl;
    }

    // ---------------------------------------------------------------------------------------------- enrolment

    /**
     * Issues a one-time enrolment token for {@code operatorName} (console). Registering a key with it creates
     * the operator, or adds a key to an existing one. Only the token's SHA-256 is stored.
     *
     * @return the token: 256 random bits, base64url without padding
     * @throws AuthException if the name is not valid or too many enrolments are pending
     */
    public synchronized String enrol(String operatorName) throws AuthException {
        bodies.requireName(operatorName, AuthAudit.ENROL);
        Instant now = clock.instant();
        purgeEnrolments(now);
        if (enrolments.size() >= MAX_ENROLMENTS) {
            fail(AuthAudit.ENROL, operatorName, "too many pending enrolments");
            throw AuthException.refused(MAX_ENROLMENTS + " enrolment tokens are pending: use or let them expire ("
                    + enrolmentTtl.toMinutes() + " min) before issuing more");
        }
        byte[] userId = null;
        if (!operators.containsKey(operatorName)) {
            // a new operator: the user handle is fixed now, shared by every pending enrolment of that name
            for (Enrolment e : enrolments.values()) {
                if (e.operator.equals(operatorName) && e.userId != null) {
                    userId = e.userId;
                }
            }
            if (userId == null) {
                userId = randomBytes(32);
            }
        }
        String token = B64.encodeToString(randomBytes(32));
        Enrolment e = new Enrolment(hash(token), operatorName, userId, now.plus(enrolmentTtl));
        enrolments.put(e.tokenHash, e);
        saveEnrolments();
        audit.record(AuthAudit.ENROL, operatorName, true, "enrolment token issued, valid until " + e.expires);
        return token;
    }

    /**
     * The options for {@code navigator.credentials.create()}: {@code {"publicKey":{...}}}, binary values in
     * base64url. Each call issues a new challenge for the token (the previous one is forgotten).
     *
     * @throws AuthException if the token is unknown, used or expired
     */
    public synchronized String registrationOptions(String token) throws AuthException {
        Instant now = clock.instant();
        Enrolment e = enrolment(token, now);
        OperatorStore.StoredOperator op = operators.get(e.operator);
        byte[] userId = op != null ? op.userId : e.userId;
        e.challenge = randomBytes(32);
        e.challengeExpires = now.plus(CHALLENGE_TTL);

        return options.creation(userId, e.operator, e.challenge, op == null ? List.of() : op.credentials);
    }

    /**
     * Verifies the browser's answer to {@link #registrationOptions} and stores the new key. Body:
     * {@code {"token","id","rawId","type":"public-key","response":{"clientDataJSON","attestationObject",
     * "transports":[]},"clientExtensionResults":{}}}. Consumes the token.
     *
     * @return the operator's name
     * @throws AuthException if the body is malformed (BAD_REQUEST) or the token, challenge, origin, RP ID or
     *         signature is wrong, or the key is already registered (REFUSED)
     */
    public String finishRegistration(String body) throws AuthException {
        JsonNode b = bodies.parse(body, AuthAudit.REGISTER);
        String token = bodies.text(b, "token", AuthAudit.REGISTER);
        bodies.requirePublicKeyType(b, AuthAudit.REGISTER);
        JsonNode r = bodies.object(b, "response", AuthAudit.REGISTER);
        byte[] clientData = bodies.bytes(r, "clientDataJSON", AuthAudit.REGISTER);
        byte[] attestation = bodies.bytes(r, "attestationObject", AuthAudit.REGISTER);
        Set<String> transports = new LinkedHashSet<>();
        for (JsonNode t : r.path("transports").values()) {
            if (t.isString() && transports.size() < 8) {
                transports.add(t.stringValue());
            }
        }
        String extensions = bodies.extensions(b);

        synchronized (this) {
            Instant now = clock.instant();
            Enrolment e = enrolment(token, now);
            if (e.challenge == null || !now.isBefore(e.challengeExpires)) {
                fail(AuthAudit.REGISTER, e.operator, "no registration ceremony in progress or it timed out");
                throw AuthException.refused("no registration is in progress for this enrolment token, or it took "
                        + "longer than " + CEREMONY_TIMEOUT.toMinutes() + " min: reload the enrolment page and touch "
                        + "the key again");
            }
            byte[] challenge = e.challenge;
            e.challenge = null; // one answer per challenge, whatever its outcome
            RegistrationData data;
            try {
                ServerProperty server = new ServerProperty(origins, rpId, new DefaultChallenge(challenge));
                data = webauthn.verify(new RegistrationRequest(attestation, clientData, extensions, transports),
                        new RegistrationParameters(server, CeremonyOptions.ALGORITHMS, false, true));
            } catch (DataConversionException ex) {
                fail(AuthAudit.REGISTER, e.operator, "unreadable answer: " + RequestBodies.firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST,
                        "the security key's answer could not be read: " + RequestBodies.firstLine(ex), ex);
            } catch (VerificationException ex) {
                String why = RequestBodies.explain(ex, allowedOrigins, rpId);
                fail(AuthAudit.REGISTER, e.operator, why);
                throw new AuthException(AuthException.Kind.REFUSED, "registration refused: " + why, ex);
            } catch (RuntimeException ex) {
                // webauthn4j's parsers throw their own and Jackson's exceptions at malformed bytes
                fail(AuthAudit.REGISTER, e.operator, "invalid answer: " + RequestBodies.firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST, "the security key's answer is invalid: "
                        + RequestBodies.firstLine(ex), ex);
            }
            AuthenticatorData<?> authData = data.getAttestationObject().getAuthenticatorData();
            AttestedCredentialData acd = authData.getAttestedCredentialData();
            byte[] credentialId = acd.getCredentialId();
            if (owner(credentialId) != null) {
                fail(AuthAudit.REGISTER, e.operator, "key " + shortId(credentialId) + " is already registered");
                throw AuthException.refused("this security key is already registered on this node; "
                        + "use another key, or remove the operator it belongs to first");
            }
            OperatorStore.StoredOperator op = operators.get(e.operator);
            boolean created = op == null;
            if (created) {
                op = new OperatorStore.StoredOperator();
                op.name = e.operator;
                op.userId = e.userId != null ? e.userId : randomBytes(32);
                op.created = now;
            }
            OperatorStore.Credential c = new OperatorStore.Credential();
            c.id = credentialId;
            c.attestedCredentialData = credentialData.convert(acd);
            c.signCount = authData.getSignCount();
            c.created = now;
            c.transports.addAll(transports);
            c.uvInitialized = authData.isFlagUV();
            c.backupEligible = authData.isFlagBE();
            c.backedUp = authData.isFlagBS();
            op.credentials.add(c);
            try {
                store.saveOperator(op);
            } catch (RuntimeException ex) {
                op.credentials.remove(c);
                fail(AuthAudit.REGISTER, e.operator, "store not writable: " + RequestBodies.firstLine(ex));
                throw ex;
            }
            operators.put(op.name, op);
            enrolments.remove(e.tokenHash);
            saveEnrolments();
            audit.record(AuthAudit.REGISTER, op.name, true, (created ? "operator created, " : "")
                    + "key " + shortId(credentialId) + " registered (" + acd.getCOSEKey().getAlgorithm()
                    + ", aaguid " + acd.getAaguid() + "), " + op.credentials.size() + " key(s)");
            return op.name;
        }
    }

    // -------------------------------------------------------------------------------------------------- login

    /**
     * The options for {@code navigator.credentials.get()}: {@code {"ceremony":"<id>","publicKey":{...}}}. The
     * ceremony ID must be sent back with the answer; its challenge can be answered once.
     *
     * @throws AuthException if the name is not a valid operator name
     */
    public synchronized String loginOptions(String operatorName) throws AuthException {
        bodies.requireName(operatorName, AuthAudit.LOGIN);
        Instant now = clock.instant();
        purgeCeremonies(now);
        while (ceremonies.size() >= MAX_CEREMONIES) {
            // under a flood of unauthenticated option requests the oldest ceremonies make room
            Iterator<String> it = ceremonies.keySet().iterator();
            it.next();
            it.remove();
        }
        String id = B64.encodeToString(randomBytes(16));
        Ceremony c = new Ceremony(operatorName, randomBytes(32), now.plus(CHALLENGE_TTL));
        ceremonies.put(id, c);

        OperatorStore.StoredOperator op = operators.get(operatorName);
        return options.request(id, c.challenge(), op == null ? List.of() : op.credentials);
    }

    /**
     * Verifies the browser's answer to {@link #loginOptions} and opens a session. Body: {@code {"ceremony","id",
     * "rawId","type":"public-key","response":{"clientDataJSON","authenticatorData","signature","userHandle"},
     * "clientExtensionResults":{}}}. The sign counter must grow when the key keeps one: a counter that does not
     * is refused as a possibly cloned key and audited as such.
     *
     * @throws AuthException if the body is malformed (BAD_REQUEST), or the ceremony is unknown, used or expired,
     *         the key is not registered for that operator, or webauthn4j refuses the assertion (REFUSED)
     */
    public Session finishLogin(String body) throws AuthException {
        JsonNode b = bodies.parse(body, AuthAudit.LOGIN);
        String ceremonyId = bodies.text(b, "ceremony", AuthAudit.LOGIN);
        bodies.requirePublicKeyType(b, AuthAudit.LOGIN);
        byte[] credentialId = bodies.bytes(b, "rawId", AuthAudit.LOGIN);
        JsonNode r = bodies.object(b, "response", AuthAudit.LOGIN);
        byte[] clientData = bodies.bytes(r, "clientDataJSON", AuthAudit.LOGIN);
        byte[] authenticatorData = bodies.bytes(r, "authenticatorData", AuthAudit.LOGIN);
        byte[] signature = bodies.bytes(r, "signature", AuthAudit.LOGIN);
        JsonNode uh = r.get("userHandle");
        byte[] userHandle = uh == null || uh.isNull() || uh.stringValue("").isEmpty() ? null
                : bodies.bytes(r, "userHandle", AuthAudit.LOGIN);
        String extensions = bodies.extensions(b);

        synchronized (this) {
            Instant now = clock.instant();
            Ceremony c = ceremonies.remove(ceremonyId); // one answer per ceremony, whatever its outcome
            if (c == null || !now.isBefore(c.expires())) {
                fail(AuthAudit.LOGIN, c == null ? null : c.operator(), "login ceremony unknown, used or expired");
                throw AuthException.refused("this login attempt is unknown, was already used or took longer than "
                        + CEREMONY_TIMEOUT.toMinutes() + " min: start the login again");
            }
            String name = c.operator();
            OperatorStore.StoredOperator op = operators.get(name);
            OperatorStore.Credential cred = op == null ? null : op.credential(credentialId);
            if (cred == null) {
                fail(AuthAudit.LOGIN, name, "key " + shortId(credentialId) + " is not registered for this operator");
                throw AuthException.refused("this security key is not registered for operator '" + name + "'");
            }
            if (userHandle != null && !MessageDigest.isEqual(userHandle, op.userId)) {
                fail(AuthAudit.LOGIN, name, "user handle of key " + shortId(credentialId) + " does not match");
                throw AuthException.refused("this security key answered for another user than operator '" + name + "'");
            }
            CredentialRecordImpl record = record(cred);
            AuthenticationData data;
            try {
                ServerProperty server = new ServerProperty(origins, rpId, new DefaultChallenge(c.challenge()));
                List<byte[]> allowed = new ArrayList<>();
                op.credentials.forEach(k -> allowed.add(k.id));
                data = webauthn.verify(new AuthenticationRequest(credentialId, userHandle, authenticatorData, clientData,
                        extensions, signature), new AuthenticationParameters(server, record, allowed, false, true));
            } catch (MaliciousCounterValueException ex) {
                fail(AuthAudit.LOGIN, name, "CLONED KEY SUSPECTED: key " + shortId(credentialId) + " presented sign "
                        + "counter " + ex.getPresentedCounter() + ", stored " + ex.getStoredCounter());
                throw new AuthException(AuthException.Kind.REFUSED, "login refused: the security key's signature "
                        + "counter did not increase, so the key may have been cloned; the event is audited. Remove "
                        + "this key and enrol a new one", ex);
            } catch (DataConversionException ex) {
                fail(AuthAudit.LOGIN, name, "unreadable answer: " + RequestBodies.firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST,
                        "the security key's answer could not be read: " + RequestBodies.firstLine(ex), ex);
            } catch (VerificationException ex) {
                String why = RequestBodies.explain(ex, allowedOrigins, rpId);
                fail(AuthAudit.LOGIN, name, why);
                throw new AuthException(AuthException.Kind.REFUSED, "login refused: " + why, ex);
            } catch (RuntimeException ex) {
                // webauthn4j's parsers throw their own and Jackson's exceptions at malformed bytes
                fail(AuthAudit.LOGIN, name, "invalid answer: " + RequestBodies.firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST, "the security key's answer is invalid: "
                        + RequestBodies.firstLine(ex), ex);
            }
            AuthenticatorData<?> ad = data.getAuthenticatorData();
            cred.signCount = ad.getSignCount();
            cred.backedUp = ad.isFlagBS();
            cred.uvInitialized |= ad.isFlagUV();
            cred.lastUsed = now;
            op.lastLogin = now;
            store.saveOperator(op);

            Session s = sessions.open(B64.encodeToString(randomBytes(32)), name, now.plus(sessionTtl), now);
            audit.record(AuthAudit.LOGIN, name, true, "key " + shortId(credentialId) + ", sign counter "
                    + cred.signCount + ", session until " + s.expires());
            return s;
        }
    }

    // ----------------------------------------------------------------------------------------------- sessions

    /** The session of {@code token}, if it exists and has not expired. */
    public synchronized Optional<Session> session(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        return sessions.find(token, clock.instant());
    }

    /** Ends the session of {@code token}, if any. */
    public synchronized void logout(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return;
        }
        sessions.end(token).ifPresent(s -> audit.record(AuthAudit.LOGOUT, s.operator(), true,
                "session ended by the operator"));
    }

    /** The enrolled operators, by name. */
    public synchronized List<Operator> operators() {
        List<Operator> out = new ArrayList<>();
        for (OperatorStore.StoredOperator op : operators.values()) {
            out.add(new Operator(op.name, op.credentials.size(), op.created, op.lastLogin));
        }
        return out;
    }

    /**
     * Removes an operator (console): their keys, their pending enrolments and their open sessions.
     *
     * @return whether the operator existed
     */
    public synchronized boolean remove(String operatorName) {
        boolean existed = operators.remove(operatorName) != null;
        if (existed) {
            store.deleteOperator(operatorName);
        }
        int killed = sessions.endAll(operatorName);
        boolean pending = enrolments.values().removeIf(e -> e.operator.equals(operatorName));
        if (pending) {
            saveEnrolments();
        }
        audit.record(AuthAudit.REMOVE, operatorName, existed || pending, existed
                ? "operator removed, " + killed + " session(s) ended" + (pending ? ", pending enrolments cancelled" : "")
                : pending ? "pending enrolments cancelled" : "no such operator");
        return existed;
    }

    // -------------------------------------------------------------------------------------- bounded-map sizes

    synchronized int pendingCeremonies() {
        return ceremonies.size();
    }

    synchronized int openSessions() {
        return sessions.size();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Enrolment enrolment(String token, Instant now) throws AuthException {
        purgeEnrolments(now);
        Enrolment e = token == null || token.length() > 128 ? null : enrolments.get(hash(token));
        if (e == null) {
            fail(AuthAudit.REGISTER, null, "enrolment token unknown, used or expired");
            throw AuthException.refused("this enrolment link is unknown, was already used or has expired: ask for "
                    + "a new one (aether:operator-enrol <name> at the node's console)");
        }
        return e;
    }

    private void purgeEnrolments(Instant now) {
        if (enrolments.values().removeIf(e -> !now.isBefore(e.expires))) {
            saveEnrolments();
        }
    }

    private void purgeCeremonies(Instant now) {
        ceremonies.values().removeIf(c -> !now.isBefore(c.expires()));
    }

    private void saveEnrolments() {
        List<OperatorStore.StoredEnrolment> list = new ArrayList<>();
        for (Enrolment e : enrolments.values()) {
            list.add(new OperatorStore.StoredEnrolment(e.tokenHash, e.operator, e.userId, e.expires));
        }
        store.saveEnrolments(list);
    }

    private CredentialRecordImpl record(OperatorStore.Credential c) {
        AttestedCredentialData acd = credentialData.convert(c.attestedCredentialData);
        Set<AuthenticatorTransport> transports = new LinkedHashSet<>();
        c.transports.forEach(t -> transports.add(AuthenticatorTransport.create(t)));
        return new CredentialRecordImpl(new NoneAttestationStatement(), c.uvInitialized, c.backupEligible, c.backedUp,
                c.signCount, acd, null, null, null, transports);
    }

    private String owner(byte[] credentialId) {
        for (OperatorStore.StoredOperator op : operators.values()) {
            if (op.credential(credentialId) != null) {
                return op.name;
            }
        }
        return null;
    }

    private void fail(String action, String operator, String detail) {
        audit.record(action, operator, false, detail);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The first 8 base64url characters of a credential ID: enough to tell keys apart in the audit log. */
    private static String shortId(byte[] credentialId) {
        String s = B64.encodeToString(credentialId);
        return s.length() <= 8 ? s : s.substring(0, 8) + "…";
    }
}
