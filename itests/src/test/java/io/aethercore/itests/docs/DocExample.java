package io.aethercore.itests.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fenced block of README.md or docs/*.md, with the marker comment just before it (docs/testing.md,
 * "Executable documentation"): {@code ```console} blocks are lines typed at the node's console,
 * {@code ```cfg} blocks are configuration files (each starts with a {@code # etc/<file>.cfg} line).
 *
 * @param file   the Markdown file, relative to the repository
 * @param line   line number of the opening fence
 * @param lang   the fence's info string ({@code console}, {@code cfg}, {@code text}, {@code sh}, or empty)
 * @param marker the {@code <!-- example: key=value ... -->} attributes, empty without a marker
 * @param lines  the block's lines
 */
record DocExample(String file, int line, String lang, Map<String, String> marker, List<String> lines) {

    private static final Pattern FENCE = Pattern.compile("^(\\s*)```\\s*([A-Za-z0-9_-]*).*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*example:(.*?)-->\\s*$");
    private static final Pattern ATTR = Pattern.compile("([a-z-]+)=(\"[^\"]*\"|\\S+)");
    /** Console commands of the shells we ship (and Karaf's), to find console lines outside console blocks. */
    static final Pattern CONSOLE_LINE = Pattern.compile("^(karaf@root\\(\\)>\\s*)?(aether|bundle|feature|config|system|log):[a-z-]+\\b.*");

    /** Every fenced block of a Markdown file. */
    static List<DocExample> read(Path root, String relative) throws IOException {
        List<String> all = Files.readAllLines(root.resolve(relative), StandardCharsets.UTF_8);
        List<DocExample> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Matcher f = FENCE.matcher(all.get(i));
            if (!f.matches()) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < all.size() && !all.get(i).trim().startsWith("```"); i++) {
                body.add(all.get(i).substring(Math.min(f.group(1).length(), leading(all.get(i)))));
            }
            Map<String, String> marker = new LinkedHashMap<>();
            int m = start - 1;
            while (m >= 0 && all.get(m).isBlank()) {
                m--;
            }
            if (m >= 0) {
                Matcher mm = MARKER.matcher(all.get(m));
                if (mm.matches()) {
                    Matcher a = ATTR.matcher(mm.group(1));
                    while (a.find()) {
                        marker.put(a.group(1), a.group(2).replaceAll("^\"|\"$", ""));
                    }
                    marker.putIfAbsent("marked", "yes");
                }
            }
            out.add(new DocExample(relative, start + 1, f.group(2), marker, body));
        }
        return out;
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** Where the block is, for messages: {@code README.md:123}. */
    String where() {
        return file + ":" + line;
    }

    boolean runnable() {
        return lang.equals("console") || lang.equals("cfg");
    }

    /** The node that runs the example: {@code node=node2}, else node1. */
    String node() {
        return marker.getOrDefault("node", "node1");
    }

    boolean needs(String what) {
        return List.of(marker.getOrDefault("needs", "").split(",")).contains(what);
    }

    /** The commands of a console block: one per line, comments (a {@code #} after a blank, outside quotes) removed. */
    List<String> commands() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String c = stripComment(l.replaceFirst("^karaf@root\\(\\)>\\s*", "")).strip();
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /**
     * The files of a cfg block: {@code etc/<file>.cfg} (without {@code etc/} and {@code .cfg}) to its lines, in
     * order. A line {@code # etc/<file>.cfg ...} starts a file; other comment lines stay in it.
     */
    Map<String, List<String>> cfgFiles() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        Pattern header = Pattern.compile("^#\\s*etc/([A-Za-z0-9._-]+)\\.cfg\\b.*");
        for (String l : lines) {
            Matcher h = header.matcher(l.strip());
            if (h.matches()) {
                current = out.computeIfAbsent(h.group(1), k -> new ArrayList<>());
            } else if (current != null) {
                current.add(l);
            } else if (!l.isBlank()) {
                throw new AssertionError(where() + ": a cfg block starts with a '# etc/<pid>.cfg' line, not: " + l);
            }
        }
        return out;
    }
}
