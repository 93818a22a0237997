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
import java.util.Arrays;
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
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.VerificationException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
    static final int MAX_SESSIONS = 256;
    static final int MAX_ENROLMENTS = 64;
    static final int MAX_JSON_CHARS = 64 * 1024;
    /** A challenge outlives the browser's timeout a little, for the round trip. */
    private static final Duration CHALLENGE_TTL = CEREMONY_TIMEOUT.plusSeconds(30);

    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final OperatorStore store;
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
    private final WebAuthnManager webauthn;
    private final AttestedCredentialDataConverter credentialData;

    // guarded by this
    private final Map<String, OperatorStore.StoredOperator> operators = new TreeMap<>();
    private final Map<String, Enrolment> enrolments = new LinkedHashMap<>();
    private final LinkedHashMap<String, Ceremony> ceremonies = new LinkedHashMap<>();
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

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
        // sessions survive a bundle update or a restart until they expire (pages reconnect without a new login);
        // the token itself is never stored, so the value part holds no token
        for (OperatorStore.StoredSession e : store.loadSessions()) {
            if (e.expires().isAfter(now) && operators.containsKey(e.operator()) && sessions.size() < MAX_SESSIONS) {
                sessions.put(e.tokenHash(), new Session("(stored)", e.operator(), e.expires()));
            }
        }
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
        requireName(operatorName, AuthAudit.ENROL);
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

        ObjectNode root = json.createObjectNode();
        ObjectNode pk = root.putObject("publicKey");
        ObjectNode rp = pk.putObject("rp");
        rp.put("id", rpId);
        rp.put("name", rpName);
        ObjectNode user = pk.putObject("user");
        user.put("id", B64.encodeToString(userId));
        user.put("name", e.operator);
        user.put("displayName", e.operator);
        pk.put("challenge", B64.encodeToString(e.challenge));
        ArrayNode params = pk.putArray("pubKeyCredParams");
        for (PublicKeyCredentialParameters p : ALGORITHMS) {
            params.addObject().put("type", "public-key").put("alg", p.getAlg().getValue());
        }
        pk.put("timeout", CEREMONY_TIMEOUT.toMillis());
        pk.put("attestation", "none");
        ObjectNode sel = pk.putObject("authenticatorSelection");
        sel.put("residentKey", "preferred");
        sel.put("requireResidentKey", false);
        sel.put("userVerification", "preferred");
        ArrayNode exclude = pk.putArray("excludeCredentials");
        if (op != null) {
            for (OperatorStore.Credential c : op.credentials) {
                descriptor(exclude.addObject(), c);
            }
        }
        return json.writeValueAsString(root);
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
        JsonNode b = parse(body, AuthAudit.REGISTER);
        String token = text(b, "token", AuthAudit.REGISTER);
        requirePublicKeyType(b, AuthAudit.REGISTER);
        JsonNode r = object(b, "response", AuthAudit.REGISTER);
        byte[] clientData = bytes(r, "clientDataJSON", AuthAudit.REGISTER);
        byte[] attestation = bytes(r, "attestationObject", AuthAudit.REGISTER);
        Set<String> transports = new LinkedHashSet<>();
        for (JsonNode t : r.path("transports").values()) {
            if (t.isString() && transports.size() < 8) {
                transports.add(t.stringValue());
            }
        }
        String extensions = extensions(b);

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
                        new RegistrationParameters(server, ALGORITHMS, false, true));
            } catch (DataConversionException ex) {
                fail(AuthAudit.REGISTER, e.operator, "unreadable answer: " + firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST,
                        "the security key's answer could not be read: " + firstLine(ex), ex);
            } catch (VerificationException ex) {
                String why = explain(ex);
                fail(AuthAudit.REGISTER, e.operator, why);
                throw new AuthException(AuthException.Kind.REFUSED, "registration refused: " + why, ex);
            } catch (RuntimeException ex) {
                // webauthn4j's parsers throw their own and Jackson's exceptions at malformed bytes
                fail(AuthAudit.REGISTER, e.operator, "invalid answer: " + firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST, "the security key's answer is invalid: "
                        + firstLine(ex), ex);
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
                fail(AuthAudit.REGISTER, e.operator, "store not writable: " + firstLine(ex));
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
        requireName(operatorName, AuthAudit.LOGIN);
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

        ObjectNode root = json.createObjectNode();
        root.put("ceremony", id);
        ObjectNode pk = root.putObject("publicKey");
        pk.put("challenge", B64.encodeToString(c.challenge()));
        pk.put("rpId", rpId);
        ArrayNode allow = pk.putArray("allowCredentials");
        OperatorStore.StoredOperator op = operators.get(operatorName);
        if (op != null) {
            for (OperatorStore.Credential cred : op.credentials) {
                descriptor(allow.addObject(), cred);
            }
        }
        pk.put("userVerification", "preferred");
        pk.put("timeout", CEREMONY_TIMEOUT.toMillis());
        return json.writeValueAsString(root);
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
        JsonNode b = parse(body, AuthAudit.LOGIN);
        String ceremonyId = text(b, "ceremony", AuthAudit.LOGIN);
        requirePublicKeyType(b, AuthAudit.LOGIN);
        byte[] credentialId = bytes(b, "rawId", AuthAudit.LOGIN);
        JsonNode r = object(b, "response", AuthAudit.LOGIN);
        byte[] clientData = bytes(r, "clientDataJSON", AuthAudit.LOGIN);
        byte[] authenticatorData = bytes(r, "authenticatorData", AuthAudit.LOGIN);
        byte[] signature = bytes(r, "signature", AuthAudit.LOGIN);
        JsonNode uh = r.get("userHandle");
        byte[] userHandle = uh == null || uh.isNull() || uh.stringValue("").isEmpty() ? null
                : bytes(r, "userHandle", AuthAudit.LOGIN);
        String extensions = extensions(b);

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
            OperatorStore.Credential cred = op == null ? null : find(op, credentialId);
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
                fail(AuthAudit.LOGIN, name, "unreadable answer: " + firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST,
                        "the security key's answer could not be read: " + firstLine(ex), ex);
            } catch (VerificationException ex) {
                String why = explain(ex);
                fail(AuthAudit.LOGIN, name, why);
                throw new AuthException(AuthException.Kind.REFUSED, "login refused: " + why, ex);
            } catch (RuntimeException ex) {
                // webauthn4j's parsers throw their own and Jackson's exceptions at malformed bytes
                fail(AuthAudit.LOGIN, name, "invalid answer: " + firstLine(ex));
                throw new AuthException(AuthException.Kind.BAD_REQUEST, "the security key's answer is invalid: "
                        + firstLine(ex), ex);
            }
            AuthenticatorData<?> ad = data.getAuthenticatorData();
            cred.signCount = ad.getSignCount();
            cred.backedUp = ad.isFlagBS();
            cred.uvInitialized |= ad.isFlagUV();
            cred.lastUsed = now;
            op.lastLogin = now;
            store.saveOperator(op);

            purgeSessions(now);
            while (sessions.size() >= MAX_SESSIONS) {
                Iterator<Session> it = sessions.values().iterator();
                Session old = it.next();
                it.remove();
                audit.record(AuthAudit.LOGOUT, old.operator(), true, "session ended early: more than " + MAX_SESSIONS
                        + " sessions open");
            }
            String token = B64.encodeToString(randomBytes(32));
            Session s = new Session(token, name, now.plus(sessionTtl));
            sessions.put(hash(token), s);
            saveSessions();
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
        String h = hash(token);
        Session s = sessions.get(h);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expires())) {
            sessions.remove(h);
            return Optional.empty();
        }
        return Optional.of(new Session(token, s.operator(), s.expires()));
    }

    /** Ends the session of {@code token}, if any. */
    public synchronized void logout(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return;
        }
        Session s = sessions.remove(hash(token));
        if (s != null) {
            saveSessions();
            audit.record(AuthAudit.LOGOUT, s.operator(), true, "session ended by the operator");
        }
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
        int killed = 0;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext();) {
            if (it.next().operator().equals(operatorName)) {
                it.remove();
                killed++;
            }
        }
        if (killed > 0) {
            saveSessions();
        }
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

    private void purgeSessions(Instant now) {
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
    }

    private void saveSessions() {
        List<OperatorStore.StoredSession> list = new ArrayList<>();
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            list.add(new OperatorStore.StoredSession(e.getKey(), e.getValue().operator(), e.getValue().expires()));
        }
        store.saveSessions(list);
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
            if (find(op, credentialId) != null) {
                return op.name;
            }
        }
        return null;
    }

    private static OperatorStore.Credential find(OperatorStore.StoredOperator op, byte[] credentialId) {
        for (OperatorStore.Credential c : op.credentials) {
            if (Arrays.equals(c.id, credentialId)) {
                return c;
            }
        }
        return null;
    }

    private static void descriptor(ObjectNode n, OperatorStore.Credential c) {
        n.put("type", "public-key");
        n.put("id", B64.encodeToString(c.id));
        if (!c.transports.isEmpty()) {
            ArrayNode t = n.putArray("transports");
            c.transports.forEach(t::add);
        }
    }

    private String explain(VerificationException e) {
        if (e instanceof BadOriginException) {
            return "the page's origin is not one of the dashboard's origins " + new java.util.TreeSet<>(allowedOrigins)
                    + ": open the dashboard at its configured address";
        }
        if (e instanceof BadRpIdException) {
            return "the key signed for another site than '" + rpId + "': open the dashboard under that host name";
        }
        if (e instanceof BadChallengeException) {
            return "the answer does not belong to this ceremony (challenge mismatch): start again";
        }
        if (e instanceof BadSignatureException) {
            return "the security key's signature is not valid";
        }
        if (e instanceof UserNotPresentException) {
            return "the security key did not confirm presence: touch the key when it blinks";
        }
        if (e instanceof NotAllowedAlgorithmException) {
            return "the key uses an algorithm that is not allowed (ES256, EdDSA and RS256 are)";
        }
        if (e instanceof InconsistentClientDataTypeException) {
            return "the answer is of the wrong ceremony type";
        }
        return "WebAuthn verification failed: " + firstLine(e);
    }

    /** An exception's message without the parser's location lines. */
    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private void requireName(String name, String action) throws AuthException {
        if (name == null || !OPERATOR_NAME.matcher(name).matches()) {
            fail(action, null, "invalid operator name");
            throw AuthException.bad("an operator name is 1 to 64 characters: a lower-case letter first, then "
                    + "lower-case letters, digits, '.', '_' or '-'");
        }
    }

    private JsonNode parse(String body, String action) throws AuthException {
        if (body == null || body.length() > MAX_JSON_CHARS) {
            fail(action, null, "request body missing or too large");
            throw AuthException.bad("the request body is missing or larger than " + MAX_JSON_CHARS + " characters");
        }
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
            return n;
        } catch (RuntimeException e) {
            fail(action, null, "request body is not a JSON object");
            throw AuthException.bad("the request body is not a JSON object");
        }
    }

    private String text(JsonNode n, String field, String action) throws AuthException {
        JsonNode v = n.get(field);
        if (v == null || !v.isString() || v.stringValue().isEmpty()) {
            fail(action, null, "field '" + field + "' missing");
            throw AuthException.bad("the request needs a string field '" + field + "'");
        }
        return v.stringValue();
    }

    private JsonNode object(JsonNode n, String field, String action) throws AuthException {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            fail(action, null, "field '" + field + "' missing");
            throw AuthException.bad("the request needs an object field '" + field + "'");
        }
        return v;
    }

    private byte[] bytes(JsonNode n, String field, String action) throws AuthException {
        String s = text(n, field, action);
        try {
            return B64D.decode(s);
        } catch (IllegalArgumentException e) {
            fail(action, null, "field '" + field + "' is not base64url");
            throw AuthException.bad("the field '" + field + "' must be base64url without padding");
        }
    }

    private void requirePublicKeyType(JsonNode b, String action) throws AuthException {
        if (!"public-key".equals(text(b, "type", action))) {
            fail(action, null, "credential type is not public-key");
            throw AuthException.bad("the credential's type must be \"public-key\"");
        }
    }

    private String extensions(JsonNode b) {
        JsonNode x = b.get("clientExtensionResults");
        return x != null && x.isObject() ? json.writeValueAsString(x) : null;
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
