package io.aethercore.shell.internal.ops;

import java.util.Locale;

/**
 * One row of the playbook's Step 1.2 table ("Expected Metrics"): target, acceptable and failure limits
 * of one measured figure. The playbook leaves a gap between "acceptable" and "failure" (BLAKE3 between
 * 500 MB/s and 1 GB/s, a signature between 100 ms and 200 ms): a figure there is {@link Verdict#MARGINAL},
 * shown as WARN.
 *
 * @param higherIsBetter throughput (higher is better) or latency (lower is better)
 * @param target better than this: TARGET
 * @param acceptable better than this: ACCEPTABLE
 * @param failure worse than this: FAILURE
 * @param unit the unit of the three limits and of the measured figure: {@code MB/s} (10^6 bytes per second)
 *     or {@code ns}
 */
public record Band(String operation, boolean higherIsBetter, double target, double acceptable, double failure, String unit) {

    /** The verdict of one measured figure. */
    public enum Verdict {
        TARGET("PASS"), ACCEPTABLE("PASS"), MARGINAL("WARN"), FAILURE("FAIL");

        private final String status;

        Verdict(String status) {
            this.status = status;
        }

        /** PASS, WARN or FAIL, as aether:preflight prints it. */
        public String status() {
            return status;
        }
    }

    /** BLAKE3 (1MB): &gt; 2 GB/s target, &gt; 1 GB/s acceptable, &lt; 500 MB/s failure. */
    public static final Band BLAKE3_1MB = new Band("BLAKE3 (1MB)", true, 2000, 1000, 500, "MB/s");
    /** Ed25519 Sign (TPM): &lt; 50 ms target, &lt; 100 ms acceptable, &gt; 200 ms failure. */
    public static final Band SIGN = new Band("Ed25519 Sign (TPM)", false, 50e6, 100e6, 200e6, "ns");
    /** Ed25519 Verify: &lt; 1 ms target, &lt; 5 ms acceptable, &gt; 10 ms failure. */
    public static final Band VERIFY = new Band("Ed25519 Verify", false, 1e6, 5e6, 10e6, "ns");
    /** Merkle Vine Append: &lt; 10 µs target, &lt; 50 µs acceptable, &gt; 100 µs failure. */
    public static final Band MERKLE_APPEND = new Band("Merkle Vine Append", false, 10e3, 50e3, 100e3, "ns");

    public Verdict verdict(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("no figure");
        }
        if (higherIsBetter) {
            return value > target ? Verdict.TARGET : value > acceptable ? Verdict.ACCEPTABLE
                    : value < failure ? Verdict.FAILURE : Verdict.MARGINAL;
        }
        return value < target ? Verdict.TARGET : value < acceptable ? Verdict.ACCEPTABLE
                : value > failure ? Verdict.FAILURE : Verdict.MARGINAL;
    }

    /** The limits as the playbook writes them: {@code > 2 GB/s | > 1 GB/s | < 500 MB/s}. */
    public String limits() {
        String better = higherIsBetter ? "> " : "< ";
        String worse = higherIsBetter ? "< " : "> ";
        return better + format(target, unit) + " | " + better + format(acceptable, unit) + " | " + worse + format(failure, unit);
    }

    /** A figure in this band's unit, readably: {@code 4.81 GB/s}, {@code 27.3 µs}, {@code 1.20 ms}. */
    public static String format(double value, String unit) {
        if (unit.equals("MB/s")) {
            return value >= 1000 ? trim(String.format(Locale.ROOT, "%.2f", value / 1000)) + " GB/s"
                    : trim(String.format(Locale.ROOT, "%.1f", value)) + " MB/s";
        }
        if (value >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.2f", value / 1e6)) + " ms";
        }
        if (value >= 1e3) {
            return trim(String.format(Locale.ROOT, "%.1f", value / 1e3)) + " µs";
        }
        return trim(String.format(Locale.ROOT, "%.0f", value)) + " ns";
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
