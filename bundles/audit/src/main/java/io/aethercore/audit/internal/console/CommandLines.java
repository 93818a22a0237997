package io.aethercore.audit.internal.console;

import io.aethercore.support.console.SecretNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which commands of a Gogo command line change state, each written down as its own masked text (the target of
 * its audit record). OSGi-free.
 *
 * <p>Statements are split at unquoted {@code ;}, {@code |}, {@code &}, newlines and at the brackets of closures,
 * lists and sub-expressions ({@code { } ( ) [ ]}), so a command inside {@code each [1 2] { bundle:stop 42 }} or
 * {@code (bundle:stop 42)} counts as well. A statement's first word is its command:
 * <ul>
 * <li>{@code scope:name}: the command; state-changing unless {@code readOnly} says otherwise (a scoped name the
 *     shell does not know is recorded too: safe side);</li>
 * <li>a bare name: every scope the shell knows it in ({@code known}, Gogo's {@code .commands}); it is read-only
 *     only if it is read-only in every one of them, since the session's {@code SCOPE} decides which runs;</li>
 * <li>{@code $var} or anything computed: recorded as typed (the command is chosen at run time);</li>
 * <li>an assignment {@code x = cmd arg...}: the statement after {@code =} (a single word there is a value);</li>
 * <li>anything else (a literal): not a command.</li>
 * </ul>
 * Values that look secret are replaced by {@value SecretNames#MASK} (rule: {@link SecretNames}): the value of an
 * option named like a secret ({@code --pin 1234}, {@code --password=x}; not {@code --key}, which names things),
 * the value of {@code config:property-set}/{@code property-append} when its key is secret-like, and the password
 * argument of {@code jaas:user-add}.
 */
public final class CommandLines {

    /** Commands that record their own, more specific audit event. */
    static final Set<String> SELF_AUDITED = Set.of("aether:config-update", "aether:audit-prune");
    static final int MAX_COMMAND = 1024;

    private CommandLines() {}

    /**
     * The state-changing commands of {@code line}.
     *
     * @param known the shell's commands, {@code scope:name}
     * @param readOnly whether a {@code scope:name} is read-only
     */
    public static List<String> stateChanging(String line, Set<String> known, Predicate<String> readOnly) {
        List<String> out = new ArrayList<>();
        for (List<String> words : statements(line)) {
            if (words.size() >= 2 && words.get(1).equals("=")) {
                // x = value assigns a value; x = cmd args runs the command and assigns its result
                words = words.size() > 3 ? words.subList(2, words.size()) : List.of();
            }
            if (words.isEmpty()) {
                continue;
            }
            String cmd = words.get(0);
            String scoped = resolve(cmd, known, readOnly);
            if (scoped == null || SELF_AUDITED.contains(scoped)) {
                continue;
            }
            out.add(truncate(masked(scoped, words)));
        }
        return out;
    }

    /** The command's text to record, or null if the statement runs no state-changing command. */
    private static String resolve(String cmd, Set<String> known, Predicate<String> readOnly) {
        if (cmd.startsWith("$")) {
            return cmd;
        }
        int colon = cmd.indexOf(':');
        if (colon > 0 && colon < cmd.length() - 1) {
            return readOnly.test(cmd) ? null : cmd;
        }
        if (colon >= 0 || cmd.isEmpty()) {
            return null;
        }
        List<String> scopes = new ArrayList<>();
        for (String k : known) {
            if (k.endsWith(":" + cmd)) {
                scopes.add(k);
            }
        }
        if (scopes.isEmpty() || scopes.stream().allMatch(readOnly)) {
            return null;
        }
        return scopes.size() == 1 ? scopes.get(0) : cmd;
    }

    private static String masked(String command, List<String> words) {
        StringBuilder sb = new StringBuilder(command);
        boolean maskNext = false;
        List<String> positional = new ArrayList<>();
        List<Integer> positionAt = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        boolean pidNext = false;
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (maskNext) {
                parts.add(SecretNames.MASK);
                maskNext = false;
                continue;
            }
            if (pidNext) {
                parts.add(w);
                pidNext = false;
                continue;
            }
            if (w.startsWith("-") && w.length() > 1) {
                int eq = w.indexOf('=');
                String opt = eq > 0 ? w.substring(0, eq) : w;
                if (secretOption(opt)) {
                    if (eq > 0) {
                        parts.add(w.substring(0, eq + 1) + SecretNames.MASK);
                    } else {
                        parts.add(w);
                        maskNext = true;
                    }
                    continue;
                }
                pidNext = eq < 0 && (opt.equals("-p") || opt.equals("--pid"));
                parts.add(w);
                continue;
            }
            positional.add(w);
            positionAt.add(parts.size());
            parts.add(w);
        }
        String name = command.substring(command.indexOf(':') + 1);
        if ((name.equals("property-set") || name.equals("property-append")) && positional.size() >= 2
                && SecretNames.isSecret(positional.get(0))) {
            parts.set(positionAt.get(1), SecretNames.MASK);
        }
        if ((command.equals("jaas:user-add") || command.equals("jaas:useradd")) && positional.size() >= 2) {
            parts.set(positionAt.get(1), SecretNames.MASK);
        }
        for (String p : parts) {
            sb.append(' ').append(p);
        }
        return sb.toString();
    }

    private static boolean secretOption(String option) {
        String o = option.replaceFirst("^-+", "");
        return !o.equalsIgnoreCase("key") && !o.equalsIgnoreCase("k") && SecretNames.isSecret(o);
    }

    static String truncate(String s) {
        return s.length() <= MAX_COMMAND ? s : s.substring(0, MAX_COMMAND) + "...";
    }

    private static List<List<String>> statements(String line) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
                continue;
            }
            boolean sep = c == ';' || c == '|' || c == '\n' || c == '&' || c == '{' || c == '}' || c == '('
                    || c == ')' || c == '[' || c == ']';
            if (sep || Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                if (sep && !words.isEmpty()) {
                    out.add(words);
                    words = new ArrayList<>();
                }
                continue;
            }
            w.append(c);
            inWord = true;
        }
        if (inWord) {
            words.add(w.toString());
        }
        if (!words.isEmpty()) {
            out.add(words);
        }
        return out;
    }
}
