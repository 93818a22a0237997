package io.aethercore.mesh.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** PEM certificates ({@code -----BEGIN CERTIFICATE-----}), as openssl reads and writes them. */
public final class Pem {

    static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    static final String END = "-----END CERTIFICATE-----";

    /** Largest PEM file read. */
    static final long MAX_FILE = 1024 * 1024;

    private Pem() {
    }

    /** One certificate as PEM, base64 lines of 64 characters, ending with a newline. */
    public static String encode(X509Certificate certificate) {
        try {
            return BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n" + END + "\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** Every {@code CERTIFICATE} block in the text, in order; text around the blocks is ignored. */
    public static List<X509Certificate> readCertificates(String pemText) throws PkiException {
        if (pemText == null) {
            throw new PkiException("no PEM text");
        }
        List<X509Certificate> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = pemText.indexOf(BEGIN, from);
            if (begin < 0) {
                break;
            }
            int end = pemText.indexOf(END, begin);
            if (end < 0) {
                throw new PkiException("certificate " + (out.size() + 1) + " has no '" + END + "' line");
            }
            String body = pemText.substring(begin + BEGIN.length(), end).replaceAll("\\s", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new PkiException("certificate " + (out.size() + 1) + " is not valid base64");
            }
            try {
                out.add(Certs.toJca(der));
            } catch (PkiException e) {
                throw new PkiException("certificate " + (out.size() + 1) + ": " + e.getMessage(), e);
            }
            from = end + END.length();
        }
        if (out.isEmpty()) {
            throw new PkiException("no '" + BEGIN + "' block found");
        }
        return out;
    }

    /** The one certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws PkiException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new PkiException(file + " is larger than " + MAX_FILE + " bytes; not a certificate file");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PkiException("no certificate file at " + file);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<X509Certificate> certs;
        try {
            certs = readCertificates(text);
        } catch (PkiException e) {
            throw new PkiException(file + ": " + e.getMessage(), e);
        }
        if (certs.size() != 1) {
            throw new PkiException(file + " holds " + certs.size() + " certificates, expected exactly one");
        }
        return certs.get(0);
    }

    /**
     * Writes {@code text} to {@code file} atomically: a temporary file beside it with {@code permissions}
     * (set explicitly, whatever the umask), flushed to disk, then moved over {@code file}. A reader sees the
     * old file or the whole new one, never a part.
     */
    public static void write(Path file, String text, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, permissions);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
