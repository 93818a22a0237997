package io.aethercore.b4ae.internal.config;

import java.util.List;

/** The configuration was refused; each entry of {@link #problems()} names a key and its allowed values. */
public final class B4aeConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public B4aeConfigException(List<String> problems) {
        super("invalid B4AE configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
