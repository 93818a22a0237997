package io.aethercore.shell.internal.ops;

/** One line of aether:preflight: {@code PASS  name  detail}. */
public record Check(Status status, String name, String detail) {

    public enum Status { PASS, WARN, FAIL }

    public static Check pass(String name, String detail) {
        return new Check(Status.PASS, name, detail);
    }

    public static Check warn(String name, String detail) {
        return new Check(Status.WARN, name, detail);
    }

    public static Check fail(String name, String detail) {
        return new Check(Status.FAIL, name, detail);
    }

    public String line() {
        return String.format("%-4s  %-22s %s", status, name, detail);
    }
}
