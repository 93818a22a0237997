package io.aethercore.hsm.internal;

import io.aethercore.api.custody.KeyCustodyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Where the user PIN of a token comes from: a file only the node's user can read (mode 0600 or 0400),
 * or an environment variable. Never from the configuration itself.
 */
final class PinSource {

    private PinSource() {}

    /**
     * @param file path of a PIN file; wins over {@code envName} when set
     * @param envName name of an environment variable holding the PIN
     * @throws KeyCustodyException if neither gives a PIN, or the file is readable by group or others
     */
    static char[] read(String file, String envName, Map<String, String> env) throws KeyCustodyException {
        if (file != null && !file.isBlank()) {
            Path p = Path.of(file.trim());
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
                if (mode.stream().anyMatch(m -> m.name().startsWith("GROUP") || m.name().startsWith("OTHERS"))) {
                    throw new KeyCustodyException("PIN file " + p + " is accessible by group or others (mode "
                            + PosixFilePermissions.toString(mode) + "); chmod 600 (or 400) it");
                }
                String text = Files.readString(p, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new KeyCustodyException("PIN file " + p + " is empty");
                }
                return text.toCharArray();
            } catch (IOException e) {
                throw new KeyCustodyException("cannot read PIN file " + p + ": " + e, e);
            }
        }
        if (envName != null && !envName.isBlank()) {
            String value = env.get(envName.trim());
            if (value == null || value.isEmpty()) {
                throw new KeyCustodyException("environment variable " + envName.trim() + " (the token PIN) is not set");
            }
            return value.toCharArray();
        }
        throw new KeyCustodyException("no PIN source configured: set pin.file (mode 0600) or pin.env;"
                + " the PIN itself never goes into the configuration");
    }
}
