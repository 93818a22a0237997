package io.aethercore.audit.internal.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Recognises the text of the shell's own initialisation scripts, so that the console auditor does not record them
 * as commands of the session's user. OSGi-free.
 *
 * <p>Karaf starts every shell session (local console, SSH login, SSH exec as {@code bin/aether-ctl} and {@code
 * bin/client} use it) by running each file named by the system property {@code karaf.shell.init.script}
 * (comma-separated, relative to {@code karaf.etc}, {@code *} allowed in the file name; the distribution sets
 * {@code shell.init.script,scripts/*.script}) as <em>one</em> command line: the file's lines joined with
 * {@code \n}. Recorded statement by statement, those two files made about 400 signed audit records per session,
 * for aliases and completion rules no operator typed.
 *
 * <p>A command line is an init script only if its text is <em>exactly</em> the current content of one of those
 * files as the session hands it to Gogo: Karaf's session rewrites every line it executes (command names resolved
 * to {@code scope:name}, arguments re-joined with single spaces; {@link KarafLines}), so the file's text goes
 * through the same rewrite before the comparison. Typing the same text reproduces the same aliases and nothing
 * more, and whoever can change the files can change {@code etc/} anyway, so the exception gives nobody a way to
 * run an unrecorded command they could not already run. File contents are cached by path, size and modification
 * time. Only lines of several lines are compared (Karaf's scripts are): a one-line script is recorded.
 */
final class InitScripts {

    private final Path etc;
    private final String names;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long size, FileTime modified, String text, Map<String, String> rewritten) {}

    InitScripts(Path etc, String names) {
        this.etc = Objects.requireNonNull(etc, "etc");
        this.names = names == null ? "" : names;
    }

    /** The scripts of this Karaf: {@code karaf.shell.init.script} under {@code karaf.etc}. */
    static InitScripts ofSystem() {
        return new InitScripts(Path.of(System.getProperty("karaf.etc", "etc")),
                System.getProperty("karaf.shell.init.script", ""));
    }

    /** Whether {@code commandline} is exactly the text of one of the init scripts. */
    boolean isInitScript(CharSequence commandline) {
        return isInitScript(commandline, "", UnaryOperator.identity());
    }

    /**
     * Whether {@code commandline} is exactly the text of one of the init scripts after {@code rewrite}, the
     * rewrite the shell session applies to every line before Gogo sees it. The rewritten text is cached under
     * {@code rewriteKey}, which names everything besides the text that the rewrite depends on.
     */
    boolean isInitScript(CharSequence commandline, String rewriteKey, UnaryOperator<String> rewrite) {
        // every script Karaf ships is several lines, and the rewrite keeps the newlines: a one-line command is
        // never one of them, so the hot path (each command a user types) lists and reads no file
        if (commandline == null || names.isBlank() || commandline.toString().indexOf('\n') < 0) {
            return false;
        }
        String line = commandline.toString();
        for (Path p : files()) {
            Cached c = read(p);
            if (c == null) {
                continue;
            }
            String expected = c.rewritten().computeIfAbsent(rewriteKey, k -> {
                try {
                    return rewrite.apply(c.text());
                } catch (RuntimeException e) {
                    return ""; // a script the shell cannot parse is not run as a line either
                }
            });
            if (expected != null && expected.length() == line.length() && expected.equals(line)) {
                return true;
            }
        }
        return false;
    }

    /** The files the names denote, as Karaf resolves them: relative to etc, a {@code *} glob in the file name. */
    List<Path> files() {
        List<Path> out = new ArrayList<>();
        for (String raw : names.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            Path p = etc.resolve(name).normalize();
            String leaf = p.getFileName() == null ? "" : p.getFileName().toString();
            if (leaf.contains("*") || leaf.contains("?")) {
                Path dir = p.getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, leaf)) {
                    for (Path f : ds) {
                        if (Files.isRegularFile(f)) {
                            out.add(f);
                        }
                    }
                } catch (IOException | UncheckedIOException e) {
                    // an unreadable directory holds no script this auditor can recognise
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The text Karaf runs for a file (its lines joined with a newline), or null if it cannot be read. */
    private Cached read(Path p) {
        try {
            long size = Files.size(p);
            FileTime modified = Files.getLastModifiedTime(p);
            Cached c = cache.get(p);
            if (c != null && c.size() == size && c.modified().equals(modified)) {
                return c;
            }
            Cached fresh = new Cached(size, modified, String.join("\n", Files.readAllLines(p)),
                    new ConcurrentHashMap<>());
            cache.put(p, fresh);
            return fresh;
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
