package io.aethercore.b4ae.internal;

import io.aethercore.api.crypto.RawPublicKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * When this endpoint first saw each pinned key, kept on disk so that a key pinned without {@code valid_from}
 * ages across reloads and restarts: its 90-day rotation limit really expires (issue 17 item 6). One line per
 * key, {@code <fingerprint hex> <ISO instant>}; the file is rewritten whole (temporary file, then an atomic
 * move) with mode 0600. Records outlive an unpin, so that removing a peer and adding it again does not make
 * its key young. The file is hostile input like any other: lines that do not parse are dropped; at most
 * {@link #MAX_ENTRIES} are kept (oldest dropped first).
 */
final class FirstSeenStore {

    static final int MAX_ENTRIES = 65_536;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{16,128}");

    private final Path file;                       // null: in memory only
    private final Map<String, Instant> seen = new LinkedHashMap<>();

    /** @param file the file, or {@code null} to keep the times in memory only (tests, no data directory) */
    FirstSeenStore(Path file) {
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    String[] parts = line.strip().split(" ");
                    if (parts.length != 2 || !FINGERPRINT.matcher(parts[0]).matches() || seen.size() >= MAX_ENTRIES) {
                        continue;
                    }
                    try {
                        seen.put(parts[0], Instant.parse(parts[1]));
                    } catch (DateTimeParseException ignored) {
                        // a damaged line: that key counts from now again, the others keep their age
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read B4AE first-seen times " + file + ": " + e.getMessage(), e);
            }
        }
    }

    Path file() {
        return file;
    }

    /** When {@code key} was first seen; records {@code now} (and persists it) for a key never seen before. */
    synchronized Instant firstSeen(RawPublicKey key, Instant now) {
        String fp = key.fingerprint();
        Instant t = seen.get(fp);
        if (t != null) {
            return t;
        }
        if (seen.size() >= MAX_ENTRIES) {
            String oldest = seen.keySet().iterator().next();
            seen.remove(oldest);
        }
        seen.put(fp, now);
        save();
        return now;
    }

    synchronized int size() {
        return seen.size();
    }

    private void save() {
        if (file == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Instant> e : seen.entrySet()) {
            b.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        StateFiles.write(file, b.toString(), "B4AE first-seen times");
    }
}
