package io.aethercore.b4ae.internal;

/**
 * The table of docs/PERFORMANCE.md "B4AE handshakes under loss": every kind × loss 0/50/80/90 %, {@code n}
 * handshakes each (default 100, first argument), 30 s cap, seeded. Run from bundles/b4ae after
 * {@code test-compile} with the test classpath (the command is in docs/PERFORMANCE.md).
 */
public final class LossMeasurement {

    private LossMeasurement() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        double[] losses = {0.0, 0.5, 0.8, 0.9};
        for (LossLab.Kind kind : LossLab.Kind.values()) {
            for (double loss : losses) {
                long[] t = LossLab.handshakes(kind, loss, n, 30_000, 7_000 + Math.round(loss * 100), LossLab::defaults);
                System.out.println(LossLab.summary(kind, loss, t));
            }
        }
        System.exit(0);
    }
}
