package io.aethercore.audit.internal.console;

import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Parser;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.parsing.DefaultParser;
import org.apache.karaf.shell.support.parsing.GogoParser;

/**
 * The text a Karaf 4.4 session hands to Gogo for a line it executes. {@code Session.execute} does not pass the line
 * through: it splits it into commands at {@code ;}, {@code |} and newlines, resolves each command's name in the
 * session's scopes, parses the command with that command's own {@link Parser} (else {@link DefaultParser}), and
 * joins the parsed arguments with single spaces ({@code ' ; '}, {@code ' | '} and newlines between commands).
 * This class applies the same steps through Karaf's exported parser API, so that {@link InitScripts} can compare a
 * script file's text with what the {@code CommandSessionListener} receives.
 */
final class KarafLines {

    private KarafLines() {}

    /**
     * The line as {@code session} would execute it.
     *
     * @throws IllegalArgumentException when the shell would refuse the line (an unexpected character)
     */
    static String rewrite(Session session, String line) {
        StringBuilder out = new StringBuilder(line.length());
        int pos = 0;
        while (pos < line.length()) {
            String rest = line.substring(pos);
            String name = session.resolveCommand(new GogoParser(rest, rest.length()).value());
            CommandLine parsed = parserOf(session, name).parse(session, rest, rest.length());
            String[] args = parsed.getArguments();
            for (int i = 0; i < args.length; i++) {
                if (i > 0) {
                    out.append(' ');
                }
                out.append(args[i]);
            }
            int used = parsed.getBuffer().length();
            if (used < rest.length()) {
                char c = rest.charAt(used);
                if (c == ';' || c == '|') {
                    out.append(' ').append(c).append(' ');
                } else if (c == '\n') {
                    out.append(c);
                } else {
                    throw new IllegalArgumentException("unrecognised character '" + c + "' at offset " + (pos + used));
                }
                used++;
            }
            pos += used;
        }
        return out.toString();
    }

    /**
     * What the rewrite depends on besides the text: the session's scope path and the commands registered. Two
     * sessions with the same key rewrite a text the same way (a cache key).
     */
    static String key(Session session) {
        Object scope = session.get(Session.SCOPE);
        int commands = session.getRegistry() == null ? 0 : session.getRegistry().getCommands().size();
        return scope + "#" + commands;
    }

    private static Parser parserOf(Session session, String name) {
        if (session.getRegistry() != null) {
            for (Command c : session.getRegistry().getCommands()) {
                if (name.equals(c.getScope() + ":" + c.getName())) {
                    Parser p = c.getParser();
                    return p != null ? p : new DefaultParser();
                }
            }
        }
        return new DefaultParser();
    }
}
