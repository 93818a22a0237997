package io.aethercore.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;

import io.aethercore.dashboard.testing.Chrome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real thing: Jetty 12 over TLS 1.3, headless Chromium with its virtual FIDO2 security key, the test page
 * running {@code navigator.credentials.create/get} against {@code /auth/*}. The browser accepts the dashboard's
 * certificate through the SPKI pin of {@link Chrome#start}; that WebAuthn would work with it without the virtual
 * key, too, is shown by {@link WebAuthnCertificateStateTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserLoginTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TlsLoginServer server;
    private Chrome chrome;

    @BeforeAll
    void start(@TempDir Path store) throws Exception {
        server = new TlsLoginServer(store);
        chrome = Chrome.start(List.of(server.leaf));
        chrome.addSecurityKey();
        chrome.driver().get(server.origin() + "/");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (chrome != null) {
                chrome.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private JsonNode run(String function, Object... args) {
        Object r = chrome.driver().executeAsyncScript("run(arguments[0], arguments[1], arguments[arguments.length - 1]);",
                function, List.of(args));
        assertNotNull(r, function + " returned nothing");
        return JSON.readTree((String) r);
    }

    private static void assertStatus(int expected, JsonNode answer) {
        assertEquals(expected, answer.path("status").intValue(), answer.toString());
    }

    @Test
    void secureContext() {
        JsonNode s = run("secure");
        assertTrue(s.path("secureContext").booleanValue(), "the pinned HTTPS page is a secure context: " + s);
        assertTrue(s.path("webauthn").booleanValue(), "PublicKeyCredential exists: " + s);
    }

    @Test
    void registerLoginSessionLogoutAndTheRefusals() throws Exception {
        // no session yet
        assertStatus(401, run("session"));

        // register alice's key with a one-time enrolment token
        String token = server.auth.enrol("alice");
        JsonNode reg = run("register", token);
        assertStatus(200, reg);
        assertEquals("alice", reg.path("body").path("operator").stringValue());
        assertTrue(server.audit.has(AuthAudit.REGISTER, "alice", true, "registered"));

        // the token is used up
        JsonNode again = run("register", token);
        assertStatus(401, again);
        assertTrue(again.path("body").path("error").stringValue().contains("already used"), again.toString());

        // log in; the session shows the operator; the cookie is Secure, HttpOnly, SameSite=Strict
        JsonNode login = run("login", "alice");
        assertStatus(200, login);
        assertEquals("alice", login.path("body").path("operator").stringValue());
        assertTrue(login.path("body").path("expires").longValue() > System.currentTimeMillis());
        JsonNode session = run("session");
        assertStatus(200, session);
        assertEquals("alice", session.path("body").path("operator").stringValue());
        Cookie cookie = chrome.driver().manage().getCookieNamed(AuthHandler.COOKIE);
        assertNotNull(cookie, "the session cookie is set");
        assertTrue(cookie.isSecure());
        assertTrue(cookie.isHttpOnly());
        assertEquals("Strict", cookie.getSameSite());
        assertTrue(server.audit.has(AuthAudit.LOGIN, "alice", true, null));

        // a login as another operator with alice's key fails: the key is not registered for bob
        JsonNode bob = run("login", "bob");
        assertStatus(401, bob);
        assertTrue(bob.path("body").path("error").stringValue().contains("not registered for operator 'bob'"),
                bob.toString());
        assertTrue(server.audit.has(AuthAudit.LOGIN, "bob", false, "not registered"));

        // the same assertion twice: the second is refused (one answer per ceremony)
        JsonNode replay = run("replay", "alice");
        assertEquals(2, replay.size(), replay.toString());
        assertStatus(200, replay.get(0));
        assertStatus(401, replay.get(1));
        assertTrue(replay.get(1).path("body").path("error").stringValue().contains("already used"), replay.toString());

        // an assertion answered for one ceremony and sent to another: challenge mismatch
        JsonNode cross = run("crossCeremony", "alice");
        assertStatus(401, cross);
        assertTrue(cross.path("body").path("error").stringValue().contains("challenge"), cross.toString());

        // logout ends the session and clears the cookie
        assertStatus(204, run("logout"));
        assertStatus(401, run("session"));
        assertEquals(null, chrome.driver().manage().getCookieNamed(AuthHandler.COOKIE));
        assertTrue(server.audit.has(AuthAudit.LOGOUT, "alice", true, null));
    }

    @Test
    void postFromAForeignOriginOrWithoutOriginIsRefused() throws Exception {
        HttpResponse<String> forged = server.post("/auth/login/options", "https://evil.example", "{\"operator\":\"alice\"}");
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("\"error\""), forged.body());
        assertEquals("no-store", forged.headers().firstValue("Cache-Control").orElse(null));

        HttpResponse<String> none = server.post("/auth/login/options", null, "{\"operator\":\"alice\"}");
        assertEquals(403, none.statusCode(), none.body());

        HttpResponse<String> ok = server.post("/auth/login/options", server.origin(), "{\"operator\":\"alice\"}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(null));
    }

    @Test
    void httpShapes() throws Exception {
        var client = server.client();
        HttpResponse<String> session = client.send(HttpRequest.newBuilder(server.uri("/auth/session")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, session.statusCode());
        assertEquals("no-store", session.headers().firstValue("Cache-Control").orElse(null));

        HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(server.uri("/auth/login/options")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(null));

        HttpResponse<String> unknown = server.post("/auth/nothing", server.origin(), "{}");
        assertEquals(404, unknown.statusCode());

        HttpResponse<String> big = server.post("/auth/login/options", server.origin(),
                "{\"operator\":\"" + "a".repeat(AuthHandler.MAX_BODY) + "\"}");
        assertEquals(413, big.statusCode());

        HttpResponse<String> notJson = server.post("/auth/login/options", server.origin(), "operator=alice");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().startsWith("{\"error\":"), notJson.body());

        HttpResponse<String> badToken = server.post("/auth/register/options", server.origin(), "{\"token\":\"nope\"}");
        assertEquals(401, badToken.statusCode());

        // outside /auth/ the handler steps aside for the next one (the page)
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(server.uri("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertFalse(page.headers().firstValue("Cache-Control").isPresent());
    }
}
