package io.aethercore.audit.internal.console;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.support.service.ServiceSlot;
import io.aethercore.audit.internal.AuditLogComponent;
import io.aethercore.audit.internal.command.Operators;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic audit of console commands: a Gogo {@link CommandSessionListener} service, which Karaf's
 * shell calls around every command line of every session (local console, SSH, {@code bin/client}).
 * Every {@code aether:*} command of the line is recorded after it ran, with the session's user as
 * operator, action {@code ConsoleCommand}, the command as target and the outcome, unless it is read-only.
 * A command is read-only when its own class carries {@link io.aethercore.api.console.ReadOnly} (read
 * through Karaf's command registry, see {@link CommandMarks}) or when the operator lists its name in
 * {@code console.readonly} (an extra override). So commands that other bundles add later are covered
 * without changing this bundle: a new command is audited unless it says it is read-only. Commands that
 * record their own, more specific event ({@code config-update}, {@code audit-prune}) are skipped here.
 *
 * <p>Values of options that look secret ({@code --pin}, {@code --password}, {@code --passphrase},
 * {@code --secret}, {@code --token}) are replaced by {@code ***}. A failing audit never fails the
 * command: it is logged as an error.
 */
@Component(service = CommandSessionListener.class, configurationPid = AuditLogComponent.PID)
public final class ConsoleAuditor implements CommandSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAuditor.class);
    static final Set<String> SELF_AUDITED = Set.of("config-update", "audit-prune");
    static final Pattern SECRET_OPTION = Pattern.compile("--?(pin|password|passphrase|secret|token|so-pin|user-pin)",
            Pattern.CASE_INSENSITIVE);
    static final int MAX_LINE = 1024;

    private final ServiceSlot<AuditLog> audit = new ServiceSlot<>("audit log");
    private volatile boolean enabled;
    private volatile Set<String> readOnly;

    @Activate
    public ConsoleAuditor(AuditLogComponent.Config config) {
        modified(config);
    }

    @Modified
    void modified(AuditLogComponent.Config config) {
        enabled = config.enabled() && config.console_audit();
        readOnly = commandList(config.console_readonly());
    }

    /**
     * {@code console.readonly} as a set of command names. A Karaf {@code .cfg} file holds one string, so
     * {@code console.readonly = hash, b4ae-stats} arrives as one element: elements are split at commas (a
     * typed {@code .config} array works too), blanks dropped, an {@code aether:} prefix tolerated.
     */
    static Set<String> commandList(String[] values) {
        Set<String> out = new java.util.LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                for (String part : v == null ? new String[0] : v.split(",")) {
                    String name = part.strip();
                    if (name.startsWith("aether:")) {
                        name = name.substring("aether:".length());
                    }
                    if (!name.isEmpty()) {
                        out.add(name);
                    }
                }
            }
        }
        return Set.copyOf(out);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAudit(AuditLog log) {
        audit.bind(log);
    }

    void unbindAudit(AuditLog log) {
        audit.unbind(log);
    }

    @Override
    public void beforeExecute(CommandSession session, CharSequence commandline) {
        // recorded after execution, with the outcome
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Exception exception) {
        audit(session, commandline, exception);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Object result) {
        audit(session, commandline, null);
    }

    private void audit(CommandSession session, CharSequence commandline, Exception failure) {
        if (!enabled || commandline == null) {
            return;
        }
        Set<String> listed = readOnly;
        Object karafSession = karafSession(session);
        List<String> commands = stateChanging(commandline.toString(), knownCommands(session),
                name -> listed.contains(name) || markedReadOnly(karafSession, name));
        if (commands.isEmpty()) {
            return;
        }
        AuditLog log = audit.getNow();
        String operator = Operators.current(session.get("USER"));
        if (log == null) {
            LOG.error("Console command by {} NOT audited (no audit log running): {}", operator, commands);
            return;
        }
        for (String c : commands) {
            try {
                AuditEvent e = AuditEvent.of(operator, "ConsoleCommand", truncate(c))
                        .withDetail("outcome", failure == null ? "success" : "failure");
                if (failure != null) {
                    e = e.withDetail("error", truncate(String.valueOf(failure.getMessage())));
                }
                log.record(e);
            } catch (Exception | LinkageError ex) {
                LOG.error("Console command by {} NOT audited ({}): {}", operator, ex.getMessage(), c);
            }
        }
    }

    private static Object karafSession(CommandSession session) {
        try {
            return session.get(CommandMarks.SESSION_VARIABLE);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean markedReadOnly(Object karafSession, String name) {
        try {
            return CommandMarks.readOnly(karafSession, "aether", name);
        } catch (RuntimeException | LinkageError e) {
            // no Karaf shell API wired to this bundle: only console.readonly applies
            return false;
        }
    }

    private static Set<String> knownCommands(CommandSession session) {
        try {
            Object c = session.get(".commands");
            if (c instanceof Collection<?> col) {
                Set<String> out = new java.util.HashSet<>();
                for (Object o : col) {
                    out.add(String.valueOf(o));
                }
                return out;
            }
        } catch (RuntimeException ignored) {
            // not offered by this shell
        }
        return Set.of();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_LINE ? s : s.substring(0, MAX_LINE) + "...";
    }

    /**
     * The {@code aether:*} commands of a command line that must be audited, each as its own masked text.
     * Statements are split at unquoted {@code ;}, {@code |}, {@code &&}, {@code ||} and newlines; a
     * statement's first word is its command, written {@code aether:name} or {@code name} when the shell
     * knows {@code aether:name} ({@code known}).
     */
    static List<String> stateChanging(String line, Set<String> known, Set<String> readOnly) {
        return stateChanging(line, known, readOnly::contains);
    }

    /** As above, with read-only decided per command name (its class's mark or the operator's list). */
    static List<String> stateChanging(String line, Set<String> known, Predicate<String> readOnly) {
        List<String> out = new ArrayList<>();
        for (List<String> words : statements(line)) {
            if (words.isEmpty()) {
                continue;
            }
            String cmd = words.get(0);
            String name;
            if (cmd.startsWith("aether:")) {
                name = cmd.substring("aether:".length());
            } else if (!cmd.contains(":") && known.contains("aether:" + cmd)) {
                name = cmd;
            } else {
                continue;
            }
            if (name.isEmpty() || SELF_AUDITED.contains(name) || readOnly.test(name)) {
                continue;
            }
            StringBuilder sb = new StringBuilder("aether:").append(name);
            boolean maskNext = false;
            for (int i = 1; i < words.size(); i++) {
                String w = words.get(i);
                if (maskNext) {
                    sb.append(" ***");
                    maskNext = false;
                    continue;
                }
                int eq = w.indexOf('=');
                if (SECRET_OPTION.matcher(eq > 0 ? w.substring(0, eq) : w).matches()) {
                    if (eq > 0) {
                        sb.append(' ').append(w, 0, eq + 1).append("***");
                    } else {
                        sb.append(' ').append(w);
                        maskNext = true;
                    }
                    continue;
                }
                sb.append(' ').append(w);
            }
            out.add(sb.toString());
        }
        return out;
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
            boolean sep = c == ';' || c == '|' || c == '\n' || c == '&';
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
