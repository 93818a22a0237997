package io.aethercore.testing.karaf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits one {@code etc/<pid>.cfg} in place: replaces the first uncommented {@code key = ...} line (and its
 * continuation lines) or appends one, keeping comments and order. The file is replaced atomically through
 * a temporary name Felix FileInstall does not watch, so a running node never reads half a file.
 */
final class CfgFile {

    private CfgFile() {}

    static void set(Path file, String key, String value) throws IOException {
        setAll(file, java.util.Map.of(key, value));
    }

    /** Sets several keys in one atomic replacement, so that FileInstall never sees only some of them. */
    static void setAll(Path file, java.util.Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        for (java.util.Map.Entry<String, String> kv : values.entrySet()) {
            lines = replace(lines, kv.getKey(), kv.getValue());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".harness-tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> replace(List<String> lines, String key, String value) {
        List<String> out = new ArrayList<>(lines.size() + 1);
        String newLine = key + " = " + escape(value);
        boolean done = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!done && keyOf(line) != null && keyOf(line).equals(key)) {
                out.add(newLine);
                done = true;
                while (line.endsWith("\\") && i + 1 < lines.size()) {
                    line = lines.get(++i);
                }
                continue;
            }
            out.add(line);
        }
        if (!done) {
            out.add(newLine);
        }
        return out;
    }

    /** The key of a {@code key = value} or {@code key: value} line, null for comments and blank lines. */
    static String keyOf(String line) {
        String t = line.stripLeading();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < t.length() && "=: \t".indexOf(t.charAt(end)) < 0) {
            end++;
        }
        return t.substring(0, end);
    }

    /** Felix properties read a backslash as an escape: keep the ones in values literal. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
