package io.aethercore.tck;

import java.util.Arrays;

/** Small helpers shared by the contracts. */
final class Tck {

    /** A call that may throw anything. */
    @FunctionalInterface
    interface Call {
        void run() throws Throwable;
    }

    /** A copy of {@code b} with bit {@code bit} (0 = least significant bit of byte 0) flipped. */
    static byte[] flip(byte[] b, int bit) {
        byte[] c = b.clone();
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Runs {@code call} and returns what it threw, or {@code null} if it returned normally. Never lets
     * a {@link Throwable} escape, so that a contract can say which exception types are allowed.
     */
    static Throwable thrownBy(Call call) {
        try {
            call.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Whether {@code t} is an instance of one of {@code allowed}. */
    @SafeVarargs
    static boolean isOneOf(Throwable t, Class<? extends Throwable>... allowed) {
        for (Class<? extends Throwable> c : allowed) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private Tck() {}
}
