package io.aethercore.dashboard;

/** The dashboard cannot do what was asked; the message says why in words an operator can act on. */
public class DashboardException extends Exception {
    private static final long serialVersionUID = 1L;

    public DashboardException(String message) {
        super(message);
    }

    public DashboardException(String message, Throwable cause) {
        super(message, cause);
    }
}
