package io.aethercore.dashboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
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
 */
public final class Chrome implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Chrome(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
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
        if (!installed()) {
            throw new IllegalStateException("Chromium is not installed: apt-get install chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("aether-chrome-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile));
        if (!pinned.isEmpty()) {
            List<String> pins = new ArrayList<>();
            for (X509Certificate c : pinned) {
                pins.add(spkiPin(c));
            }
            args.add("--ignore-certificate-errors-spki-list=" + String.join(",", pins));
        }
        args.addAll(List.of(extraArgs));
        options.addArguments(args);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Chrome(driver, profile);
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
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp profile left behind is harmless
            }
        }
    }
}
