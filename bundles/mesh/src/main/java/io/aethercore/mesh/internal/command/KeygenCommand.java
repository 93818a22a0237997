package io.aethercore.mesh.internal.command;

import io.aethercore.api.custody.KeyCustody;
import io.aethercore.api.custody.KeyHandle;
import io.aethercore.mesh.internal.RootKeys;
import io.aethercore.mesh.pki.FederationRoot;
import io.aethercore.mesh.pki.Pem;
import io.aethercore.mesh.pki.TlsCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code aether:keygen --type federation-root}: the federation root (playbook Step 2.1). The key is made
 * inside the best hardware custody present and never leaves it; only the certificate is written.
 * {@code --type dashboard} and {@code --type tls-client} issue TLS certificates under that root (run on
 * the authority, which holds the root key): the dashboard's server certificate as a PKCS#12 file, and client
 * certificates for mutual TLS as PEM certificate and key.
 */
@Service
@Command(scope = "aether", name = "keygen",
        description = "Generates the federation root key inside hardware custody (TPM, else PKCS#11) and writes its self-signed certificate; --rotate makes a new root cross-signed by the old one. --type dashboard / tls-client issue TLS certificates under the root.")
public class KeygenCommand implements Action {

    @Option(name = "--type", required = true, description = "what to generate: federation-root, dashboard (TLS server"
            + " certificate of the dashboard, PKCS#12) or tls-client (mutual-TLS client certificate, PEM)")
    String type;

    @Option(name = "--output", required = true, description = "where to write: the root certificate (PEM); for"
            + " dashboard the PKCS#12 file (its password goes to <output>.password); for tls-client the certificate"
            + " (PEM; the key goes to <output without .pem>.key)")
    String output;

    @Option(name = "--root", description = "dashboard, tls-client: the federation root certificate (PEM) whose key"
            + " signs")
    String root;

    @Option(name = "--hostname", multiValued = true, description = "dashboard: a DNS name or address the dashboard is"
            + " reached at (repeat for several; localhost and 127.0.0.1 are always included)")
    List<String> hostnames;

    @Option(name = "--common-name", description = "dashboard, tls-client: subject common name (default: dashboard,"
            + " or tls-client)")
    String commonName;

    @Option(name = "--validity-days", description = "validity of the root certificate (default 3650)")
    int validityDays = 3650;

    @Option(name = "--rotate", description = "make a new root key and certificate, cross-signed by the current one (read from --output)")
    boolean rotate;

    @Option(name = "--allow-software-key", description = "accept a software key when no TPM or PKCS#11 token is present (not for production)")
    boolean allowSoftware;

    @Option(name = "--custody", description = "custody to hold the key (default: the best hardware custody present)")
    String custody = "";

    @Option(name = "--label", description = "label of the root key in its custody (default federation-root)")
    String label = "federation-root";

    @Option(name = "--name", description = "common name of the root (default: AetherCore Federation Root)")
    String name = "AetherCore Federation Root";

    @Reference
    List<KeyCustody> custodies;

    @Override
    public Object execute() throws Exception {
        if ("dashboard".equals(type) || "tls-client".equals(type)) {
            return tls("dashboard".equals(type) ? TlsCertificates.Use.SERVER : TlsCertificates.Use.CLIENT);
        }
        if (!"federation-root".equals(type)) {
            throw new IllegalArgumentException("--type must be federation-root, dashboard or tls-client (node"
                    + " certificates come from enrollment)");
        }
        if (validityDays < 1 || validityDays > 36500) {
            throw new IllegalArgumentException("--validity-days must be 1 to 36500");
        }
        KeyCustody.checkLabel(label);
        Path out = Path.of(output);
        Instant now = Instant.now();
        if (rotate) {
            return rotate(out, now);
        }
        if (RootKeys.find(custodies, "", label).isPresent()) {
            throw new IllegalStateException("a key labelled '" + label + "' exists already; use --rotate to replace the"
                    + " root, or --label for another federation");
        }
        if (Files.exists(out)) {
            throw new IllegalStateException(out + " exists; refusing to overwrite a root certificate");
        }
        RootKeys.Choice choice = RootKeys.choose(custodies, custody, allowSoftware);
        KeyHandle h = choice.custody().generate(choice.algorithm(), label);
        X509Certificate cert = FederationRoot.selfSigned(name, h.publicKey(), m -> choice.custody().sign(h, m),
                now.minusSeconds(60), Duration.ofDays(validityDays));
        write(out, cert);
        report(choice.custody(), h, cert, out);
        return null;
    }

    /** Issues a TLS certificate under the root whose key this node holds. */
    private Object tls(TlsCertificates.Use use) throws Exception {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("--root <federation-root.pem> is required: the certificate is issued under it");
        }
        if (validityDays < 1 || validityDays > 3650) {
            throw new IllegalArgumentException("--validity-days must be 1 to 3650 for a TLS certificate");
        }
        KeyCustody.checkLabel(label);
        X509Certificate rootCert = Pem.readCertificate(Path.of(root));
        RootKeys.Located key = RootKeys.find(custodies, custody, label).orElseThrow(() -> new IllegalStateException(
                "this node holds no root key '" + label + "': run this on the Federation Authority"));
        if (!java.util.Arrays.equals(rootCert.getPublicKey().getEncoded(), key.handle().publicKey().toSpki())) {
            throw new IllegalStateException(root + " is not the certificate of the root key '" + label + "'");
        }
        Path out = Path.of(output);
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        if (use == TlsCertificates.Use.SERVER) {
            names.add("localhost");
            names.add("127.0.0.1");
        }
        if (hostnames != null) {
            names.addAll(hostnames);
        }
        String cn = commonName != null ? commonName : use == TlsCertificates.Use.SERVER ? "dashboard" : "tls-client";
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair kp = g.generateKeyPair();
        X509Certificate cert = TlsCertificates.issue(rootCert, key::sign, use, cn, kp.getPublic(),
                java.util.List.copyOf(names), Instant.now().minusSeconds(60), Duration.ofDays(validityDays));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        var secret = PosixFilePermissions.fromString("rw-------");
        if (use == TlsCertificates.Use.SERVER) {
            Path pwFile = Path.of(output + ".password");
            byte[] raw = new byte[24];
            new java.security.SecureRandom().nextBytes(raw);
            char[] pw = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("dashboard", kp.getPrivate(), pw, new X509Certificate[] {cert, rootCert});
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(secret));
            try (var o = Files.newOutputStream(tmp)) {
                ks.store(o, pw);
            }
            Path pwTmp = pwFile.resolveSibling(pwFile.getFileName() + ".tmp");
            Files.deleteIfExists(pwTmp);
            Files.createFile(pwTmp, PosixFilePermissions.asFileAttribute(secret));
            Files.writeString(pwTmp, new String(pw) + "\n");
            Files.move(pwTmp, pwFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("Dashboard certificate " + cert.getSubjectX500Principal().getName() + " for " + names
                    + ", issued by " + rootCert.getSubjectX500Principal().getName() + ", valid until "
                    + cert.getNotAfter().toInstant());
            System.out.println("Key store: " + out + " (PKCS#12, mode 0600); password: " + pwFile + " (mode 0600)");
        } else {
            String base = output.endsWith(".pem") ? output.substring(0, output.length() - 4) : output;
            Path keyFile = Path.of(base + ".key");
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(secret));
            Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                            .encodeToString(kp.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            Files.deleteIfExists(out);
            write(out, cert);
            System.out.println("Client certificate " + cert.getSubjectX500Principal().getName() + ", issued by "
                    + rootCert.getSubjectX500Principal().getName() + ": " + out + "; key: " + keyFile + " (mode 0600)");
        }
        return null;
    }

    private Object rotate(Path out, Instant now) throws Exception {
        RootKeys.Located old = RootKeys.find(custodies, "", label).orElseThrow(() -> new IllegalStateException(
                "--rotate needs the current root key '" + label + "'; none is in any custody"));
        X509Certificate oldCert = Pem.readCertificate(out);
        if (!java.util.Arrays.equals(oldCert.getPublicKey().getEncoded(), old.handle().publicKey().toSpki())) {
            throw new IllegalStateException(out + " is not the certificate of the key '" + label + "'");
        }
        String newLabel = null;
        for (int i = 2; i < 1000 && newLabel == null; i++) {
            String candidate = label + "-" + i;
            if (RootKeys.find(custodies, "", candidate).isEmpty()) {
                newLabel = candidate;
            }
        }
        RootKeys.Choice choice = RootKeys.choose(custodies, custody, allowSoftware);
        KeyHandle h = choice.custody().generate(choice.algorithm(), newLabel);
        X509Certificate fresh = FederationRoot.selfSigned(name, h.publicKey(), m -> choice.custody().sign(h, m),
                now.minusSeconds(60), Duration.ofDays(validityDays));
        X509Certificate cross = FederationRoot.crossSigned(fresh, oldCert, old::sign, now.minusSeconds(60));
        String base = out.getFileName().toString().replaceFirst("\\.pem$", "");
        Path previous = out.resolveSibling(base + ".previous.pem");
        Path crossFile = out.resolveSibling(base + ".cross.pem");
        Files.copy(out, previous, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        write(crossFile, cross);
        Files.delete(out);
        write(out, fresh);
        report(choice.custody(), h, fresh, out);
        System.out.println("Cross-certificate (new root signed by the old one): " + crossFile);
        System.out.println("Previous root kept at: " + previous);
        System.out.println("Next: set root.label = " + newLabel + " in io.aethercore.mesh and issue a new genesis bundle"
                + " (aether:genesis) with the new root.");
        return null;
    }

    private static void write(Path out, X509Certificate cert) throws Exception {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Pem.write(out, Pem.encode(cert), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void report(KeyCustody c, KeyHandle h, X509Certificate cert, Path out) {
        if (!c.kind().hardware()) {
            System.out.println("WARNING: the federation root key is a SOFTWARE key (custody " + c.name() + ")."
                    + " The playbook requires it to live in TPM or HSM hardware and never touch disk."
                    + " Use this federation for tests only.");
        }
        System.out.println("Federation root key '" + h.label() + "' generated inside custody " + c.name() + " ("
                + c.kind().id() + "), " + h.algorithm().id() + ", fingerprint " + h.publicKey().fingerprint());
        System.out.println("Certificate: " + out + " (" + cert.getSubjectX500Principal().getName() + ", valid until "
                + cert.getNotAfter().toInstant() + ")");
        System.out.println("Private key: inside " + c.name() + "; it never leaves it.");
    }
}
