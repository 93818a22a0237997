package io.aethercore.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.interactions.Actions;

import io.aethercore.dashboard.testing.Chrome;

/**
 * Does Chromium allow WebAuthn on the dashboard when its certificate is accepted the way our tests and an
 * operator's browser accept it? Chromium refuses WebAuthn on pages with TLS certificate errors ("WebAuthn is not
 * supported on sites with TLS certificate errors"), but its virtual authenticator skips that check, so
 * {@link BrowserLoginTest} cannot answer the question. Here no virtual key is added: a page the browser accepts
 * leaves {@code navigator.credentials.create()} waiting for a key; a page in certificate-error state is refused at
 * once. The host is not {@code localhost} (mapped to the loopback address), as on a real node.
 */
class WebAuthnCertificateStateTest {

    private static final String HOST = "node1.aether.test";
    private static final String PENDING = "pending: waiting for a security key";
    private static final String CREATE_WITHOUT_KEY = "const done = arguments[arguments.length - 1];"
            + "const t = setTimeout(() => done('" + PENDING + "'), 3000);"
            + "navigator.credentials.create({publicKey: {rp: {name: 'probe'}, user: {id: new Uint8Array(16),"
            + " name: 'probe', displayName: 'probe'}, challenge: new Uint8Array(32),"
            + " pubKeyCredParams: [{type: 'public-key', alg: -7}], timeout: 60000}})"
            + ".then(c => { clearTimeout(t); done('created'); }, e => { clearTimeout(t); done(e.name + ': ' + e.message); });";

    @TempDir
    Path store;

    @Test
    void spkiPinnedCertificateIsNotACertificateError() throws Exception {
        try (TlsLoginServer server = new TlsLoginServer(store, HOST);
                Chrome chrome = Chrome.start(List.of(server.leaf), server.hostResolverRule())) {
            chrome.driver().get(server.origin() + "/");
            assertEquals("AetherCore login test page", chrome.driver().getTitle());
            assertEquals(PENDING, chrome.driver().executeAsyncScript(CREATE_WITHOUT_KEY));
        }
    }

    @Test
    void rootTrustedInNssIsNotACertificateError() throws Exception {
        try (TlsLoginServer server = new TlsLoginServer(store, HOST);
                Chrome chrome = Chrome.startTrusting(List.of(server.pki.root), server.hostResolverRule())) {
            chrome.driver().get(server.origin() + "/");
            assertEquals("AetherCore login test page", chrome.driver().getTitle());
            assertEquals(PENDING, chrome.driver().executeAsyncScript(CREATE_WITHOUT_KEY));
        }
    }

    /** The control: the same page, reached by clicking through the certificate warning, is refused WebAuthn. */
    @Test
    void clickedThroughCertificateWarningIsRefused() throws Exception {
        try (TlsLoginServer server = new TlsLoginServer(store, HOST);
                Chrome chrome = Chrome.start(List.of(), server.hostResolverRule())) {
            chrome.driver().get(server.origin() + "/");
            assertEquals("Privacy error", chrome.driver().getTitle(), "an untrusted certificate shows the warning");
            new Actions(chrome.driver()).sendKeys("thisisunsafe").perform(); // Chromium's keyboard bypass
            for (int i = 0; i < 50 && !chrome.driver().getTitle().equals("AetherCore login test page"); i++) {
                Thread.sleep(100);
            }
            assertEquals("AetherCore login test page", chrome.driver().getTitle(), "the warning was bypassed");
            Object r = chrome.driver().executeAsyncScript(CREATE_WITHOUT_KEY);
            assertTrue(String.valueOf(r).contains("WebAuthn is not supported on sites with TLS certificate errors"),
                    String.valueOf(r));
        }
    }
}
