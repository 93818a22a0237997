package io.aethercore.dashboard.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Headless Debian Chromium driven through chromedriver, for tests. The dashboard's certificate is pinned by
 * its public key ({@code --ignore-certificate-errors-spki-list}): the browser accepts exactly that key and
 * nothing else that is not publicly trusted, the way an operator's pinned browser profile would.
 * {@link #startTrusting} instead trusts a root CA through an NSS database. With either, Chromium treats the page as
 * free of certificate errors, so WebAuthn is allowed (io.aethercore.dashboard.auth.WebAuthnCertificateStateTest).
 */
public final class Chrome implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final List<Path> temporary;

    private Chrome(ChromeDriver driver, List<Path> temporary) {
        this.driver = driver;
        this.temporary = temporary;
    }

    /** Whether Chromium and chromedriver are installed (scripts/run-tests.sh installs them). */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /**
     * Starts a headless Chromium.
     *
     * @param pinned certificates whose public keys the browser accepts without a public CA (may be empty)
     * @param extraArgs further command-line switches
     */
    public static Chrome start(List<X509Certificate> pinned, String... extraArgs) throws IOException {
        List<String> args = new ArrayList<>();
        if (!pinned.isEmpty()) {
            List<String> pins = new ArrayList<>();
            for (X509Certificate c : pinned) {
                pins.add(spkiPin(c));
            }
            args.add("--ignore-certificate-errors-spki-list=" + String.join(",", pins));
        }
        args.addAll(List.of(extraArgs));
        return launch(args, Map.of(), new ArrayList<>());
    }

    /**
     * Starts a headless Chromium that trusts {@code roots} as certificate authorities, the way an operator's
     * machine that imported the federation root would: the roots go into an NSS database ({@code certutil}, from
     * libnss3-tools) under a temporary {@code $HOME/.pki/nssdb}, which Chromium on Linux reads; chromedriver,
     * and so the browser, run with that {@code HOME}. Nothing is pinned: certificates are verified normally.
     *
     * @param roots CA certificates to trust for TLS servers
     * @param extraArgs further command-line switches
     */
    public static Chrome startTrusting(List<X509Certificate> roots, String... extraArgs) throws IOException {
        if (!installed()) {
            throw new IllegalStateException("Chromium is not installed: apt-get install chromium chromium-driver");
        }
        Path home = Files.createTempDirectory("aether-chrome-home-");
        List<Path> temporary = new ArrayList<>(List.of(home));
        try {
            Path nssdb = Files.createDirectories(home.resolve(".pki").resolve("nssdb"));
            certutil(home, "-d", "sql:" + nssdb, "-N", "--empty-password");
            for (int i = 0; i < roots.size(); i++) {
                Path pem = home.resolve("root-" + i + ".pem");
                Files.writeString(pem, pem(roots.get(i)), StandardCharsets.US_ASCII);
                certutil(home, "-d", "sql:" + nssdb, "-A", "-t", "C,,", "-n", "aether-test-root-" + i, "-i",
                        pem.toString());
            }
            return launch(new ArrayList<>(List.of(extraArgs)), Map.of("HOME", home.toString()), temporary);
        } catch (IOException | RuntimeException e) {
            delete(temporary);
            throw e;
        }
    }

    private static Chrome launch(List<String> extraArgs, Map<String, String> environment, List<Path> temporary)
            throws IOException {
        if (!installed()) {
            throw new IllegalStateException("Chromium is not installed: apt-get install chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("aether-chrome-");
        temporary.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile));
        args.addAll(extraArgs);
        options.addArguments(args);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withEnvironment(environment).build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            delete(temporary);
            throw e;
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Chrome(driver, temporary);
    }

    private static void certutil(Path home, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("certutil");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("certutil is not installed: apt-get install libnss3-tools", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("certutil " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running certutil", e);
        }
    }

    private static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode " + cert.getSubjectX500Principal(), e);
        }
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)), the form Chromium's SPKI pin switch takes. */
    public static String spkiPin(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Adds Chromium's virtual FIDO2 authenticator (CTAP2 over USB, resident keys, user verification): the
     * stand-in for an operator's hardware key. Credentials live as long as the authenticator.
     */
    public VirtualAuthenticator addSecurityKey() {
        VirtualAuthenticatorOptions o = new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.USB)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true);
        return ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(o);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(temporary);
        }
    }

    private static void delete(List<Path> dirs) {
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp profile left behind is harmless
            }
        }
    }
}
