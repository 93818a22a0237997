package io.aethercore.mesh.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM certificates, as {@code openssl} reads and writes them. */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
    private static final long MAX_FILE = 1 << 20;

    private Pem() {
    }

    public static String encode(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate not encodable", e);
        }
    }

    public static List<X509Certificate> readCertificates(String text) throws PkiException {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new PkiException("a PEM certificate block is not base64");
            }
            out.add(Certificates.parse(der));
        }
        return out;
    }

    /** The one certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws PkiException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new PkiException(file + " is larger than 1 MiB: not a certificate");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e, e);
        }
        List<X509Certificate> certs = readCertificates(text);
        if (certs.size() != 1) {
            throw new PkiException(file + " holds " + certs.size() + " certificates; exactly one expected");
        }
        return certs.get(0);
    }

    /** Writes atomically (a temporary file moved in place) with these permissions. */
    public static void write(Path file, String text, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, permissions);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
