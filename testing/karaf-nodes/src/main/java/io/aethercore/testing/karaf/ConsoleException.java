package io.aethercore.testing.karaf;

/** A console command failed, or the console could not be reached; the message carries the output. */
public class ConsoleException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient ConsoleResult result;

    public ConsoleException(String message, ConsoleResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The command's result, or null when no answer came (connection, authentication, timeout). */
    public ConsoleResult result() {
        return result;
    }
}
