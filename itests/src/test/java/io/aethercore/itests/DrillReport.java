package io.aethercore.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The playbook drill's report: one line per playbook step with its verdict, the measured figure and the
 * playbook's number, printed as each step ends and written as Markdown at the end.
 *
 * <p>Verdicts: {@code PASS} (the step works and its figure meets the playbook's number), {@code MISS} (the step
 * works, but a figure the playbook gives for production hardware was missed on this machine; written down, not
 * hidden), {@code FAIL} (the step does not work, or a bound the playbook makes a correctness requirement, such as
 * Gospel sync within 30 s at 80 % loss, was missed).
 */
final class DrillReport {

    enum Verdict { PASS, MISS, FAIL }

    record Step(String id, String title, Verdict verdict, String measured, String playbook, long millis) {}

    /** What a step found: the figure, and whether a soft number was missed. */
    record Outcome(String measured, boolean missed) {
        static Outcome met(String measured) {
            return new Outcome(measured, false);
        }

        static Outcome of(String measured, boolean met) {
            return new Outcome(measured, !met);
        }
    }

    @FunctionalInterface
    interface Body {
        Outcome run() throws Exception;
    }

    private final String title;
    private final List<Step> steps = new ArrayList<>();
    private final Instant started = Instant.now();

    DrillReport(String title) {
        this.title = title;
    }

    /** Runs one step; an exception or an {@link AssertionError} is its FAIL, with the message as the figure. */
    Step step(String id, String title, String playbook, Body body) {
        long t0 = System.nanoTime();
        Step s;
        try {
            Outcome o = body.run();
            s = new Step(id, title, o.missed() ? Verdict.MISS : Verdict.PASS, o.measured(), playbook, elapsed(t0));
        } catch (Exception | AssertionError e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
            s = new Step(id, title, Verdict.FAIL, why, playbook, elapsed(t0));
            System.out.println("Playbook drill: step " + id + " failed:");
            e.printStackTrace(System.out);
        }
        steps.add(s);
        System.out.println(line(s));
        return s;
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String line(Step s) {
        return String.format(Locale.ROOT, "[%s] %-4s %-44s %s (playbook: %s)", s.verdict(), s.id(), s.title(),
                s.measured(), s.playbook());
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    List<Step> with(Verdict v) {
        return steps.stream().filter(s -> s.verdict() == v).toList();
    }

    String markdown(String setup) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        b.append(setup).append("\n\n");
        b.append(String.format(Locale.ROOT, "Started %s; %d steps: %d PASS, %d MISS, %d FAIL.%n%n", started,
                steps.size(), with(Verdict.PASS).size(), with(Verdict.MISS).size(), with(Verdict.FAIL).size()));
        b.append("| step | what | verdict | measured | playbook | took |\n|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            b.append("| ").append(s.id()).append(" | ").append(cell(s.title())).append(" | **").append(s.verdict())
                    .append("** | ").append(cell(s.measured())).append(" | ").append(cell(s.playbook())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f s", s.millis() / 1000.0)).append(" |\n");
        }
        b.append("\nVerdicts: PASS, the step works and meets the playbook's number; MISS, it works but a figure the"
                + " playbook sets for production hardware was missed on this machine; FAIL, it does not work or a"
                + " correctness bound was missed.\n");
        return b.toString();
    }

    void write(Path file, String setup) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown(setup), StandardCharsets.UTF_8);
        System.out.println("Playbook drill: report written to " + file);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
