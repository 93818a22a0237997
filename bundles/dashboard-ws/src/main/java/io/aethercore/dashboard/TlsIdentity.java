package io.aethercore.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The dashboard's TLS key and certificate chain (a PKCS#12 key store), checked against the federation root
 * before the server uses it: the server presents only a certificate that chains to the pinned root, so the
 * playbook's {@code openssl s_client -CAfile federation-root.pem} check holds by construction.
 */
public final class TlsIdentity {

    private final KeyStore keyStore;
    private final char[] password;
    private final X509Certificate[] chain;
    private final List<X509Certificate> roots;
    private final String fingerprint;

    private TlsIdentity(KeyStore keyStore, char[] password, X509Certificate[] chain, List<X509Certificate> roots,
            String fingerprint) {
        this.keyStore = keyStore;
        this.password = password;
        this.chain = chain;
        this.roots = roots;
        this.fingerprint = fingerprint;
    }

    /**
     * Loads the key store and verifies its certificate chain against {@code roots}.
     *
     * @throws DashboardException if a file is missing, the password is wrong, the store holds no key, or the
     *     certificate does not chain to a root (named in the message)
     */
    public static TlsIdentity load(Path keyStoreFile, Path passwordFile, List<X509Certificate> roots)
            throws DashboardException {
        if (roots.isEmpty()) {
            throw new DashboardException("no federation root to pin: this node is not enrolled and tls.pinned_cert is"
                    + " not set");
        }
        if (!Files.isRegularFile(keyStoreFile)) {
            throw new DashboardException("no dashboard certificate at " + keyStoreFile + "; on the Federation Authority"
                    + " run aether:keygen --type dashboard (see docs/dashboard.md)");
        }
        char[] pw;
        try {
            List<String> lines = Files.readAllLines(passwordFile);
            pw = (lines.isEmpty() ? "" : lines.get(0).strip()).toCharArray();
        } catch (IOException e) {
            throw new DashboardException("cannot read the key store password from " + passwordFile + ": " + e);
        }
        KeyStore ks;
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
        } catch (IOException | GeneralSecurityException e) {
            throw new DashboardException("cannot open " + keyStoreFile + " (wrong password or not PKCS#12): "
                    + e.getMessage(), e);
        }
        try {
            String alias = null;
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    if (alias != null) {
                        throw new DashboardException(keyStoreFile + " holds more than one key; keep one");
                    }
                    alias = a;
                }
            }
            if (alias == null) {
                throw new DashboardException(keyStoreFile + " holds no private key");
            }
            java.security.cert.Certificate[] raw = ks.getCertificateChain(alias);
            X509Certificate[] chain = Arrays.stream(raw).map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
            verify(chain, roots);
            List<String> eku = chain[0].getExtendedKeyUsage();
            if (eku != null && !eku.contains("1.3.6.1.5.5.7.3.1")) {
                throw new DashboardException("the certificate in " + keyStoreFile + " is not for TLS servers"
                        + " (extended key usage lacks serverAuth)");
            }
            // the store may carry the root too; the server sends leaf + intermediates only
            List<X509Certificate> sent = new ArrayList<>();
            for (X509Certificate c : chain) {
                if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    sent.add(c);
                }
            }
            KeyStore clean = KeyStore.getInstance("PKCS12");
            clean.load(null, null);
            clean.setKeyEntry("dashboard", ks.getKey(alias, pw), pw, sent.toArray(X509Certificate[]::new));
            String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
            return new TlsIdentity(clean, pw, chain, List.copyOf(roots), fp);
        } catch (IOException | GeneralSecurityException e) {
            throw new DashboardException("cannot use the key in " + keyStoreFile + ": " + e.getMessage(), e);
        }
    }

    /** PKIX validation of {@code chain} (leaf first) against {@code roots}, at the current time, without revocation. */
    static void verify(X509Certificate[] chain, List<X509Certificate> roots) throws DashboardException {
        try {
            List<X509Certificate> path = new ArrayList<>();
            Set<String> rootSubjects = new HashSet<>();
            for (X509Certificate r : roots) {
                rootSubjects.add(Arrays.toString(r.getEncoded()));
            }
            for (X509Certificate c : chain) {
                if (!rootSubjects.contains(Arrays.toString(c.getEncoded()))) {
                    path.add(c);
                }
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate r : roots) {
                anchors.add(new TrustAnchor(r, null));
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            throw new DashboardException("the dashboard certificate (" + chain[0].getSubjectX500Principal().getName()
                    + ") does not chain to the pinned federation root: " + e.getMessage(), e);
        }
    }

    KeyStore keyStore() {
        return keyStore;
    }

    char[] password() {
        return password.clone();
    }

    public X509Certificate certificate() {
        return chain[0];
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    /** SHA-256 of the leaf certificate, hex. */
    public String fingerprint() {
        return fingerprint;
    }
}
