package io.aethercore.audit.internal.console;

import io.aethercore.api.console.ReadOnly;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.Session;

/**
 * Reads the marks ({@link ReadOnly}) of a console command from the command's own class, as Karaf 4.4
 * registered it.
 *
 * <p>How the class is found: a Gogo {@code CommandSessionListener} only sees the command line. Karaf puts
 * its own {@link Session} into every Gogo session as variable {@code .session}; that session's {@link
 * Registry} lists every registered {@link Command} (scope and name, public API). Commands declared with the
 * {@code Karaf-Commands} header are registered as Karaf's {@code ActionCommand}, whose public {@code
 * getActionClass()} returns the {@code Action} class; that one method is not in Karaf's exported API, so it
 * is called reflectively, and a command without it (a plain {@link Command} service, another shell) has no
 * marks here. The alternatives are worse: Karaf registers the commands of a {@code Karaf-Commands} bundle
 * directly in its registry, not as OSGi services, so there is no service property to read; and the Gogo
 * function ({@code session.get("aether:name")}) is a wrapper that keeps the command in a private field.
 *
 * <p>The annotation is compared by name, so that a command compiled against another version of the api
 * package still counts.
 */
final class CommandMarks {

    static final String SESSION_VARIABLE = ".session";

    private CommandMarks() {}

    /**
     * Whether the command {@code scope:name} of this Karaf session is marked {@link ReadOnly}; false when it
     * cannot be told (then the command is audited, the safe side).
     *
     * @param karafSession the value of the Gogo session variable {@code .session}
     */
    static boolean readOnly(Object karafSession, String scope, String name) {
        return actionClass(karafSession, scope, name).map(CommandMarks::isReadOnly).orElse(false);
    }

    static Optional<Class<?>> actionClass(Object karafSession, String scope, String name) {
        if (!(karafSession instanceof Session session)) {
            return Optional.empty();
        }
        Registry registry = session.getRegistry();
        if (registry == null) {
            return Optional.empty();
        }
        for (Command c : registry.getCommands()) {
            if (scope.equals(c.getScope()) && name.equals(c.getName())) {
                return actionClassOf(c);
            }
        }
        return Optional.empty();
    }

    private static Optional<Class<?>> actionClassOf(Command command) {
        try {
            Method m = command.getClass().getMethod("getActionClass");
            return m.invoke(command) instanceof Class<?> c ? Optional.of(c) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static boolean isReadOnly(Class<?> commandClass) {
        for (Annotation a : commandClass.getAnnotations()) {
            if (a.annotationType().getName().equals(ReadOnly.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
