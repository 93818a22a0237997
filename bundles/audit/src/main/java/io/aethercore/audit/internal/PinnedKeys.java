package io.aethercore.audit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The keys the offline integrity check trusts (docs/audit.md, "Threat model"): SHA-256 fingerprints of signer
 * keys (the records' {@code key_id}), from {@code checkpoint.pinned_keys} of {@code etc/io.aethercore.audit.cfg}
 * and from the pin file {@code etc/aethercore/audit-pinned-keys}, where the node writes its key's fingerprint
 * the first time the audit log starts (trust on first use, kept apart from the records and their {@code keys/}
 * folder). A key that appears beside the records without being pinned is reported as planted.
 */
public final class PinnedKeys {

    /** File name of the pin file in {@code ${karaf.etc}/aethercore}. */
    public static final String FILE = "audit-pinned-keys";

    private PinnedKeys() {}

    /** Fingerprints in a comma- or whitespace-separated list (lower case hex). */
    public static Set<String> parse(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (String s : list.split("[,\\s]+")) {
                String t = s.trim().toLowerCase(Locale.ROOT);
                if (t.matches("[0-9a-f]{64}")) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The fingerprints of a pin file (one per line, # comments); empty if there is none. */
    public static Set<String> read(Path file) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.addAll(parse(l));
                }
            }
        }
        return out;
    }

    /** Writes {@code fingerprint} as the pin file if there is no pin file yet; returns whether it wrote. */
    public static boolean recordFirst(Path file, String fingerprint) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        Files.createDirectories(file.getParent());
        String text = "# Audit signer keys the offline integrity check trusts (SHA-256 of the SubjectPublicKeyInfo, hex).\n"
                + "# Written when the audit log first started; add the new key here after a planned key change.\n"
                + fingerprint + "\n";
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            return false;
        }
        return true;
    }
}
