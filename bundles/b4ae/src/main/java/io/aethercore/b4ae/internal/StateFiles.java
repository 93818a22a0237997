package io.aethercore.b4ae.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writing the endpoint's small state files: whole, through a temporary file and an atomic move, mode 0600. */
final class StateFiles {

    private StateFiles() {}

    /** A state file that cannot be read as written; the file is left untouched. */
    static final class BadStateFile extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadStateFile(Path file, int line, String what) {
            super(file + (line > 0 ? ":" + line : "") + ": " + what + "; the file is left as it is: correct it,"
                    + " or move it away to start from scratch (see docs/b4ae-protocol.md, identity key rotation)");
        }
    }

    static void write(Path file, String content, String what) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // not a POSIX file system: its default permissions stay
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file + ": " + e.getMessage()
                    + "; check keys.storage_path and its permissions", e);
        }
    }

    /** The file's lines, or null when it does not exist. */
    static java.util.List<String> read(Path file, String what) {
        if (file == null || !Files.exists(file)) {
            return null;
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
