package io.aethercore.dashboard.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The on-disk store: one JSON file per operator ({@code <name>.operator.json}) and one file of pending
 * enrolments ({@code enrolments.json}, token hashes only), in a directory readable by the node's user alone
 * (0700, files 0600). Every write goes to a temporary file that is forced to disk and then moved over the old
 * one, so a crash leaves either the old or the new file. Not thread-safe: {@link OperatorAuth} serialises calls.
 */
final class OperatorStore {

    static final String SUFFIX = ".operator.json";
    static final String ENROLMENTS = "enrolments.json";
    static final String SESSIONS = "sessions.json";
    private static final int FORMAT = 1;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A registered security key, as webauthn4j needs it back to verify a login. */
    static final class Credential {
        byte[] id;
        /** AAGUID, credential ID and COSE public key, in webauthn4j's binary form of attested credential data. */
        byte[] attestedCredentialData;
        long signCount;
        Instant created;
        Instant lastUsed;
        Set<String> transports = new LinkedHashSet<>();
        boolean uvInitialized;
        boolean backupEligible;
        boolean backedUp;
    }

    /** An operator and their keys. */
    static final class StoredOperator {
        String name;
        byte[] userId;
        Instant created;
        Instant lastLogin;
        final List<Credential> credentials = new ArrayList<>();

        /** The key of this operator with that credential ID, or null. */
        Credential credential(byte[] credentialId) {
            for (Credential c : credentials) {
                if (java.util.Arrays.equals(c.id, credentialId)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** An open session: only the token's hash is kept, so the file never holds a usable token. */
    record StoredSession(String tokenHash, String operator, Instant expires) {
    }

    /** A pending enrolment: the SHA-256 of its token (hex), never the token. */
    record StoredEnrolment(String tokenHash, String operator, byte[] userId, Instant expires) {
    }

    private final Path dir;
    private final JsonMapper json;
    private final boolean posix;

    OperatorStore(Path dir, JsonMapper json) throws IOException {
        this.dir = dir;
        this.json = json;
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } else {
            Files.createDirectories(dir);
        }
    }

    Path dir() {
        return dir;
    }

    List<StoredOperator> loadOperators() throws IOException {
        List<StoredOperator> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : ds) {
                out.add(readOperator(p));
            }
        }
        return out;
    }

    List<StoredEnrolment> loadEnrolments() throws IOException {
        Path p = dir.resolve(ENROLMENTS);
        List<StoredEnrolment> out = new ArrayList<>();
        if (!Files.exists(p)) {
            return out;
        }
        try {
            JsonNode root = json.readTree(Files.readString(p, StandardCharsets.UTF_8));
            for (JsonNode e : root.path("enrolments").values()) {
                JsonNode uid = e.get("userId");
                out.add(new StoredEnrolment(e.get("tokenHash").stringValue(), e.get("operator").stringValue(),
                        uid == null || uid.isNull() ? null : B64D.decode(uid.stringValue()),
                        Instant.parse(e.get("expires").stringValue())));
            }
        } catch (RuntimeException e) {
            throw new IOException("the enrolment file " + p + " is damaged (" + e.getMessage()
                    + "): delete it and issue new enrolment tokens", e);
        }
        return out;
    }

    List<StoredSession> loadSessions() throws IOException {
        Path p = dir.resolve(SESSIONS);
        List<StoredSession> out = new ArrayList<>();
        if (!Files.exists(p)) {
            return out;
        }
        try {
            JsonNode root = json.readTree(Files.readString(p, StandardCharsets.UTF_8));
            for (JsonNode e : root.path("sessions").values()) {
                out.add(new StoredSession(e.get("tokenHash").stringValue(), e.get("operator").stringValue(),
                        Instant.parse(e.get("expires").stringValue())));
            }
        } catch (RuntimeException e) {
            throw new IOException("the session file " + p + " is damaged (" + e.getMessage()
                    + "): delete it (operators log in again)", e);
        }
        return out;
    }

    void saveSessions(List<StoredSession> sessions) {
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode a = root.putArray("sessions");
        for (StoredSession e : sessions) {
            ObjectNode n = a.addObject();
            n.put("tokenHash", e.tokenHash());
            n.put("operator", e.operator());
            n.put("expires", e.expires().toString());
        }
        write(dir.resolve(SESSIONS), json.writeValueAsString(root));
    }

    void saveEnrolments(List<StoredEnrolment> enrolments) {
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode a = root.putArray("enrolments");
        for (StoredEnrolment e : enrolments) {
            ObjectNode n = a.addObject();
            n.put("tokenHash", e.tokenHash());
            n.put("operator", e.operator());
            if (e.userId() != null) {
                n.put("userId", B64.encodeToString(e.userId()));
            }
            n.put("expires", e.expires().toString());
        }
        write(dir.resolve(ENROLMENTS), json.writeValueAsString(root));
    }

    void saveOperator(StoredOperator op) {
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", op.name);
        root.put("userId", B64.encodeToString(op.userId));
        root.put("created", op.created.toString());
        if (op.lastLogin != null) {
            root.put("lastLogin", op.lastLogin.toString());
        }
        ArrayNode a = root.putArray("credentials");
        for (Credential c : op.credentials) {
            ObjectNode n = a.addObject();
            n.put("id", B64.encodeToString(c.id));
            n.put("attestedCredentialData", B64.encodeToString(c.attestedCredentialData));
            n.put("signCount", c.signCount);
            n.put("created", c.created.toString());
            if (c.lastUsed != null) {
                n.put("lastUsed", c.lastUsed.toString());
            }
            ArrayNode t = n.putArray("transports");
            c.transports.forEach(t::add);
            n.put("uvInitialized", c.uvInitialized);
            n.put("backupEligible", c.backupEligible);
            n.put("backedUp", c.backedUp);
        }
        write(operatorFile(op.name), json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    boolean deleteOperator(String name) {
        try {
            return Files.deleteIfExists(operatorFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + operatorFile(name) + ": " + e.getMessage()
                    + "; check the permissions of " + dir, e);
        }
    }

    Path operatorFile(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private StoredOperator readOperator(Path p) throws IOException {
        try {
            JsonNode r = json.readTree(Files.readString(p, StandardCharsets.UTF_8));
            StoredOperator op = new StoredOperator();
            op.name = r.get("name").stringValue();
            if (!p.getFileName().toString().equals(op.name + SUFFIX)) {
                throw new IllegalStateException("the file name does not match the operator name '" + op.name + "'");
            }
            op.userId = B64D.decode(r.get("userId").stringValue());
            op.created = Instant.parse(r.get("created").stringValue());
            op.lastLogin = instant(r.get("lastLogin"));
            for (JsonNode n : r.path("credentials").values()) {
                Credential c = new Credential();
                c.id = B64D.decode(n.get("id").stringValue());
                c.attestedCredentialData = B64D.decode(n.get("attestedCredentialData").stringValue());
                c.signCount = n.get("signCount").longValue();
                c.created = Instant.parse(n.get("created").stringValue());
                c.lastUsed = instant(n.get("lastUsed"));
                for (JsonNode t : n.path("transports").values()) {
                    c.transports.add(t.stringValue());
                }
                c.uvInitialized = n.path("uvInitialized").booleanValue();
                c.backupEligible = n.path("backupEligible").booleanValue();
                c.backedUp = n.path("backedUp").booleanValue();
                op.credentials.add(c);
            }
            return op;
        } catch (RuntimeException e) {
            throw new IOException("the operator file " + p + " is damaged (" + e.getMessage()
                    + "): restore it from a backup, or delete it and enrol the operator again", e);
        }
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.stringValue());
    }

    /** Writes {@code text} to {@code target} atomically: 0600 temporary file, fsync, rename. */
    private void write(Path target, String text) {
        Path tmp = null;
        try {
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE))}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, ".tmp-", ".json", attrs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage()
                    + "; check free space and that " + dir + " belongs to the node's user", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the next write replaces it; a stray temp file is harmless
                }
            }
        }
    }
}
