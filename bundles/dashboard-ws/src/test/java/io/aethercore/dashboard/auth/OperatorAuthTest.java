package io.aethercore.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The rules of {@link OperatorAuth}, with a software security key and a clock moved by hand. */
class OperatorAuthTest {

    private static final String RP = "localhost";
    private static final String ORIGIN = "https://localhost:8443";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final RecordingAudit audit = new RecordingAudit();
    private OperatorAuth auth;

    @BeforeEach
    void setUp() throws Exception {
        auth = open();
    }

    private OperatorAuth open() throws Exception {
        return new OperatorAuth(dir.resolve("operators"), RP, "AetherCore", Set.of(ORIGIN), clock, new SecureRandom(),
                audit, Duration.ofMinutes(15), Duration.ofMinutes(15));
    }

    private SoftKey register(String operator) throws Exception {
        SoftKey key = new SoftKey();
        String token = auth.enrol(operator);
        assertEquals(operator, auth.finishRegistration(key.register(auth.registrationOptions(token), token, ORIGIN)));
        return key;
    }

    private Session login(SoftKey key, String operator) throws Exception {
        return auth.finishLogin(key.login(auth.loginOptions(operator), RP, ORIGIN));
    }

    private static AuthException refused(AuthException.Kind kind, String messagePart, Executable call) {
        AuthException e = assertThrows(AuthException.class, call::run);
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        return e;
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }

    @Test
    void registerThenLogInOpensASession() throws Exception {
        SoftKey key = register("alice");
        Session s = login(key, "alice");
        assertEquals("alice", s.operator());
        assertEquals(clock.instant().plus(Duration.ofMinutes(15)), s.expires());
        assertTrue(s.token().length() >= 43, "256-bit token");
        assertEquals(s, auth.session(s.token()).orElseThrow());
        assertFalse(s.toString().contains(s.token()), "toString hides the token");

        List<Operator> ops = auth.operators();
        assertEquals(1, ops.size());
        assertEquals("alice", ops.get(0).name());
        assertEquals(1, ops.get(0).credentials());
        assertEquals(clock.instant(), ops.get(0).lastLogin());

        assertTrue(audit.has(AuthAudit.ENROL, "alice", true, null));
        assertTrue(audit.has(AuthAudit.REGISTER, "alice", true, "registered"));
        assertTrue(audit.has(AuthAudit.LOGIN, "alice", true, null));
    }

    @Test
    void registrationOptionsFollowTheContract() throws Exception {
        SoftKey first = register("alice");
        String token = auth.enrol("alice");
        JsonNode pk = JSON.readTree(auth.registrationOptions(token)).get("publicKey");
        assertEquals(RP, pk.get("rp").get("id").stringValue());
        assertEquals("alice", pk.get("user").get("name").stringValue());
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(pk.get("challenge").stringValue()).length);
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(pk.get("user").get("id").stringValue()).length);
        assertEquals("[-7, -8, -257]", pk.get("pubKeyCredParams").findValues("alg").toString());
        assertEquals("none", pk.get("attestation").stringValue());
        assertEquals("preferred", pk.get("authenticatorSelection").get("residentKey").stringValue());
        assertEquals("preferred", pk.get("authenticatorSelection").get("userVerification").stringValue());
        assertEquals(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(first.credentialId),
                pk.get("excludeCredentials").get(0).get("id").stringValue(), "the operator's keys are excluded");

        // a second key for the same operator keeps the user handle
        SoftKey second = new SoftKey();
        auth.finishRegistration(second.register(auth.registrationOptions(token), token, ORIGIN));
        assertEquals(2, auth.operators().get(0).credentials());
        assertEquals("alice", login(second, "alice").operator());
        assertEquals("alice", login(first, "alice").operator());
    }

    @Test
    void enrolmentTokenIsOneTime() throws Exception {
        SoftKey key = new SoftKey();
        String token = auth.enrol("alice");
        String body = key.register(auth.registrationOptions(token), token, ORIGIN);
        auth.finishRegistration(body);
        refused(AuthException.Kind.REFUSED, "already used", () -> auth.registrationOptions(token));
        refused(AuthException.Kind.REFUSED, "already used", () -> auth.finishRegistration(body));
        assertTrue(audit.has(AuthAudit.REGISTER, null, false, "enrolment token"));
    }

    @Test
    void registrationChallengeIsOneTime() throws Exception {
        SoftKey key = new SoftKey();
        String token = auth.enrol("alice");
        String options = auth.registrationOptions(token);
        String wrongOrigin = key.register(options, token, "https://evil.example");
        refused(AuthException.Kind.REFUSED, "origin", () -> auth.finishRegistration(wrongOrigin));
        // the challenge is spent: even a good answer to it is refused; new options make a new one
        refused(AuthException.Kind.REFUSED, "no registration is in progress",
                () -> auth.finishRegistration(key.register(options, token, ORIGIN)));
        assertEquals("alice", auth.finishRegistration(key.register(auth.registrationOptions(token), token, ORIGIN)));
    }

    @Test
    void enrolmentTokenExpires() throws Exception {
        String token = auth.enrol("alice");
        clock.advance(Duration.ofMinutes(15));
        refused(AuthException.Kind.REFUSED, "expired", () -> auth.registrationOptions(token));

        String token2 = auth.enrol("alice");
        SoftKey key = new SoftKey();
        String options = auth.registrationOptions(token2);
        clock.advance(Duration.ofMinutes(14)); // the token lives on, but the challenge has timed out
        refused(AuthException.Kind.REFUSED, "took longer", () -> auth.finishRegistration(key.register(options, token2,
                ORIGIN)));
        assertTrue(audit.has(AuthAudit.REGISTER, "alice", false, "timed out"));
    }

    @Test
    void operatorNamesAreValidated() throws Exception {
        for (String bad : new String[] {"Alice", "", "1abc", "-a", "a b", "a/b", "../x", "a".repeat(65), "é"}) {
            refused(AuthException.Kind.BAD_REQUEST, "operator name", () -> auth.enrol(bad));
            refused(AuthException.Kind.BAD_REQUEST, "operator name", () -> auth.loginOptions(bad));
        }
        for (String good : new String[] {"a", "alice", "ops.team-1_x", "z" + "9".repeat(63)}) {
            assertNotNull(auth.enrol(good));
        }
    }

    @Test
    void wrongOriginBadSignatureAndWrongRpIdAreRefused() throws Exception {
        SoftKey key = register("alice");
        refused(AuthException.Kind.REFUSED, "origin",
                () -> auth.finishLogin(key.login(auth.loginOptions("alice"), RP, "https://localhost:9999")));
        refused(AuthException.Kind.REFUSED, "another site",
                () -> auth.finishLogin(key.login(auth.loginOptions("alice"), "evil.example", ORIGIN)));
        key.breakSignature = true;
        refused(AuthException.Kind.REFUSED, "signature", () -> login(key, "alice"));
        key.breakSignature = false;
        assertEquals("alice", login(key, "alice").operator());
        assertTrue(audit.has(AuthAudit.LOGIN, "alice", false, "origin"));
    }

    @Test
    void aCeremonyIsAnsweredOnce() throws Exception {
        SoftKey key = register("alice");
        String body = key.login(auth.loginOptions("alice"), RP, ORIGIN);
        auth.finishLogin(body);
        refused(AuthException.Kind.REFUSED, "already used", () -> auth.finishLogin(body));
        assertTrue(audit.has(AuthAudit.LOGIN, null, false, "unknown, used or expired"));
    }

    @Test
    void aCeremonyExpires() throws Exception {
        SoftKey key = register("alice");
        String body = key.login(auth.loginOptions("alice"), RP, ORIGIN);
        clock.advance(Duration.ofMinutes(3));
        refused(AuthException.Kind.REFUSED, "took longer", () -> auth.finishLogin(body));
    }

    @Test
    void aCounterThatDoesNotGrowIsRefusedAsAClone() throws Exception {
        SoftKey key = register("alice");
        login(key, "alice"); // counter 1
        login(key, "alice"); // counter 2
        SoftKey clone = key; // a copy of the key that still says 2
        clone.counter = 1;
        refused(AuthException.Kind.REFUSED, "cloned", () -> login(clone, "alice"));
        assertTrue(audit.has(AuthAudit.LOGIN, "alice", false, "CLONED KEY SUSPECTED"));
        clone.counter = 2;
        assertEquals("alice", login(clone, "alice").operator(), "a counter above the stored one is accepted");
    }

    @Test
    void aKeyWithoutCounterMayKeepZero() throws Exception {
        SoftKey key = register("alice");
        key.step = 0;
        login(key, "alice");
        assertEquals("alice", login(key, "alice").operator());
    }

    @Test
    void unknownOperatorGetsTheSameShapeAndFailsLikeAWrongKey() throws Exception {
        SoftKey key = register("alice");
        JsonNode known = JSON.readTree(auth.loginOptions("alice"));
        JsonNode unknown = JSON.readTree(auth.loginOptions("bob"));
        assertEquals(names(known), names(unknown));
        assertEquals(names(known.get("publicKey")), names(unknown.get("publicKey")));
        assertEquals(0, unknown.get("publicKey").get("allowCredentials").size());
        AuthException e = refused(AuthException.Kind.REFUSED, "not registered for operator 'bob'",
                () -> login(key, "bob"));
        assertNull(e.getCause());
        // a second operator's key does not open alice's account either
        SoftKey carol = register("carol");
        refused(AuthException.Kind.REFUSED, "not registered for operator 'alice'", () -> login(carol, "alice"));
    }

    private static List<String> names(JsonNode n) {
        return n.propertyNames().stream().sorted().toList();
    }

    @Test
    void aKeyIsRegisteredOnce() throws Exception {
        SoftKey key = register("alice");
        String token = auth.enrol("bob");
        refused(AuthException.Kind.REFUSED, "already registered",
                () -> auth.finishRegistration(key.register(auth.registrationOptions(token), token, ORIGIN)));
    }

    @Test
    void sessionsExpireAndLogOut() throws Exception {
        SoftKey key = register("alice");
        Session s = login(key, "alice");
        clock.advance(Duration.ofMinutes(14));
        assertTrue(auth.session(s.token()).isPresent());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(auth.session(s.token()).isEmpty(), "expired after 15 min");

        Session t = login(key, "alice");
        auth.logout(t.token());
        assertTrue(auth.session(t.token()).isEmpty());
        assertTrue(audit.has(AuthAudit.LOGOUT, "alice", true, null));
        assertTrue(auth.session("nonsense").isEmpty());
        assertTrue(auth.session(null).isEmpty());
    }

    @Test
    void removeEndsSessionsAndForgetsKeys() throws Exception {
        SoftKey key = register("alice");
        SoftKey bobKey = register("bob");
        Session s = login(key, "alice");
        Session b = login(bobKey, "bob");
        assertTrue(auth.remove("alice"));
        assertTrue(auth.session(s.token()).isEmpty());
        assertTrue(auth.session(b.token()).isPresent(), "other operators keep their sessions");
        assertEquals(List.of("bob"), auth.operators().stream().map(Operator::name).toList());
        assertFalse(Files.exists(auth.storeDir().resolve("alice" + OperatorStore.SUFFIX)));
        refused(AuthException.Kind.REFUSED, "not registered", () -> login(key, "alice"));
        assertFalse(auth.remove("alice"));
        assertTrue(audit.has(AuthAudit.REMOVE, "alice", true, "1 session(s) ended"));
    }

    @Test
    void inMemoryMapsAreBounded() throws Exception {
        for (int i = 0; i < OperatorAuth.MAX_CEREMONIES + 100; i++) {
            auth.loginOptions("nobody");
        }
        assertEquals(OperatorAuth.MAX_CEREMONIES, auth.pendingCeremonies());
        clock.advance(Duration.ofMinutes(5));
        auth.loginOptions("nobody");
        assertEquals(1, auth.pendingCeremonies(), "expired ceremonies are dropped");

        SoftKey key = register("alice");
        Session first = login(key, "alice");
        for (int i = 0; i < OperatorAuth.MAX_SESSIONS; i++) {
            login(key, "alice");
        }
        assertEquals(OperatorAuth.MAX_SESSIONS, auth.openSessions());
        assertTrue(auth.session(first.token()).isEmpty(), "the oldest session made room");
        clock.advance(Duration.ofMinutes(16));
        login(key, "alice");
        assertEquals(1, auth.openSessions(), "expired sessions are dropped");

        for (int i = 0; i < OperatorAuth.MAX_ENROLMENTS; i++) {
            auth.enrol("op" + i);
        }
        refused(AuthException.Kind.REFUSED, "pending", () -> auth.enrol("one-more"));
    }

    @Test
    void theStoreSurvivesARestart() throws Exception {
        SoftKey key = register("alice");
        login(key, "alice");
        login(key, "alice");
        String pending = auth.enrol("bob");

        OperatorAuth again = open();
        Operator alice = again.operators().get(0);
        assertEquals("alice", alice.name());
        assertEquals(1, alice.credentials());
        assertEquals(clock.instant(), alice.lastLogin());
        auth = again;
        assertEquals("alice", login(key, "alice").operator());
        key.counter = 1; // the stored counter (3) survived the restart
        refused(AuthException.Kind.REFUSED, "cloned", () -> login(key, "alice"));
        SoftKey bob = new SoftKey();
        assertEquals("bob", again.finishRegistration(bob.register(again.registrationOptions(pending), pending, ORIGIN)),
                "a pending enrolment survives a restart");
    }

    @Test
    void filesAreTheNodesAloneAndHoldNoTokens() throws Exception {
        SoftKey key = register("alice");
        String token = auth.enrol("bob");
        Session s = login(key, "alice");
        Path store = auth.storeDir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        try (Stream<Path> files = Files.list(store)) {
            List<Path> all = files.toList();
            assertEquals(Set.of("alice" + OperatorStore.SUFFIX, OperatorStore.ENROLMENTS, OperatorStore.SESSIONS),
                    Set.copyOf(all.stream().map(p -> p.getFileName().toString()).toList()), "no temporary files left");
            for (Path p : all) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
                String text = Files.readString(p);
                assertFalse(text.contains(token), "no enrolment token in " + p);
                assertFalse(text.contains(s.token()), "no session token in " + p);
            }
        }
        assertTrue(Files.readString(store.resolve(OperatorStore.ENROLMENTS)).contains(OperatorAuth.hash(token)));
        assertTrue(Files.readString(store.resolve(OperatorStore.SESSIONS)).contains(OperatorAuth.hash(s.token())));
    }

    @Test
    void aSessionSurvivesABundleUpdateUntilItExpiresOrIsEnded() throws Exception {
        SoftKey key = register("alice");
        Session s = login(key, "alice");
        Session other = login(key, "alice");
        auth.logout(other.token());
        OperatorAuth again = open();
        assertEquals("alice", again.session(s.token()).orElseThrow().operator(), "still logged in after a restart");
        assertEquals(s.token(), again.session(s.token()).orElseThrow().token());
        assertTrue(again.session(other.token()).isEmpty(), "a logged-out session stays ended");
        again.remove("alice");
        assertTrue(open().session(s.token()).isEmpty(), "removing the operator ends the stored session too");
    }

    @Test
    void aDamagedFileStopsTheStartWithAClearMessage() throws Exception {
        register("alice");
        Files.writeString(auth.storeDir().resolve("alice" + OperatorStore.SUFFIX), "{not json");
        java.io.IOException e = assertThrows(java.io.IOException.class, this::open);
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void malformedBodiesAreBadRequests() throws Exception {
        refused(AuthException.Kind.BAD_REQUEST, "JSON object", () -> auth.finishLogin("not json"));
        refused(AuthException.Kind.BAD_REQUEST, "JSON object", () -> auth.finishLogin("[1]"));
        refused(AuthException.Kind.BAD_REQUEST, "'ceremony'", () -> auth.finishLogin("{}"));
        refused(AuthException.Kind.BAD_REQUEST, "base64url", () -> auth.finishLogin(
                "{\"ceremony\":\"x\",\"type\":\"public-key\",\"rawId\":\"***\"}"));
        refused(AuthException.Kind.BAD_REQUEST, "'token'", () -> auth.finishRegistration("{\"id\":1}"));
        String token = auth.enrol("alice");
        auth.registrationOptions(token);
        refused(AuthException.Kind.BAD_REQUEST, "answer", () -> auth.finishRegistration(
                "{\"token\":\"" + token + "\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\","
                        + "\"attestationObject\":\"AAAA\"}}"));
        assertNotEquals(0, audit.entries().stream().filter(e -> !e.success()).count());
    }
}
