package io.aethercore.audit.internal.console;

import io.aethercore.api.audit.AuditEvent;
import io.aethercore.api.audit.AuditLog;
import io.aethercore.api.audit.AuditReceipt;
import io.aethercore.support.console.ConsoleOperator;
import io.aethercore.api.crypto.ProviderUnavailableException;
import io.aethercore.audit.internal.AuditLogComponent;
import io.aethercore.support.service.ServiceSlot;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.apache.felix.service.command.Function;
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
 * Automatic audit of console commands, recorded <em>before</em> they run: a Gogo {@link CommandSessionListener}
 * service, which Karaf's shell calls around every command line of every session (local console, SSH, {@code
 * bin/client}), whatever the commands' scope.
 *
 * <p>Before a line runs, each state-changing command in it ({@link CommandLines}: every command of every scope
 * except Karaf's read-only ones, {@link ReadOnlyCommands}, ours marked {@link io.aethercore.api.console.ReadOnly},
 * and names listed in {@code console.readonly}) is recorded as {@code ConsoleCommand} by the operator of the
 * authenticated JAAS subject ({@link ConsoleOperator}: user, channel, remote address; never the {@code USER}
 * variable), and the record is durable before the command starts. After the line, its outcome is recorded as
 * {@code ConsoleCommandResult} pointing at the first record ({@code command_event_id}).
 *
 * <p><b>Fail closed.</b> When the record cannot be made (no audit log within {@link #PATIENCE}, or {@code record}
 * fails), the state-changing commands of the line are refused. Gogo ignores exceptions thrown by a listener
 * ({@code CommandProcessorImpl.beforeExecute} catches {@code Throwable}), so throwing would not stop anything;
 * instead the auditor binds, for that one line, a session variable under each refused command's name to a function
 * that fails with the reason. Gogo resolves a command name through the session's variables before its registered
 * commands ({@code CommandSessionImpl.get}), so the refused command never runs; the variables are removed after the
 * line. The shell's own init scripts, which Karaf runs as one command line at the start of every session, are not
 * recorded ({@link InitScripts}). {@code console.fail.closed = false} turns refusal off (then only an ERROR line says a command went
 * unrecorded), for an operator repairing a broken log.
 */
@Component(service = CommandSessionListener.class, configurationPid = AuditLogComponent.PID)
public final class ConsoleAuditor implements CommandSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAuditor.class);
    /** How long a command waits for an audit log that is restarting (a configuration change, an update). */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ServiceSlot<AuditLog> audit = new ServiceSlot<>("audit log");
    private final Map<CommandSession, Deque<Line>> lines = new WeakHashMap<>(); // guarded by itself
    private volatile boolean enabled;
    private volatile boolean failClosed;
    private volatile Set<String> readOnly;
    private final InitScripts initScripts = InitScripts.ofSystem();

    /** One command line in flight: its before-records, and the names refused for it. */
    private record Line(ConsoleOperator operator, List<String> commands, List<String> eventIds, List<String> refused) {}

    @Activate
    public ConsoleAuditor(AuditLogComponent.Config config) {
        modified(config);
    }

    @Modified
    void modified(AuditLogComponent.Config config) {
        enabled = config.enabled() && config.console_audit();
        failClosed = config.console_fail_closed();
        Set<String> names = new HashSet<>();
        for (String n : commandList(config.console_readonly())) {
            names.add(n.contains(":") ? n : "aether:" + n);
        }
        readOnly = Set.copyOf(names);
    }

    /**
     * {@code console.readonly} as a set of command names. A Karaf {@code .cfg} file holds one string, so
     * {@code console.readonly = hash, b4ae-stats} arrives as one element: elements are split at commas (a
     * typed {@code .config} array works too), blanks dropped, an {@code aether:} prefix dropped (other scopes are
     * kept as {@code scope:name}).
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
        if (!enabled || commandline == null) {
            return;
        }
        Object karafSession = variable(session, CommandMarks.SESSION_VARIABLE);
        Set<String> listed = readOnly;
        Predicate<String> ro = scoped -> ReadOnlyCommands.karaf(scoped) || listed.contains(scoped)
                || markedReadOnly(karafSession, scoped);
        List<String> commands = isInitScript(karafSession, commandline) ? List.of()
                : CommandLines.stateChanging(commandline.toString(), knownCommands(session), ro);
        Line line = new Line(ConsoleOperator.current(), commands, new ArrayList<>(), new ArrayList<>());
        push(session, line);
        if (commands.isEmpty()) {
            return;
        }
        String failure = recordBefore(line);
        if (failure == null) {
            return;
        }
        if (!failClosed) {
            LOG.error("Console command by {} NOT audited ({}); it runs anyway (console.fail.closed = false): {}",
                    line.operator().id(), failure, commands);
            return;
        }
        LOG.error("Console command by {} REFUSED: the audit log cannot record it ({}): {}", line.operator().id(),
                failure, commands);
        refuse(session, line, failure);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Exception exception) {
        after(session, exception);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Object result) {
        after(session, null);
    }

    /** Whether the line is one of the shell's init scripts as the Karaf session {@code karafSession} runs it. */
    private boolean isInitScript(Object karafSession, CharSequence commandline) {
        try {
            return karafSession instanceof org.apache.karaf.shell.api.console.Session k
                    && initScripts.isInitScript(commandline, KarafLines.key(k), text -> KarafLines.rewrite(k, text));
        } catch (LinkageError e) {
            return false; // Karaf's shell API is optional here: without it, every line is recorded
        }
    }

    /** Records each command of the line before it runs; returns why it could not, or null. */
    private String recordBefore(Line line) {
        AuditLog log;
        try {
            log = audit.get(PATIENCE);
        } catch (ProviderUnavailableException e) {
            return "no audit log is running";
        }
        for (String c : line.commands()) {
            try {
                AuditReceipt r = log.record(withOperator(AuditEvent.of(line.operator().id(), "ConsoleCommand", c),
                        line.operator()));
                line.eventIds().add(r.eventId());
            } catch (Exception | LinkageError e) {
                return "recording failed: " + e.getMessage();
            }
        }
        return null;
    }

    private void after(CommandSession session, Exception failure) {
        Line line = pop(session);
        if (line == null) {
            return;
        }
        for (String name : line.refused()) {
            try {
                session.put(name, null);
            } catch (RuntimeException ignored) {
                // the session is closing
            }
        }
        if (line.eventIds().isEmpty()) {
            return;
        }
        AuditLog log = audit.getNow();
        for (int i = 0; i < line.eventIds().size(); i++) {
            String c = line.commands().get(i);
            try {
                AuditEvent e = withOperator(AuditEvent.of(line.operator().id(), "ConsoleCommandResult", c),
                        line.operator())
                        .withDetail("command_event_id", line.eventIds().get(i))
                        .withDetail("outcome", failure == null ? "success" : "failure");
                if (failure != null) {
                    e = e.withDetail("error", CommandLines.truncate(String.valueOf(failure.getMessage())));
                }
                if (log == null) {
                    throw new IllegalStateException("the audit log went away while the command ran");
                }
                log.record(e);
            } catch (Exception | LinkageError ex) {
                LOG.warn("Outcome of console command by {} not recorded ({}); its ConsoleCommand record {} stands: {}",
                        line.operator().id(), ex.getMessage(), line.eventIds().get(i), c);
            }
        }
    }

    /** Adds the operator's channel and remote address to an event. */
    public static AuditEvent withOperator(AuditEvent e, ConsoleOperator operator) {
        AuditEvent out = e.withDetail("channel", operator.channel());
        return operator.remoteAddress().isEmpty() ? out : out.withDetail("remote_address", operator.remoteAddress());
    }

    /** Shadows each refused command of the line with a function that fails (see the class comment). */
    private static void refuse(CommandSession session, Line line, String reason) {
        String message = "Refused: the audit log cannot record this command (" + reason + "). Nothing was run."
                + " Check aether:audit-status and the Karaf log.";
        Function refusal = (s, args) -> {
            throw new IllegalStateException(message);
        };
        for (String c : line.commands()) {
            String word = c.split(" ", 2)[0];
            if (word.startsWith("$")) {
                // an indirect command: refuse the command the variable names now
                Object target = variable(session, word.substring(1).replace("{", "").replace("}", ""));
                word = target instanceof String t ? t : word;
            }
            for (String name : names(word)) {
                session.put(name, refusal);
                line.refused().add(name);
            }
        }
    }

    /** The names under which Gogo may look up a typed command word. */
    private static List<String> names(String word) {
        int colon = word.indexOf(':');
        if (colon > 0) {
            String bare = word.substring(colon + 1);
            return List.of(word, bare, "*:" + bare);
        }
        return List.of(word, "*:" + word);
    }

    private void push(CommandSession session, Line line) {
        synchronized (lines) {
            lines.computeIfAbsent(session, s -> new ArrayDeque<>()).push(line);
        }
    }

    private Line pop(CommandSession session) {
        synchronized (lines) {
            Deque<Line> d = lines.get(session);
            if (d == null || d.isEmpty()) {
                return null;
            }
            Line l = d.pop();
            if (d.isEmpty()) {
                lines.remove(session);
            }
            return l;
        }
    }

    private static Object variable(CommandSession session, String name) {
        try {
            return session.get(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean markedReadOnly(Object karafSession, String scoped) {
        int colon = scoped.indexOf(':');
        try {
            return CommandMarks.readOnly(karafSession, scoped.substring(0, colon), scoped.substring(colon + 1));
        } catch (RuntimeException | LinkageError e) {
            // no Karaf shell API wired to this bundle: only the lists apply
            return false;
        }
    }

    private static Set<String> knownCommands(CommandSession session) {
        if (variable(session, ".commands") instanceof Collection<?> col) {
            Set<String> out = new HashSet<>();
            for (Object o : col) {
                out.add(String.valueOf(o));
            }
            return out;
        }
        return Set.of();
    }
}
